import Foundation
import Testing

/// Runs the git CLI (the tests' independent witness of what imagebot pushed).
@discardableResult
func git(_ arguments: [String], in directory: URL? = nil) throws -> String {
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

@Suite("imagebot run --once: scan, select, rewrite, commit, push to a real Git remote", .serialized)
struct RunCommandTests {
    @Test func pushesExactlyTheMarkedChange() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry)
        let (root, remote, deploy) = (fleet.root, fleet.remote, fleet.deploy)
        defer { try? FileManager.default.removeItem(at: root) }
        let run = fleet.runArguments

        let first = try ImagebotBinary.run(run)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("ImageUpdateAutomation flux-system/apps: pushed commit "))
        let author = try git(["--git-dir", remote.path, "log", "-1", "--format=%an <%ae>|%cn <%ce>", "main"])
        #expect(author == "imagebot <bot@example.com>|imagebot <bot@example.com>\n")
        let message = try git(["--git-dir", remote.path, "log", "-1", "--format=%B", "main"])
        #expect(message.hasPrefix(
            "Automation: flux-system/apps\n- \(registry.host)/acme/app:1.0.0 -> \(registry.host)/acme/app:1.1.0 (flux-system:app)\n"))
        let changed = try git(["--git-dir", remote.path, "diff", "--name-only", "main~1", "main"])
        #expect(changed == "apps/deploy.yaml\n", "only update.path is rewritten")
        let content = try git(["--git-dir", remote.path, "show", "main:apps/deploy.yaml"])
        #expect(content == deploy.replacingOccurrences(of: "acme/app:1.0.0", with: "acme/app:1.1.0"), "byte-exact: only the value")

        // Nothing new: one remote ref lookup, no commit.
        let head = try git(["--git-dir", remote.path, "rev-parse", "main"])
        let second = try ImagebotBinary.run(run)
        #expect(second.status == 0)
        #expect(second.stdout.contains("no change since the last run"), "\(second.stdout)")
        #expect(try git(["--git-dir", remote.path, "rev-parse", "main"]) == head)

        // Another writer moved the branch: a full run, but the marked values are current.
        let other = root.appendingPathComponent("other")
        try git(["clone", "-q", remote.path, other.path])
        try "hello\n".write(to: other.appendingPathComponent("README"), atomically: true, encoding: .utf8)
        try git(["add", "README"], in: other)
        try git(["commit", "-qm", "docs"], in: other)
        try git(["push", "-q", "origin", "main"], in: other)
        let theirs = try git(["rev-parse", "HEAD"], in: other)
        let afterTheirs = try ImagebotBinary.run(run)
        #expect(afterTheirs.stdout.contains("no changes: every marked value under ./apps is up to date"), "\(afterTheirs.stdout)")
        #expect(try git(["--git-dir", remote.path, "rev-parse", "main"]) == theirs)

        // A new tag: imagebot builds on their commit.
        try registry.push("acme/app", ["1.2.0"])
        let third = try ImagebotBinary.run(run)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try git(["--git-dir", remote.path, "rev-parse", "main~1"]) == theirs, "their commit is kept")
        #expect(try git(["--git-dir", remote.path, "show", "main:apps/deploy.yaml"]).contains("acme/app:1.2.0"))
    }
}

/// A docker-registry image, a file:// Git remote seeded with apps/deploy.yaml, and the Flux
/// manifests of one ImageUpdateAutomation pushing to main.
struct Fleet {
    let root: URL
    let remote: URL
    let deploy: String
    let config: URL
    let secrets: URL

    var runArguments: [String] {
        ["run", "--once", "--config", config.path, "--secrets-dir", secrets.path, "--state-dir", root.appendingPathComponent("state").path]
    }

    /// `signing`: extra lines under `git.commit` (a signingKey), already indented.
    init(registry: LocalRegistry, signing: String = "") throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        let remote = root.appendingPathComponent("remote.git")
        let seed = root.appendingPathComponent("seed")
        try FileManager.default.createDirectory(at: seed.appendingPathComponent("apps"), withIntermediateDirectories: true)
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
            spec: {url: "file://\(remote.path)", interval: 1m, ref: {branch: main}}
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
}

@Suite("imagebot run --once signs commits", .serialized)
struct SignedCommitTests {
    /// Runs a tool (ssh-keygen, gpg) and returns its standard output.
    @discardableResult
    func tool(_ path: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    func writeSecret(_ fleet: Fleet, name: String, _ entries: [String: Data]) throws {
        let directory = fleet.secrets.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (key, value) in entries { try value.write(to: directory.appendingPathComponent(key)) }
    }

    @Test func sshSignature() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry, signing: "signingKey: {type: ssh, secretRef: {name: signing}}")
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let key = fleet.root.appendingPathComponent("id_ed25519")
        try tool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "bot@example.com", "-f", key.path])
        try writeSecret(fleet, name: "signing", ["identity": Data(contentsOf: key)])
        let result = try ImagebotBinary.run(fleet.runArguments)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let publicKey = try String(contentsOf: key.appendingPathExtension("pub"), encoding: .utf8)
        let allowed = fleet.root.appendingPathComponent("allowed_signers")
        try "bot@example.com \(publicKey)".write(to: allowed, atomically: true, encoding: .utf8)
        try git(["-c", "gpg.ssh.allowedSignersFile=\(allowed.path)", "--git-dir", fleet.remote.path, "verify-commit", "main"])
    }

    @Test func gpgSignature() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry, signing: "signingKey: {secretRef: {name: signing}}")  // type defaults to gpg
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let home = fleet.root.appendingPathComponent("gnupg")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let env = ["GNUPGHOME": home.path]
        defer { _ = try? tool("/usr/bin/gpgconf", ["--kill", "gpg-agent"], environment: env) }
        try tool("/usr/bin/gpg", ["--batch", "--passphrase", "", "--quick-gen-key", "imagebot <bot@example.com>", "ed25519", "sign", "never"], environment: env)
        let armored = try tool("/usr/bin/gpg", ["--batch", "--armor", "--export-secret-keys", "bot@example.com"], environment: env)
        try writeSecret(fleet, name: "signing", ["git.asc": armored])
        let result = try ImagebotBinary.run(fleet.runArguments)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        try tool("/usr/bin/git", ["--git-dir", fleet.remote.path, "verify-commit", "main"], environment: env)
    }

    @Test func missingKeyIsFluxsError() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry, signing: "signingKey: {secretRef: {name: signing}}")
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        try writeSecret(fleet, name: "signing", ["other": Data("x".utf8)])
        let result = try ImagebotBinary.run(fleet.runArguments)
        #expect(result.status == 3)
        #expect(result.stdout.contains("signing key secret 'signing' does not contain a 'git.asc' key"))
        let head = try git(["--git-dir", fleet.remote.path, "log", "--format=%s", "main"])
        #expect(head == "seed\n", "nothing is pushed")
    }
}
