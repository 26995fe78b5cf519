import Foundation
import TestServers
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `imagebot status` and the daemon's status page against a real daemon that has pushed.
@Suite("imagebot status and the status page", .serialized)
struct StatusTests {
    /// A URL no one serves; the daemon's messages quote it, so markup in it must be escaped.
    static let hostileURL = "file:///nonexistent/<script>alert(1)</script>.git"

    @Test func theCLIAndThePageShowWhatTheDaemonDid() async throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        // A second automation whose Git remote cannot exist: a failure with a hostile message.
        try Fleet.automationManifests(name: "broken", url: Self.hostileURL, path: "./apps")
            .write(to: fleet.config.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(
            [
                "--config", fleet.config.path, "--secrets-dir", fleet.secrets.path, "--state-dir",
                fleet.root.appendingPathComponent("state").path,
            ],
            log: fleet.root.appendingPathComponent("daemon.log"))
        let seeded = try head(fleet)
        #expect(
            eventually(seconds: 30) {
                (try? daemon.waitForLog(seconds: 0.01) { $0["msg"] as? String == "automation ran" }) != nil
            } != nil, "\(daemon.logText)")

        // A new tag and the registry's webhook: a commit on the remote.
        try registry.push("acme/app", ["1.1.0"])
        #expect(try await daemon.request("POST", "/hooks/flux-system/app").0 == 202)
        #expect(try eventually(seconds: 10) { try head(fleet) != seeded } != nil, "\(daemon.logText)")
        let pushed = try head(fleet)
        let recorded = try await eventuallyAsync(seconds: 10) {
            let automations = try await daemon.status()["imageUpdateAutomations"] as? [[String: Any]] ?? []
            return automations.contains { $0["lastPushCommit"] as? String == pushed }
        }
        #expect(recorded, "the status API records the push")
        let failed = try await eventuallyAsync(seconds: 20) {
            let automations = try await daemon.status()["imageUpdateAutomations"] as? [[String: Any]] ?? []
            let broken = automations.first { $0["name"] as? String == "broken" }
            return (broken?["conditions"] as? [[String: Any]])?.first?["status"] as? String == "False"
        }
        #expect(failed, "the broken automation reports its failure")
        let server = "http://127.0.0.1:\(daemon.port)"

        // The table: three sections with the facts.
        let table = try ImagebotBinary.run(["status", "--server", server])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stderr.isEmpty)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        let repository = lines.first { $0.hasPrefix("flux-system/app ") && $0.contains("ago") }
        #expect(repository?.contains(" 2 ") == true && repository?.contains("True") == true, "\(table.stdout)")
        #expect(lines.contains { $0.hasPrefix("IMAGEREPOSITORY") })
        #expect(lines.contains { $0.hasPrefix("IMAGEPOLICY") })
        #expect(lines.contains { $0.hasPrefix("IMAGEUPDATEAUTOMATION") })
        #expect(
            lines.contains { $0.contains("\(registry.host)/acme/app:1.1.0") && $0.contains("selected 1.1.0") },
            "\(table.stdout)")
        let apps = lines.first { $0.hasPrefix("flux-system/apps ") }
        #expect(
            apps?.contains(String(pushed.prefix(12))) == true && apps?.contains("True") == true
                && apps?.contains(" in ") == true, "\(table.stdout)")
        let broken = lines.first { $0.hasPrefix("flux-system/broken ") }
        #expect(broken?.contains("False") == true && broken?.contains("<script>") == true, "\(table.stdout)")

        // A narrow terminal: every line fits, long messages end in an ellipsis.
        let narrow = try ImagebotBinary.run(["status", "--server", server], environment: ["COLUMNS": "72"])
        #expect(narrow.status == 0)
        #expect(narrow.stdout.split(separator: "\n").allSatisfy { $0.count <= 72 }, "\(narrow.stdout)")
        #expect(narrow.stdout.contains("…"))

        // JSON: the daemon's document as it is.
        let json = try ImagebotBinary.run(["status", "--server", server + "/", "--output", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(
            Set(document.keys).isSuperset(of: [
                "imageRepositories", "imagePolicies", "imageUpdateAutomations", "config", "shard",
            ]))
        let automation = (document["imageUpdateAutomations"] as? [[String: Any]])?.first {
            $0["name"] as? String == "apps"
        }
        #expect(automation?["lastPushCommit"] as? String == pushed)
        let policy = (document["imagePolicies"] as? [[String: Any]])?.first
        #expect((policy?["latestRef"] as? [String: Any])?["tag"] as? String == "1.1.0")
        let history = document["recentFailures"] as? [[String: Any]] ?? []
        #expect(
            history.contains {
                $0["name"] as? String == "broken" && ($0["message"] as? String)?.contains("<script>") == true
            }, "\(history)")

        // The page: HTML, the same facts, refreshed, the hostile URL escaped.
        let (page, headers) = try await get(server + "/")
        #expect(headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(headers["Content-Security-Policy"]?.hasPrefix("default-src 'none'") == true, "\(headers)")
        #expect(page.contains(#"<meta http-equiv="refresh" content="5">"#))
        for id in ["repositories", "policies", "automations", "failures", "recent-failures"] {
            #expect(page.contains(#"<table id="\#(id)">"#), "\(id)")
        }
        #expect(page.contains("\(registry.host)/acme/app:1.1.0"))
        #expect(page.contains("selected 1.1.0"))
        #expect(page.contains(String(pushed.prefix(12))))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(page)")
        #expect(!page.contains("<script"), "no markup from a message reaches the page")

        // A server that is not the daemon's API: exit 3, one line.
        let wrong = try ImagebotBinary.run(["status", "--server", server + "/healthz"])
        #expect(wrong.status == 3)
        #expect(wrong.stderr.split(separator: "\n").count == 1 && wrong.stderr.contains("404"), "\(wrong.stderr)")
        // A 200 that is not a status report (the query string swallows the API path): exit 3, one line.
        let metrics = try ImagebotBinary.run(["status", "--server", server + "/metrics?x="])
        #expect(metrics.status == 3)
        #expect(
            metrics.stderr.split(separator: "\n").count == 1
                && metrics.stderr.contains("did not answer with a status report: not JSON"), "\(metrics.stderr)")
        #expect(try daemon.stop() == 0)
    }

    @Test func anUnreachableDaemonIsExitThreeWithOneLine() throws {
        let port = try freeLocalPort()  // free a moment ago: nothing listens there
        let result = try ImagebotBinary.run(["status", "--server", "http://127.0.0.1:\(port)"])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(
            lines.first?.contains("http://127.0.0.1:\(port)/api/v1/status") == true, "names the URL: \(result.stderr)")
        #expect(
            result.stderr.lowercased().contains("connect") || result.stderr.lowercased().contains("refused"),
            "names the cause: \(result.stderr)")
        let json = try ImagebotBinary.run(["status", "--server", "http://127.0.0.1:\(port)", "--output", "json"])
        #expect(json.status == 3 && json.stdout.isEmpty)
    }

    // MARK: - Helpers

    func head(_ fleet: Fleet) throws -> String {
        try git(["--git-dir", fleet.remote.path, "rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls an async condition every 100 ms for up to `seconds`.
    func eventuallyAsync(seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    func get(_ url: String) async throws -> (String, [String: String]) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        let http = response as? HTTPURLResponse
        let headers = ["Content-Type", "Content-Security-Policy"].reduce(into: [String: String]()) { result, name in
            result[name] = http?.value(forHTTPHeaderField: name)
        }
        return (String(decoding: data, as: UTF8.self), headers)
    }
}
