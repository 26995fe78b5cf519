import Foundation
import TestServers
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `imagebot run` (the daemon) as a child process with its log in a file; stopped by signal.
final class DaemonProcess {
    let process = Process()
    let log: URL
    private(set) var port = 0

    init(_ arguments: [String], log: URL) throws {
        self.log = log
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = ImagebotBinary.url
        process.arguments = ["run", "--listen", "127.0.0.1:0", "--log-format", "json"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let listening = try waitForLog { $0["msg"] as? String == "listening" }
        port = Int(listening["port"] as? String ?? "") ?? 0
        try #require(port > 0, "no port in \(listening)")
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The log as written.
    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// The log's JSON lines.
    var logLines: [[String: Any]] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Waits (up to `seconds`) for a log line satisfying `predicate`.
    @discardableResult
    func waitForLog(seconds: Double = 20, _ predicate: ([String: Any]) -> Bool) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = logLines.first(where: predicate) { return line }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        throw DaemonTestError("no such log line; log:\n" + ((try? String(contentsOf: log, encoding: .utf8)) ?? ""))
    }

    func request(_ method: String, _ path: String, token: String? = nil, body: Data? = nil) async throws -> (
        Int, String
    ) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    func status() async throws -> [String: Any] {
        let (code, body) = try await request("GET", "/api/v1/status")
        #expect(code == 200)
        return try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
    }

    /// Sends `signal` and waits for the exit; returns the exit status.
    func stop(_ signal: Int32 = SIGTERM, seconds: Double = 40) throws -> Int32 {
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        guard !process.isRunning else { throw DaemonTestError("did not exit within \(seconds) s") }
        return process.terminationStatus
    }
}

struct DaemonTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every 50 ms for up to `seconds`; returns the time it took, or nil.
func eventually(seconds: Double, _ condition: () throws -> Bool) rethrows -> Double? {
    let start = Date()
    while Date().timeIntervalSince(start) < seconds {
        if try condition() { return Date().timeIntervalSince(start) }
        usleep(50_000)
    }
    return nil
}

@Suite("imagebot run: the daemon against a real registry and Git remote", .serialized)
struct DaemonTests {
    func head(_ fleet: Fleet) throws -> String {
        try git(["--git-dir", fleet.remote.path, "rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func daemonArguments(_ fleet: Fleet, extra: [String] = []) -> [String] {
        [
            "--config", fleet.config.path, "--secrets-dir", fleet.secrets.path, "--state-dir",
            fleet.root.appendingPathComponent("state").path,
        ]
            + extra
    }

    @Test func webhookToCommitWithinSecondsWithMetricsStatusAndNotifications() async throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let token = "hook-token-\(UUID().uuidString)"
        let tokenFile = fleet.root.appendingPathComponent("hook-token")
        try "\(token)\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let events = fleet.root.appendingPathComponent("events.jsonl")
        let receiver = try ChildProcessLine([
            "python3", ImagebotBinary.packageRoot.appendingPathComponent("scripts/webhook-receiver.py").path,
            events.path,
        ])
        let receiverPort = try receiver.waitForLine(prefix: "PORT ")
        let daemon = try DaemonProcess(
            daemonArguments(
                fleet,
                extra: [
                    "--hook-token-file", tokenFile.path,
                    "--notify-url", "http://127.0.0.1:\(receiverPort)/events",
                    "--notify-url", "http://127.0.0.1:\(receiverPort)/services/T000/B000/secretpart",
                ]),
            log: fleet.root.appendingPathComponent("daemon.log"))
        let seeded = try head(fleet)  // 1.0.0 is all the registry has: nothing to push yet

        // Ready once the config is loaded; the first run finds 1.0.0 already in place.
        #expect(
            eventually(seconds: 30) {
                (try? daemon.waitForLog(seconds: 0.01) { $0["msg"] as? String == "automation ran" }) != nil
            } != nil, "\(daemon.logText)")
        #expect(try await daemon.request("GET", "/readyz").0 == 200)
        #expect(try await daemon.request("GET", "/healthz").0 == 200)
        #expect(try head(fleet) == seeded, "nothing to push for 1.0.0")

        // Webhook auth and routing.
        #expect(try await daemon.request("POST", "/hooks/app").0 == 401)
        #expect(try await daemon.request("POST", "/hooks/app", token: "wrong").0 == 401)
        #expect(try await daemon.request("POST", "/hooks/nope", token: token).0 == 404)
        #expect(try await daemon.request("POST", "/hooks/app?token=\(token)").0 == 202)
        let tooBig = Data(repeating: 0x61, count: 200 << 10)
        #expect(try await daemon.request("POST", "/hooks/app", token: token, body: tooBig).0 == 413)

        // A new tag, the registry's webhook: the commit is on the remote within seconds.
        try registry.push("acme/app", ["1.1.0"])
        let (code, _) = try await daemon.request("POST", "/hooks/flux-system/app", token: token)
        #expect(code == 202)
        let took = try eventually(seconds: 5) { try head(fleet) != seeded }
        #expect(took != nil, "commit within 5 s of the webhook; log:\n\(daemon.logText)")
        let pushed = try head(fleet)
        #expect(try git(["--git-dir", fleet.remote.path, "show", "main:apps/deploy.yaml"]).contains("acme/app:1.1.0"))
        #expect(
            try git(["--git-dir", fleet.remote.path, "rev-parse", "main~1"]).hasPrefix(seeded), "built on the seed")

