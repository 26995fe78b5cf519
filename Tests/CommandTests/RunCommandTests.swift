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
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
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
                  messageTemplate: |
                    Automation: {{ .AutomationObject }}
                    {{ range .Changed.Changes -}}
                    - {{ .OldValue }} -> {{ .NewValue }} ({{ .Setter }})
                    {{ end -}}
                push: {branch: main}
              update: {path: ./apps, strategy: Setters}
            """.write(to: config.appendingPathComponent("fleet.yaml"), atomically: true, encoding: .utf8)
        let run = ["run", "--once", "--config", config.path, "--state-dir", root.appendingPathComponent("state").path]

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

        // Nothing new: no commit.
        let head = try git(["--git-dir", remote.path, "rev-parse", "main"])
        let second = try ImagebotBinary.run(run)
        #expect(second.status == 0)
        #expect(second.stdout.contains("no changes"))
        #expect(try git(["--git-dir", remote.path, "rev-parse", "main"]) == head)

        // Another writer moved the branch; a new tag appears: imagebot builds on their commit.
        let other = root.appendingPathComponent("other")
        try git(["clone", "-q", remote.path, other.path])
        try "hello\n".write(to: other.appendingPathComponent("README"), atomically: true, encoding: .utf8)
        try git(["add", "README"], in: other)
        try git(["commit", "-qm", "docs"], in: other)
        try git(["push", "-q", "origin", "main"], in: other)
        let theirs = try git(["rev-parse", "HEAD"], in: other)
        try registry.push("acme/app", ["1.2.0"])
        let third = try ImagebotBinary.run(run)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try git(["--git-dir", remote.path, "rev-parse", "main~1"]) == theirs, "their commit is kept")
        #expect(try git(["--git-dir", remote.path, "show", "main:apps/deploy.yaml"]).contains("acme/app:1.2.0"))
    }
}
