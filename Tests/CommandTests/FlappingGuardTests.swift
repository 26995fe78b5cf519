import Foundation
import TestServers
import Testing

@Suite("run --once does not flap back to a value it just replaced", .serialized)
struct FlappingGuardTests {
    /// A numerical policy moves 1 → 2, then tag 2 is withdrawn from the registry. The next run
    /// holds 1 (replaced within the hour, and the previous scan gave 2); the run after that sees
    /// 1 on two consecutive scans and pushes it.
    @Test func aReplacedValueReturnsOnlyAfterTwoScans() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let manifests = fleet.config.appendingPathComponent("fleet.yaml")
        try String(contentsOf: manifests, encoding: .utf8)
            .replacingOccurrences(of: "policy: {semver: {range: \"^1.0\"}}", with: "policy: {numerical: {order: asc}}")
            .write(to: manifests, atomically: true, encoding: .utf8)
        func deployed() throws -> String { try git(["--git-dir", fleet.remote.path, "show", "main:apps/deploy.yaml"]) }

        #expect(try ImagebotBinary.run(fleet.runArguments).status == 0)
        #expect(try deployed().contains("acme/app:1 "))
        try registry.push("acme/app", ["2"])
        #expect(try ImagebotBinary.run(fleet.runArguments).status == 0)
        #expect(try deployed().contains("acme/app:2 "))

        try FileManager.default.removeItem(
            at: registry.directory.appendingPathComponent(
                "data/docker/registry/v2/repositories/acme/app/_manifests/tags/2"))
        let held = try ImagebotBinary.run(fleet.runArguments)
        #expect(held.status == 0, "\(held.stdout)\(held.stderr)")
        #expect(
            held.stderr.contains("held by the flapping guard: 1 was replaced by this automation within the hour"),
            "\(held.stderr)")
        #expect(try deployed().contains("acme/app:2 "), "held on the first scan that gives 1")

        let confirmed = try ImagebotBinary.run(fleet.runArguments)
        #expect(confirmed.status == 0, "\(confirmed.stdout)\(confirmed.stderr)")
        #expect(
            try deployed().contains("acme/app:1 "),
            "the second scan confirms it: \(confirmed.stdout)\(confirmed.stderr)")
    }
}