        // The status API tells the story.
        let status = try await daemon.status()
        let automation = (status["imageUpdateAutomations"] as? [[String: Any]])?.first
        #expect(automation?["lastPushCommit"] as? String == pushed)
        let policy = (status["imagePolicies"] as? [[String: Any]])?.first
        #expect((policy?["latestRef"] as? [String: Any])?["tag"] as? String == "1.1.0")
        #expect((policy?["observedPreviousRef"] as? [String: Any])?["tag"] as? String == "1.0.0")
        #expect(((policy?["decision"] as? [String: Any])?["summary"] as? String)?.contains("selected 1.1.0") == true)
        let repository = (status["imageRepositories"] as? [[String: Any]])?.first
        #expect((repository?["lastScanResult"] as? [String: Any])?["tagCount"] as? Int == 2)

        // Metrics in Prometheus text format.
        let (metricsCode, metrics) = try await daemon.request("GET", "/metrics")
        #expect(metricsCode == 200)
        #expect(
            metrics.contains(#"imagebot_commits_pushed_total{namespace="flux-system",name="apps"} 1"#)
                || metrics.contains(#"imagebot_commits_pushed_total{name="apps",namespace="flux-system"} 1"#),
            "\(metrics)")
        #expect(metrics.contains("imagebot_tag_to_commit_seconds_count 1"), "\(metrics)")
        #expect(metrics.contains("imagebot_registry_requests_total{"))
        #expect(metrics.contains("imagebot_scans_total{"))
        #expect(!metrics.contains(token), "no secret in metrics")

        // Notifications: a Flux event and a Slack message for the push.
        let delivered = eventually(seconds: 5) {
            ((try? String(contentsOf: events, encoding: .utf8)) ?? "").split(separator: "\n").count >= 2
        }
        #expect(delivered != nil)
        let lines = ((try? String(contentsOf: events, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let flux = lines.first { $0["path"] as? String == "/events" }?["body"] as? [String: Any]
        #expect((flux?["involvedObject"] as? [String: Any])?["kind"] as? String == "ImageUpdateAutomation")
        #expect(flux?["reason"] as? String == "Succeeded")
        #expect((flux?["metadata"] as? [String: Any])?["commit"] as? String == pushed)
        let slack = lines.first { ($0["path"] as? String)?.hasPrefix("/services/") == true }?["body"] as? [String: Any]
        #expect((slack?["attachments"] as? [[String: Any]])?.first?["color"] as? String == "good")

        // Logs are JSON lines with the object; the token never appears.
        let log = try String(contentsOf: daemon.log, encoding: .utf8)
        #expect(!log.contains(token))
        #expect(
            daemon.logLines.contains {
                $0["msg"] as? String == "automation pushed" && $0["commit"] as? String == pushed
            })

        #expect(try daemon.stop() == 0, "SIGTERM: clean exit")
        receiver.stop()
    }

    @Test func configReloadAddsAnAutomationAndKeepsTheLastGoodConfig() async throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let seeded = try head(fleet)
        let daemon = try DaemonProcess(daemonArguments(fleet), log: fleet.root.appendingPathComponent("daemon.log"))
        #expect(
            try eventually(seconds: 30) { try head(fleet) != seeded } != nil,
            "first automation pushes 1.1.0; log:\n\(daemon.logText)")

        // A broken manifest: reported, and the running config stays.
        let broken = fleet.config.appendingPathComponent("broken.yaml")
        try
            "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {name: bad, namespace: flux-system}\nspec: {policy: {semver: {range: 'not a range'}}}\n"
            .write(to: broken, atomically: true, encoding: .utf8)
        var lastError: String?
        _ = try await eventuallyAsync(seconds: 10) {
            lastError = (try await daemon.status()["config"] as? [String: Any])?["lastError"] as? String
            return lastError != nil
        }
        #expect(lastError?.contains("the last good config stays in effect") == true, "\(String(describing: lastError))")
        #expect(try await daemon.request("GET", "/readyz").0 == 200)

        // A second Git remote and automation, added without a restart.
        try FileManager.default.removeItem(at: broken)
        let second = fleet.root.appendingPathComponent("second.git")
        let seed = fleet.root.appendingPathComponent("second-seed")
        try git(["init", "-q", "--bare", "--initial-branch=main", second.path])
        try git(["init", "-q", "--initial-branch=main", seed.path])
        try "image: \(registry.host)/acme/app:1.0.0 # {\"$imagepolicy\": \"flux-system:app\"}\n"
            .write(to: seed.appendingPathComponent("app.yaml"), atomically: true, encoding: .utf8)
        try git(["add", "."], in: seed)
        try git(["commit", "-qm", "seed"], in: seed)
        try git(["push", "-q", second.path, "main"], in: seed)
        try Fleet.automationManifests(name: "second", url: "file://\(second.path)", path: "./")
            .write(to: fleet.config.appendingPathComponent("second.yaml"), atomically: true, encoding: .utf8)
        let reached = try eventually(seconds: 30) {
            try git(["--git-dir", second.path, "show", "main:app.yaml"]).contains("acme/app:1.1.0")
        }
        #expect(reached != nil, "the added automation pushed without a restart; log:\n\(daemon.logText)")
        let status = try await daemon.status()
        #expect((status["config"] as? [String: Any])?["lastError"] == nil)
        #expect((status["imageUpdateAutomations"] as? [[String: Any]])?.count == 2)
        #expect(try daemon.stop() == 0)
    }

