import Foundation
import TestServers
import Testing

/// Item 9 in the daemon: an automation whose message template cannot render is reported when
/// the config loads (log and status) and not run; the rest of the config runs.
@Suite("the daemon: a message template that cannot render stalls only its automation", .serialized)
struct StalledTemplateTests {
    @Test func onlyThatAutomationStops() async throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        // Its remote cannot exist either: had it run, its condition would say so instead.
        try Fleet.automationManifests(
            name: "stalled", url: "file:///nonexistent/stalled.git", path: "./apps",
            messageTemplate: "{{ range .Updated.Images }}- {{ . }}{{ end }}"
        )
        .write(to: fleet.config.appendingPathComponent("stalled.yaml"), atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(
            [
                "--config", fleet.config.path, "--secrets-dir", fleet.secrets.path, "--state-dir",
                fleet.root.appendingPathComponent("state").path,
            ],
            log: fleet.root.appendingPathComponent("daemon.log"))
        var stalledLine: [String: Any]?
        _ = eventually(seconds: 30) {
            stalledLine = try? daemon.waitForLog(seconds: 0.01) { $0["msg"] as? String == "automation stalled" }
            return stalledLine != nil
        }
        #expect((stalledLine?["error"] as? String)?.contains("stalled.yaml:") == true, "\(daemon.logText)")
        #expect(stalledLine?["reason"] as? String == "RemovedTemplateField", "\(daemon.logText)")
        // The other automation runs.
        #expect(
            eventually(seconds: 30) {
                (try? daemon.waitForLog(seconds: 0.01) { $0["msg"] as? String == "automation ran" }) != nil
            } != nil,
            "\(daemon.logText)")
        let status = try await daemon.status()
        let automations = status["imageUpdateAutomations"] as? [[String: Any]] ?? []
        let stalled = automations.first { $0["name"] as? String == "stalled" }
        let condition = (stalled?["conditions"] as? [[String: Any]])?.first
        #expect(condition?["status"] as? String == "False", "\(automations)")
        #expect(condition?["reason"] as? String == "RemovedTemplateField", "\(automations)")
        #expect(
            (condition?["message"] as? String)?.contains(
                "template uses removed '.Updated' field. Please use '.Changed' instead.") == true)
        #expect(stalled?["lastAutomationRunTime"] == nil, "never run")
        #expect((status["config"] as? [String: Any])?["lastError"] == nil, "the config is not rejected")
        #expect(try daemon.stop() == 0)
    }
}
