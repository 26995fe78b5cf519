import Foundation
import TestServers
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Resident memory of a process in KiB (VmRSS), from /proc.
func residentKiB(_ pid: Int32) -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

@Suite("registry chaos: the daemon keeps going", .serialized)
struct ChaosTests {
    /// The daemon scans ten repositories on a registry that fails at random (500s, 429 storms,
    /// resets, truncated and malformed pages, 3 s stalls), repositories that always fail
    /// (502, long Retry-After, a `Link` cycle, malformed JSON, 403), and one healthy repository
    /// on docker-registry whose automation must keep pushing new tags, for
    /// IMAGEBOT_CHAOS_SECONDS (default 20; `make reliability` runs 300).
    @Test func soakAgainstAFaultyRegistry() async throws {
        let seconds = Double(ProcessInfo.processInfo.environment["IMAGEBOT_CHAOS_SECONDS"] ?? "") ?? 20
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let fake = try ChildProcessLine([
            "python3", ImagebotBinary.packageRoot.appendingPathComponent("scripts/fake_registry.py").path,
        ])
        defer { fake.stop() }
        let port = try fake.waitForLine(prefix: "")
        var manifests = ""
        let broken = ["alwayserr", "ratelimitlong", "cycle", "notjson", "denied", "cutjson", "truncated"]
        let chaotic = (0..<10).map { "chaos/app\($0)" }
        for (index, path) in (chaotic + broken.map { "\($0)/app" }).enumerated() {
            manifests += """
                ---
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageRepository
                metadata: {name: r\(index), namespace: chaos}
                spec: {image: "127.0.0.1:\(port)/\(path)", interval: 2s, timeout: 5s}
                ---
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImagePolicy
                metadata: {name: r\(index), namespace: chaos}
                spec: {imageRepositoryRef: {name: r\(index)}, policy: {semver: {range: ">=1.0.0"}}}

                """
        }
        try manifests.write(to: fleet.config.appendingPathComponent("chaos.yaml"), atomically: true, encoding: .utf8)
        // The healthy repository is rescanned often too.
        let fleetManifest = fleet.config.appendingPathComponent("fleet.yaml")
        try String(contentsOf: fleetManifest, encoding: .utf8)
            .replacingOccurrences(of: "acme/app\", interval: 1m}", with: "acme/app\", interval: 2s}")
            .write(to: fleetManifest, atomically: true, encoding: .utf8)

        let daemon = try DaemonProcess(
            [
                "--config", fleet.config.path, "--secrets-dir", fleet.secrets.path, "--state-dir",
                fleet.root.appendingPathComponent("state").path,
            ],
            log: fleet.root.appendingPathComponent("daemon.log"))
        let start = Date()
        var samples: [Int] = []
        var minor = 0
        while Date().timeIntervalSince(start) < seconds {
            try await Task.sleep(for: .seconds(2))
            samples.append(residentKiB(daemon.process.processIdentifier))
            // A new healthy tag every ~6 s: the automation must keep up despite the chaos.
            if samples.count % 3 == 0 {
                minor += 1
                try registry.push("acme/app", ["1.\(minor).0"])
            }
        }
        #expect(daemon.process.isRunning, "no crash; log:\n\(daemon.logText.suffix(4000))")
        let applied = try eventually(seconds: 20) {
            try git(["--git-dir", fleet.remote.path, "show", "main:apps/deploy.yaml"]).contains("acme/app:1.\(minor).0")
        }
        #expect(
            minor == 0 || applied != nil,
            "the healthy repository's newest tag 1.\(minor).0 was pushed despite the chaos")

        let status = try await daemon.status()
        let repositories = status["imageRepositories"] as? [[String: Any]] ?? []
        func ready(_ name: String) -> String? {
            let entry = repositories.first { $0["name"] as? String == name && $0["namespace"] as? String == "chaos" }
            return ((entry?["conditions"] as? [[String: Any]])?.first?["status"] as? String)
        }
        for (offset, _) in broken.enumerated() {
            #expect(
                ready("r\(chaotic.count + offset)") == "False",
                "always-failing repository \(broken[offset]) is reported as failing")
        }
        let (_, metrics) = try await daemon.request("GET", "/metrics")
        let scans = metrics.split(separator: "\n").filter { $0.hasPrefix("imagebot_scans_total{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
        #expect(scans > Double(chaotic.count + broken.count), "repositories keep being scanned: \(scans) scans")
        // Memory: after the first minute-ish of warm-up, no steady growth (allow 20 MB of noise).
        let settled = samples.dropFirst(samples.count / 3)
        if let first = settled.first, let last = settled.last {
            #expect(last - first < 20_000, "RSS grew from \(first) KiB to \(last) KiB: \(samples)")
        }
        #expect(try daemon.stop() == 0)
        let perMinute = stride(from: 0, to: samples.count, by: 30).map { "\(samples[$0] / 1024)" }.joined(
            separator: ", ")
        print(
            "chaos soak: \(Int(seconds)) s, \(Int(scans)) scans, RSS MB each minute: \(perMinute), last \((samples.last ?? 0) / 1024), max \((samples.max() ?? 0) / 1024); \(minor) healthy tags pushed"
        )
    }
}