    /// A numerical policy moves 1 → 2, then tag 2 disappears from the registry (a bad push
    /// withdrawn): the daemon does not bounce straight back to 1; it waits until the policy has
    /// given 1 for two consecutive scans, then pushes it.
    @Test func flappingGuardWaitsForTwoScansBeforeRestoringAReplacedValue() async throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let manifests = fleet.config.appendingPathComponent("fleet.yaml")
        try String(contentsOf: manifests, encoding: .utf8)
            .replacingOccurrences(of: "policy: {semver: {range: \"^1.0\"}}", with: "policy: {numerical: {order: asc}}")
            .replacingOccurrences(of: "acme/app\", interval: 1m}", with: "acme/app\", interval: 3s}")
            .write(to: manifests, atomically: true, encoding: .utf8)
        func deployed() throws -> String {
            try git(["--git-dir", fleet.remote.path, "show", "main:apps/deploy.yaml"])
        }
        let daemon = try DaemonProcess(daemonArguments(fleet), log: fleet.root.appendingPathComponent("daemon.log"))
        #expect(try eventually(seconds: 20) { try deployed().contains("acme/app:1 ") } != nil, "\(daemon.logText)")
        try registry.push("acme/app", ["2"])
        #expect(try eventually(seconds: 20) { try deployed().contains("acme/app:2 ") } != nil, "\(daemon.logText)")

        // Tag 2 is withdrawn: the policy gives 1 again, a value this automation replaced.
        try FileManager.default.removeItem(
            at: registry.directory.appendingPathComponent(
                "data/docker/registry/v2/repositories/acme/app/_manifests/tags/2"))
        let held = try eventually(seconds: 20) {
            daemon.logLines.contains {
                $0["msg"] as? String == "flapping guard: result held" && $0["tag"] as? String == "1"
            }
        }
        #expect(held != nil, "the first scan's result is held; log:\n\(daemon.logText)")
        #expect(try deployed().contains("acme/app:2 "), "not pushed back after one scan")
        // The next scan confirms it: now it goes back.
        #expect(try eventually(seconds: 20) { try deployed().contains("acme/app:1 ") } != nil, "\(daemon.logText)")
        let log = try git(["--git-dir", fleet.remote.path, "log", "--format=%s", "main"]).split(separator: "\n")
        #expect(log.count == 4, "seed, →1, →2, →1: \(log)")
        #expect(try daemon.stop() == 0)
    }

