import Foundation
import TestServers
import Testing

/// Two daemons, `--shard-count 2 --shard-index 0|1`, over one config of six automations on two
/// Git repositories: each pushes only its own automations, together all of them, none twice;
/// with one shard stopped, the other keeps its share (and takes over nothing).
@Suite("two shards end to end", .serialized)
struct ShardingTests {
    static let automations = ["web", "api", "worker", "cron", "admin", "search"]

    /// Two bare remotes; remote `i` holds `apps/<name>/deploy.yaml` for every automation with
    /// `index % 2 == i`, each marked with the one policy.
    func seedRemotes(root: URL, registry: LocalRegistry) throws -> [URL] {
        try (0..<2).map { index in
            let remote = root.appendingPathComponent("fleet-\(index).git")
            let seed = root.appendingPathComponent("seed-\(index)")
            try git(["init", "--bare", "--initial-branch=main", remote.path])
            try git(["init", "--initial-branch=main", seed.path])
            for (position, name) in Self.automations.enumerated() where position % 2 == index {
                let directory = seed.appendingPathComponent("apps/\(name)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try "image: \(registry.host)/acme/app:1.0.0 # {\"$imagepolicy\": \"flux-system:app\"}\n"
                    .write(to: directory.appendingPathComponent("deploy.yaml"), atomically: true, encoding: .utf8)
            }
            try git(["add", "."], in: seed)
            try git(["commit", "-qm", "seed"], in: seed)
            try git(["push", "-q", remote.path, "main"], in: seed)
            return remote
        }
    }

    func writeConfig(root: URL, registry: LocalRegistry, remotes: [URL]) throws -> URL {
        var documents = [
            """
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImageRepository
            metadata: {name: app, namespace: flux-system}
            spec: {image: "\(registry.host)/acme/app", interval: 1h}
            """,
            """
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImagePolicy
            metadata: {name: app, namespace: flux-system}
            spec: {imageRepositoryRef: {name: app}, policy: {semver: {range: "1.x"}}}
            """,
        ]
        // Each automation has its GitRepository (named after it) on one of the two remotes.
        for (position, name) in Self.automations.enumerated() {
            documents.append(
                Fleet.automationManifests(
                    name: name, url: "file://\(remotes[position % 2].path)", path: "./apps/\(name)",
                    messageTemplate: "{{ .AutomationObject }}: {{ range .Changed.Changes }}{{ .NewValue }}{{ end }}"))
        }
        let config = root.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try documents.joined(separator: "\n---\n").write(
            to: config.appendingPathComponent("fleet.yaml"), atomically: true, encoding: .utf8)
        return config
    }

    /// Commit subjects on a remote's main, newest first, the seed excluded.
    func subjects(_ remote: URL) throws -> [String] {
        try git(["--git-dir", remote.path, "log", "--format=%s", "main"]).split(separator: "\n").map(String.init).filter
        { $0 != "seed" }
    }

    /// The automations a shard pushed, from its log.
    func pushed(_ daemon: DaemonProcess) -> [String] {
        daemon.logLines.filter { $0["msg"] as? String == "automation pushed" }.compactMap {
            $0["imageupdateautomation"] as? String
        }
    }

    @Test func twoShardsPushEveryAutomationOnceAndAStoppedShardIsNotTakenOver() async throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let remotes = try seedRemotes(root: root, registry: registry)
        let config = try writeConfig(root: root, registry: registry, remotes: remotes)
        let shards = try (0..<2).map { index in
            try DaemonProcess(
                [
                    "--config", config.path, "--state-dir", root.appendingPathComponent("state-\(index)").path,
                    "--shard-count", "2", "--shard-index", "\(index)",
                ],
                log: root.appendingPathComponent("shard-\(index).log"))
        }
        // Ownership as each shard reports it: disjoint, and together every automation.
        var owned: [Set<String>] = []
        for shard in shards {
            let status = try await shard.status()
            let names = (status["imageUpdateAutomations"] as? [[String: Any]] ?? []).compactMap {
                $0["name"] as? String
            }
            owned.append(Set(names))
        }
        #expect(owned[0].isDisjoint(with: owned[1]), "\(owned)")
        #expect(owned[0].union(owned[1]) == Set(Self.automations), "\(owned)")
        #expect(!owned[0].isEmpty && !owned[1].isEmpty, "the hash splits these six names: \(owned)")

        // Every automation's 1.1.0 commit lands once, pushed by its own shard.
        let all = try eventually(seconds: 60) { try remotes.map(subjects).joined().count >= Self.automations.count }
        #expect(all != nil, "shard 0:\n\(shards[0].logText)\nshard 1:\n\(shards[1].logText)")
        let commits = try remotes.flatMap(subjects)
        #expect(
            commits.sorted() == Self.automations.map { "flux-system/\($0): \(registry.host)/acme/app:1.1.0" }.sorted(),
            "\(commits)")
        for (index, shard) in shards.enumerated() {
            let names = Set(pushed(shard).map { String($0.dropFirst("flux-system/".count)) })
            #expect(names == owned[index], "shard \(index) pushed \(names), owns \(owned[index])")
        }

        // Shard 1 stops; a new tag reaches only shard 0's automations: no takeover.
        #expect(try shards[1].stop() == 0)
        try registry.push("acme/app", ["1.2.0"])
        #expect(try await shards[0].request("POST", "/hooks/app").0 == 202)
        let moved = try eventually(seconds: 30) {
            try remotes.flatMap(subjects).filter { $0.hasSuffix(":1.2.0") }.count >= owned[0].count
        }
        #expect(moved != nil, "\(shards[0].logText)")
        // Shard 0 tracks only its own automations even with shard 1 gone (no takeover)…
        let tracked = (try await shards[0].status()["imageUpdateAutomations"] as? [[String: Any]] ?? []).compactMap {
            $0["name"] as? String
        }
        #expect(Set(tracked) == owned[0])
        // …so only they moved.
        let updated = Set(
            try remotes.flatMap(subjects).filter { $0.hasSuffix(":1.2.0") }.map {
                String($0.dropFirst("flux-system/".count).prefix { $0 != ":" })
            })
        #expect(updated == owned[0], "only the running shard's automations move: \(updated)")
        #expect(try shards[0].stop() == 0)
    }
}
