import Foundation
import TestServers
import Testing

@Suite("imagebot scan and registry-resolved dry-run, against a real registry", .serialized)
struct ScanCommandTests {
    func workspace(registry: LocalRegistry) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString)")
        let config = root.appendingPathComponent("policies")
        let apps = root.appendingPathComponent("apps")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: apps, withIntermediateDirectories: true)
        try """
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageRepository
        metadata: {name: app, namespace: flux-system}
        spec: {image: "\(registry.host)/acme/app", interval: 1m}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImagePolicy
        metadata: {name: app, namespace: flux-system}
        spec:
          imageRepositoryRef: {name: app}
          policy: {semver: {range: "^1.0"}}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImagePolicy
        metadata: {name: app-pinned, namespace: flux-system}
        spec:
          imageRepositoryRef: {name: app}
          policy: {semver: {range: "~1.0"}}
          digestReflectionPolicy: IfNotPresent
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageRepository
        metadata: {name: gone, namespace: flux-system}
        spec: {image: "127.0.0.1:1/acme/gone", interval: 1m, timeout: 3s}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImagePolicy
        metadata: {name: gone, namespace: flux-system}
        spec:
          imageRepositoryRef: {name: gone}
          policy: {semver: {range: "*"}}
        """.write(to: config.appendingPathComponent("app.yaml"), atomically: true, encoding: .utf8)
        try """
        spec:
          containers:
            - image: \(registry.host)/acme/app:1.0.0 # {"$imagepolicy": "flux-system:app"}
            - image: \(registry.host)/acme/app:1.0.0 # {"$imagepolicy": "flux-system:app-pinned"}

        """.write(to: apps.appendingPathComponent("deploy.yaml"), atomically: true, encoding: .utf8)
        return root
    }

    @Test(
        "scan lists tags (exclusions applied), reports new tags, selects per policy; an unreachable registry fails alone"
    )
    func scan() throws {
        let registry = try LocalRegistry()
        let digests = try registry.push(
            "acme/app", ["1.0.0", "1.0.3", "1.1.0", "v1.2.0", "2.0.0", "1.3.0-rc.1", "sha256-abc.sig"])
        let root = try workspace(registry: registry)
        defer { try? FileManager.default.removeItem(at: root) }
        let arguments = [
            "scan", "--config", root.appendingPathComponent("policies").path,
            "--state-dir", root.appendingPathComponent("state").path, "--output", "json",
        ]

        let first = try ImagebotBinary.run(arguments)
        #expect(first.status == 3, "the unreachable repository fails the run: \(first.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let repositories = try #require(report["repositories"] as? [[String: Any]])
        let app = try #require(repositories.first { $0["name"] as? String == "app" })
        #expect(app["tagCount"] as? Int == 6)
        #expect(app["excluded"] as? Int == 1)
        #expect((app["newTags"] as? [String])?.count == 6)
        #expect((app["revision"] as? String)?.hasPrefix("sha256:") == true)
        #expect(app["error"] == nil)
        let gone = try #require(repositories.first { $0["name"] as? String == "gone" })
        #expect((gone["error"] as? String)?.hasPrefix("127.0.0.1:1/acme/gone: ") == true, "\(gone)")
        let policies = try #require(report["policies"] as? [[String: Any]])
        let semver = try #require(policies.first { $0["name"] as? String == "app" })
        let latest = try #require(semver["latestRef"] as? [String: Any])
        #expect(latest["name"] as? String == "\(registry.host)/acme/app")
        #expect(latest["tag"] as? String == "v1.2.0")
        #expect(latest["digest"] == nil)
        let pinned = try #require(policies.first { $0["name"] as? String == "app-pinned" })
        let pinnedRef = try #require(pinned["latestRef"] as? [String: Any])
        #expect(pinnedRef["tag"] as? String == "1.0.3")
        #expect(pinnedRef["digest"] as? String == digests["1.0.3"])
        #expect(semver["outsideRange"] as? Int == 2)

        try registry.push("acme/app", ["1.4.0"])
        let second = try ImagebotBinary.run(arguments)
        let secondReport = try #require(
            try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        let secondApp = try #require(
            (secondReport["repositories"] as? [[String: Any]])?.first { $0["name"] as? String == "app" })
        #expect(secondApp["newTags"] as? [String] == ["1.4.0"])
    }

    @Test("dry-run resolves markers through the registry; --set still wins; failures name the policy")
    func dryRunThroughRegistry() throws {
        let registry = try LocalRegistry()
        let digests = try registry.push("acme/app", ["1.0.0", "1.0.3", "1.1.0"])
        let root = try workspace(registry: registry)
        defer { try? FileManager.default.removeItem(at: root) }
        let base = [
            "dry-run", root.appendingPathComponent("apps").path,
            "--config", root.appendingPathComponent("policies").path,
            "--state-dir", root.appendingPathComponent("state").path,
        ]

        let result = try ImagebotBinary.run(base)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains(
                "+    - image: \(registry.host)/acme/app:1.1.0 # {\"$imagepolicy\": \"flux-system:app\"}"))
        #expect(result.stdout.contains("+    - image: \(registry.host)/acme/app:1.0.3@\(digests["1.0.3"] ?? "?") #"))
        #expect(!result.stderr.contains("gone"), "repositories no marker needs are not scanned: \(result.stderr)")

        let overridden = try ImagebotBinary.run(base + ["--set", "flux-system:app=\(registry.host)/acme/app:9.9.9"])
        #expect(overridden.stdout.contains("acme/app:9.9.9"))

        try "- image: x:1 # {\"$imagepolicy\": \"flux-system:gone\"}\n"
            .write(to: root.appendingPathComponent("apps/gone.yaml"), atomically: true, encoding: .utf8)
        let failing = try ImagebotBinary.run(base)
        #expect(failing.status == 3)
        #expect(failing.stderr.contains("error: ImageRepository flux-system/gone: 127.0.0.1:1/acme/gone:"))
        #expect(
            failing.stderr.contains(
                "warning: gone.yaml:1:10: policy flux-system:gone has no result: 127.0.0.1:1/acme/gone:"))
        #expect(failing.stdout.contains("acme/app:1.1.0"), "the other markers are still rewritten")
    }
}