    @Test func fileRemotesCanBeDisabled() async throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let seeded = try head(fleet)
        let daemon = try DaemonProcess(
            daemonArguments(fleet, extra: ["--allow-file-remotes=false"]),
            log: fleet.root.appendingPathComponent("daemon.log"))
        try daemon.waitForLog { $0["msg"] as? String == "automation failed" }
        let automation = (try await daemon.status()["imageUpdateAutomations"] as? [[String: Any]])?.first
        #expect(
            (automation?["lastResult"] as? String)?.contains(
                "file:// remotes are disabled in this daemon (--allow-file-remotes=false)") == true)
        #expect(try head(fleet) == seeded, "nothing pushed")
        #expect(try daemon.stop() == 0)
    }

    /// A fleet on smart HTTP (so the remote's hooks run; libgit2 pushes to file:// in-process)
    /// whose remote takes 2 s to accept a push, and a daemon caught in the middle of that push.
    func startMidPush(
        registry: LocalRegistry, root: URL, server: HTTPGitServer
    ) throws -> (fleet: Fleet, seeded: String, hook: URL, daemon: DaemonProcess) {
        let fleet = try Fleet(registry: registry, root: root, gitURL: server.url("remote.git"))
        let started = fleet.root.appendingPathComponent("push-started")
        let hook = fleet.remote.appendingPathComponent("hooks/pre-receive")
        try "#!/bin/sh\ncat >/dev/null\ntouch '\(started.path)'\nsleep 2\n".write(
            to: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook.path)
        let seeded = try head(fleet)
        let daemon = try DaemonProcess(daemonArguments(fleet), log: fleet.root.appendingPathComponent("daemon.log"))
        #expect(
            eventually(seconds: 30) { FileManager.default.fileExists(atPath: started.path) } != nil, "\(daemon.logText)"
        )
        return (fleet, seeded, hook, daemon)
    }

    @Test func sigtermDuringAPushFinishesItAndARestartDoesNotRepeatIt() async throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try HTTPGitServer(root: root.path)
        defer { server.stop() }
        let (fleet, seeded, hook, daemon) = try startMidPush(registry: registry, root: root, server: server)
        #expect(try daemon.stop() == 0)
        #expect(try head(fleet) != seeded, "the in-flight push finished before exit")
        let pushed = try head(fleet)

        // A restart finds the work done: no second commit.
        try FileManager.default.removeItem(at: hook)
        let restarted = try DaemonProcess(daemonArguments(fleet), log: fleet.root.appendingPathComponent("daemon2.log"))
        try restarted.waitForLog { $0["msg"] as? String == "automation ran" }
        #expect(try head(fleet) == pushed)
        #expect(try restarted.stop() == 0)
        let state = fleet.root.appendingPathComponent("state")
        let caches = try FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("git").path)
        for cache in caches {
            try git(["--git-dir", state.appendingPathComponent("git/\(cache)").path, "fsck", "--no-progress"])
        }
    }

    @Test func sigkillMidRunLosesNothingAndARestartCompletesTheWork() async throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try HTTPGitServer(root: root.path)
        defer { server.stop() }
        let (fleet, seeded, hook, daemon) = try startMidPush(registry: registry, root: root, server: server)
        _ = try daemon.stop(SIGKILL)
        try FileManager.default.removeItem(at: hook)
        // The orphaned receive-pack (and its hook) finish or die before the restart.
        #expect(
            eventually(seconds: 30) { processesInside(fleet.remote).isEmpty } != nil, "\(processesInside(fleet.remote))"
        )

        let restarted = try DaemonProcess(daemonArguments(fleet), log: fleet.root.appendingPathComponent("daemon2.log"))
        #expect(try eventually(seconds: 30) { try head(fleet) != seeded } != nil, "\(restarted.logText)")
        try restarted.waitForLog {
            $0["msg"] as? String == "automation ran" || $0["msg"] as? String == "automation pushed"
        }
        #expect(try restarted.stop() == 0)
        let log = try git(["--git-dir", fleet.remote.path, "log", "--format=%s", "main"])
        #expect(log.split(separator: "\n").count == 2, "exactly one commit on top of the seed: \(log)")
        #expect(try git(["--git-dir", fleet.remote.path, "show", "main:apps/deploy.yaml"]).contains("acme/app:1.1.0"))
    }
}

/// The processes whose working directory is `directory` or under it (a bare repository's
/// receive-pack and hooks run there), from /proc.
func processesInside(_ directory: URL) -> [Int32] {
    let root = directory.resolvingSymlinksInPath().path
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry in
        guard let pid = Int32(entry),
            let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd"),
            cwd == root || cwd.hasPrefix(root + "/")
        else { return nil }
        return pid
    }.sorted()
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

/// A helper process whose stdout announces something ("PORT n"); stopped by closing stdin.
final class ChildProcessLine {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func waitForLine(prefix: String) throws -> String {
        var buffer = ""
        while true {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { throw DaemonTestError("helper exited before '\(prefix)'") }
            buffer += String(decoding: data, as: UTF8.self)
            if let line = buffer.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                return String(line.dropFirst(prefix.count))
            }
        }
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { if process.isRunning { process.terminate() } }
}
