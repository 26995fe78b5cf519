public import Foundation

/// Runs the git CLI (the tests' independent witness of what imagebot pushed) and returns its
/// standard output; commits it makes are by "Other Writer".
@discardableResult
public func git(_ arguments: [String], in directory: URL? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_AUTHOR_NAME"] = "Other Writer"
    environment["GIT_AUTHOR_EMAIL"] = "other@example.com"
    environment["GIT_COMMITTER_NAME"] = "Other Writer"
    environment["GIT_COMMITTER_EMAIL"] = "other@example.com"
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    return String(decoding: data, as: UTF8.self)
}

/// A docker-registry image, a bare Git remote seeded with apps/deploy.yaml, and the Flux
/// manifests of one ImageUpdateAutomation (flux-system/apps) pushing to main.
///
/// The remote is `<root>/remote.git`; imagebot reaches it by `file://` unless a URL is given
/// (a server serving that directory over HTTP or SSH).
public struct Fleet {
    /// The temporary directory holding everything; the test removes it.
    public let root: URL
    /// The bare repository, `<root>/remote.git`.
    public let remote: URL
    /// The seeded apps/deploy.yaml (one marked image, `<registry>/acme/app:1.0.0`).
    public let deploy: String
    /// The directory of the Flux manifests (`--config`).
    public let config: URL
    /// The Kubernetes-Secret-volume-like directory (`--secrets-dir`): `<secrets>/<name>/<key>`.
    public let secrets: URL

    /// `imagebot run --once` with this fleet's config, secrets and state directories.
    public var runArguments: [String] {
        [
            "run", "--once", "--config", config.path, "--secrets-dir", secrets.path, "--state-dir",
            root.appendingPathComponent("state").path,
        ]
    }

    /// Builds the fleet.
    /// - Parameters:
    ///   - signing: extra lines under `git.commit` (a signingKey), already indented.
    ///   - root: the directory to build in (created if needed); a fresh temporary one when nil.
    ///   - gitURL: the GitRepository's `spec.url`; `file://<remote>` when nil.
    ///   - secretRef: the GitRepository's `spec.secretRef.name`, if any.
    ///   - gitSpec: more GitRepository spec fields, flow style with a leading comma
    ///     (e.g. `, proxySecretRef: {name: proxy}`).
    public init(
        registry: LocalRegistry, signing: String = "", root: URL? = nil, gitURL: String? = nil,
        secretRef: String? = nil,
        gitSpec: String = ""
    ) throws {
        let root = root ?? FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        let remote = root.appendingPathComponent("remote.git")
        let seed = root.appendingPathComponent("seed")
        try FileManager.default.createDirectory(
            at: seed.appendingPathComponent("apps"), withIntermediateDirectories: true)
        try git(["init", "--bare", "--initial-branch=main", remote.path])
        try git(["init", "--initial-branch=main", seed.path])
        let deploy = """
            # the web tier

            spec:
              containers:
                - image: \(registry.host)/acme/app:1.0.0 # {"$imagepolicy": "flux-system:app"}
                - image: busybox:1.36   # not marked

            """
        try deploy.write(to: seed.appendingPathComponent("apps/deploy.yaml"), atomically: true, encoding: .utf8)
        try "untouched: true # {\"$imagepolicy\": \"flux-system:app\"}\n"
            .write(to: seed.appendingPathComponent("outside.yaml"), atomically: true, encoding: .utf8)
        try git(["add", "."], in: seed)
        try git(["commit", "-qm", "seed"], in: seed)
        try git(["push", "-q", remote.path, "main"], in: seed)

        let url = gitURL ?? "file://\(remote.path)"
        let secret = secretRef.map { ", secretRef: {name: \($0)}" } ?? ""
        let config = root.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try """
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageRepository
        metadata: {name: app, namespace: flux-system}
        spec: {image: "\(registry.host)/acme/app", interval: 1m}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImagePolicy
        metadata: {name: app, namespace: flux-system}
        spec: {imageRepositoryRef: {name: app}, policy: {semver: {range: "^1.0"}}}
        ---
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata: {name: fleet, namespace: flux-system}
        spec: {url: "\(url)", interval: 1m, ref: {branch: main}\(secret)\(gitSpec)}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageUpdateAutomation
        metadata: {name: apps, namespace: flux-system}
        spec:
          interval: 10m
          sourceRef: {kind: GitRepository, name: fleet}
          git:
            commit:
              author: {name: imagebot, email: bot@example.com}
              \(signing)
              messageTemplate: |
                Automation: {{ .AutomationObject }}
                {{ range .Changed.Changes -}}
                - {{ .OldValue }} -> {{ .NewValue }} ({{ .Setter }})
                {{ end -}}
            push: {branch: main}
          update: {path: ./apps, strategy: Setters}
        """.write(to: config.appendingPathComponent("fleet.yaml"), atomically: true, encoding: .utf8)
        self.root = root
        self.remote = remote
        self.deploy = deploy
        self.config = config
        secrets = root.appendingPathComponent("secrets")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
    }

    /// A GitRepository `name` (flux-system) on `url`'s main branch and an ImageUpdateAutomation
    /// `name` writing `path` of it and pushing to main, as manifest text for the config dir.
    public static func automationManifests(name: String, url: String, path: String, messageTemplate: String? = nil)
        -> String
    {
        """
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata: {name: \(name), namespace: flux-system}
        spec: {url: "\(url)", interval: 1m, ref: {branch: main}}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageUpdateAutomation
        metadata: {name: \(name), namespace: flux-system}
        spec:
          interval: 10m
          sourceRef: {kind: GitRepository, name: \(name)}
          git:
            commit:
              author: {name: imagebot, email: bot@example.com}\(messageTemplate.map { "\n      messageTemplate: \"\($0)\"" } ?? "")
            push: {branch: main}
          update: {path: \(path), strategy: Setters}

        """
    }

    /// Writes Secret `name` as a mounted Secret volume would: one file per key under `secrets/<name>/`.
    public func writeSecret(name: String, _ entries: [String: Data]) throws {
        let directory = secrets.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (key, value) in entries { try value.write(to: directory.appendingPathComponent(key)) }
    }
}
