import Foundation
import TestServers
import Testing

@Suite("run --once never downgrades a semver-marked value unless the policy allows it", .serialized)
struct DowngradeGuardTests {
    @Test func aHigherVersionInTheFileIsKeptUntilTheAnnotationAllowsARollback() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        // Someone pinned 1.2.0 by hand (a hotfix not in this registry yet, or a restored backup).
        let work = fleet.root.appendingPathComponent("work")
        try git(["clone", "-q", fleet.remote.path, work.path])
        let deploy = work.appendingPathComponent("apps/deploy.yaml")
        try String(contentsOf: deploy, encoding: .utf8).replacingOccurrences(
            of: "acme/app:1.0.0", with: "acme/app:1.2.0"
        )
        .write(to: deploy, atomically: true, encoding: .utf8)
        try git(["commit", "-qam", "pin 1.2.0"], in: work)
        try git(["push", "-q", "origin", "main"], in: work)
        let pinned = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])

        let guarded = try ImagebotBinary.run(fleet.runArguments)
        #expect(guarded.status == 0, "\(guarded.stdout)\(guarded.stderr)")
        #expect(guarded.stdout.contains("no changes"), "\(guarded.stdout)")
        #expect(
            guarded.stderr.contains(
                "kept \(registry.host)/acme/app:1.2.0: policy flux-system:app selected 1.1.0, a lower version than 1.2.0; downgrade blocked"
            ), "\(guarded.stderr)")
        #expect(try git(["--git-dir", fleet.remote.path, "rev-parse", "main"]) == pinned)

        // The deliberate rollback: annotate the policy.
        let manifests = fleet.config.appendingPathComponent("fleet.yaml")
        let text = try String(contentsOf: manifests, encoding: .utf8)
        try text.replacingOccurrences(
            of: "kind: ImagePolicy\nmetadata: {name: app, namespace: flux-system}",
            with:
                "kind: ImagePolicy\nmetadata: {name: app, namespace: flux-system, annotations: {imagebot.dev/allow-downgrade: \"true\"}}"
        )
        .write(to: manifests, atomically: true, encoding: .utf8)
        let allowed = try ImagebotBinary.run(fleet.runArguments)
        #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
        #expect(try git(["--git-dir", fleet.remote.path, "show", "main:apps/deploy.yaml"]).contains("acme/app:1.1.0"))
    }
}
