import Foundation
import TestServers
import Testing

@Suite("imagebot explain: a line per marker, with the reason when nothing changes", .serialized)
struct ExplainCommandTests {
    @Test func everyReason() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("explain-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let apps = root.appendingPathComponent("apps")
        let config = root.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: apps, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        let image = "\(registry.host)/acme/app"
        try """
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageRepository
        metadata: {name: app, namespace: flux-system}
        spec: {image: "\(image)", interval: 1m}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImagePolicy
        metadata: {name: app, namespace: flux-system}
        spec: {imageRepositoryRef: {name: app}, policy: {semver: {range: "^1.0"}}}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImagePolicy
        metadata: {name: next, namespace: flux-system}
        spec: {imageRepositoryRef: {name: app}, policy: {semver: {range: "^2.0"}}}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageRepository
        metadata: {name: app, namespace: team-a}
        spec: {image: "\(image)", interval: 1m}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImagePolicy
        metadata: {name: web, namespace: team-a}
        spec: {imageRepositoryRef: {name: app}, policy: {semver: {range: "^1.0"}}}
        """.write(to: config.appendingPathComponent("policies.yaml"), atomically: true, encoding: .utf8)
        try """
        a: \(image):1.0.0 # {"$imagepolicy": "flux-system:app"}
        b: \(image):1.1.0 # {"$imagepolicy": "flux-system:app"}
        c: \(image):1.0.0 # {"$imagepolicy": "flux-system:next"}
        d: \(image):1.0.0 # {"$imagepolicy": "flux-system:nope"}
        e: \(image):1.0.0 # {"$imagepolicy": "flux-system:web"}
        f: sha256:00 # {"$imagepolicy": "flux-system:app:digest"}
        g: "1.5.0" # {"$imagepolicy": "flux-system:app:tag"}

        """.write(to: apps.appendingPathComponent("app.yaml"), atomically: true, encoding: .utf8)
        let result = try ImagebotBinary.run([
            "explain", apps.path, "--config", config.path, "--state-dir", root.appendingPathComponent("state").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "app.yaml:1:4 flux-system:app  \(image):1.0.0 → \(image):1.1.0  would change",
                "app.yaml:2:4 flux-system:app  \(image):1.1.0  up to date: the policy's result",
                "app.yaml:3:4 flux-system:next  \(image):1.0.0  stays: the policy has no result: no tag satisfies semver range \"^2.0\" (2 tags, 2 outside the range)",
                "app.yaml:4:4 flux-system:nope  \(image):1.0.0  stays: no ImagePolicy flux-system:nope is defined",
                "app.yaml:5:4 flux-system:web  \(image):1.0.0  stays: no ImagePolicy flux-system:web; one named web exists in namespace team-a",
                "app.yaml:6:4 flux-system:app:digest  sha256:00  stays: the policy reflects no digest (set digestReflectionPolicy)",
                "app.yaml:7:4 flux-system:app:tag  1.5.0  stays (policy gives 1.1.0): policy flux-system:app selected 1.1.0, a lower version than 1.5.0; downgrade blocked (annotate the ImagePolicy imagebot.dev/allow-downgrade: \"true\" to allow it)",
            ], "\(result.stdout)")

        let json = try ImagebotBinary.run([
            "explain", apps.path, "--config", config.path, "--output", "json", "--state-dir",
            root.appendingPathComponent("state").path,
        ])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let outcomes = (object?["markers"] as? [[String: Any]])?.compactMap { $0["outcome"] as? String }
        #expect(outcomes == ["change", "upToDate", "noResult", "unknownPolicy", "unknownPolicy", "noDigest", "kept"])
    }

    /// Markers where Flux would not read them: not applied, and `explain` and `dry-run` say why,
    /// with the line.
    @Test func markersFluxDoesNotReadAreWarnedWithTheirLine() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("explain-unread-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try """
        image:
          # {"$imagepolicy": "flux-system:app:tag"}
          tag: 1.0.0
        patch: |-
          - op: replace
            value: ghcr.io/acme/app:1.0.0 # {"$imagepolicy": "flux-system:app"}

        """.write(to: root.appendingPathComponent("values.yaml"), atomically: true, encoding: .utf8)
        let set = ["--set", "flux-system:app=ghcr.io/acme/app:1.1.0"]
        for command in [["explain"], ["dry-run"]] {
            let result = try ImagebotBinary.run(command + [root.path] + set)
            #expect(result.status == 0, "\(command): \(result.stdout)\(result.stderr)")
            #expect(!result.stdout.contains("1.1.0"), "nothing is rewritten: \(result.stdout)")
            #expect(
                result.stderr.contains(
                    "values.yaml:2: a marker on the line above `key: value` is the key's comment in Flux"),
                "\(command): \(result.stderr)")
            #expect(
                result.stderr.contains("values.yaml:6: a marker inside a block scalar's text"),
                "\(command): \(result.stderr)")
        }
    }
}
