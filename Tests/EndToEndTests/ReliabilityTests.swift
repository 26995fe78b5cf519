import Foundation
import TestServers
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The imagebot commits on a branch, oldest first: (hash, the app tag it wrote, changed files).
func imagebotCommits(_ fleet: Fleet) throws -> [(hash: String, tag: String, files: [String])] {
    let log = try git(["--git-dir", fleet.remote.path, "log", "--reverse", "--author=imagebot", "--format=%H", "main"])
    return try log.split(separator: "\n").map { hash in
        let content = try git(["--git-dir", fleet.remote.path, "show", "\(hash):apps/deploy.yaml"])
        let tag =
            content.split(separator: "\n").first { $0.contains("acme/app:") }
            .flatMap { $0.split(separator: "acme/app:").last?.split(separator: " ").first }.map(String.init) ?? "?"
        let files = try git(["--git-dir", fleet.remote.path, "diff", "--name-only", "\(hash)~1", String(hash)])
            .split(separator: "\n").map(String.init)
        return (String(hash), tag, files)
    }
}

/// Minor version of `1.N.0`.
func minor(_ tag: String) -> Int { Int(tag.split(separator: ".").dropFirst().first ?? "") ?? -1 }

@Suite("faults survived: crashes and contention", .serialized)
struct ReliabilityTests {
    /// IMAGEBOT_CRASH_RUNS (default 40; `make reliability` uses 100) runs of `run --once`, each
    /// killed with SIGKILL at a random moment (scan, rewrite, object writes, push); a new tag
    /// every 8 runs. At the end the remote holds one correct commit per applied tag, in order,
    /// the cache passes `git fsck`, and the state dir still works.
    @Test func sigkillAtRandomMomentsLosesAndDuplicatesNothing() throws {
        let runs = Int(ProcessInfo.processInfo.environment["IMAGEBOT_CRASH_RUNS"] ?? "") ?? 40
        let seed =
            UInt64(ProcessInfo.processInfo.environment["IMAGEBOT_CRASH_SEED"] ?? "")
            ?? UInt64(Date().timeIntervalSince1970)
        var random = SplitMix(seed: seed)
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        var newest = 0
        var killed = 0
        for run in 0..<runs {
            if run % 8 == 0 {
                newest += 1
                try registry.push("acme/app", ["1.\(newest).0"])
            }
            let process = Process()
            process.executableURL = ImagebotBinary.url
            process.arguments = fleet.runArguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 0..<400_000, using: &random))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
        }
        let final = try ImagebotBinary.run(fleet.runArguments)
        #expect(final.status == 0, "seed \(seed): \(final.stdout)\(final.stderr)")
        let commits = try imagebotCommits(fleet)
        #expect(commits.last?.tag == "1.\(newest).0", "seed \(seed): the newest tag is on the branch")
        let minors = commits.map { minor($0.tag) }
        #expect(
            minors == minors.sorted() && Set(minors).count == minors.count,
            "seed \(seed): no duplicate or backwards commit: \(minors)")
        #expect(
            commits.allSatisfy { $0.files == ["apps/deploy.yaml"] },
            "seed \(seed): each commit changes only the marked file")
        for commit in commits {
            let diff = try git(["--git-dir", fleet.remote.path, "diff", "-U0", "\(commit.hash)~1", commit.hash])
            #expect(
                diff.split(separator: "\n").filter {
                    $0.hasPrefix("+ ") || $0.hasPrefix("-  ") || $0.hasPrefix("+    ") || $0.hasPrefix("-    ")
                }.count == 2,
                "seed \(seed): one line out, one line in:\n\(diff)")
        }
        let state = fleet.root.appendingPathComponent("state")
        for cache in try FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("git").path) {
            try git(["--git-dir", state.appendingPathComponent("git/\(cache)").path, "fsck", "--no-progress"])
        }
        let again = try ImagebotBinary.run(fleet.runArguments)
        #expect(
            again.status == 0 && again.stdout.contains("no change"),
            "seed \(seed): the state dir loads: \(again.stdout)\(again.stderr)")
        print("crash test: \(runs) runs, \(killed) killed mid-run, \(commits.count) commits, seed \(seed)")
    }

    /// Three git CLI writers and the daemon push to one branch as fast as they can: every
    /// commit each of them pushed is on the branch at the end (nothing force-pushed away), the
    /// daemon applied every tag, and its rejected pushes show in /metrics as retries.
    @Test func fourWritersOnOneBranchLoseNothing() async throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try HTTPGitServer(root: root.path)
        defer { server.stop() }
        let fleet = try Fleet(registry: registry, root: root, gitURL: server.url("remote.git"))
        let daemon = try DaemonProcess(
            [
                "--config", fleet.config.path, "--secrets-dir", fleet.secrets.path, "--state-dir",
                root.appendingPathComponent("state").path,
            ],
            log: root.appendingPathComponent("daemon.log"))
        let rounds = 12
        let remotePath = fleet.remote.path
        // Each writer: clone, then commit and push its own file `rounds` times, rebasing on rejection.
        let writers = (0..<3).map { index in
            Task.detached { () throws -> [String] in
                let clone = root.appendingPathComponent("writer-\(index)")
                try git(["clone", "-q", remotePath, clone.path])
                var pushed: [String] = []
                for round in 0..<rounds {
                    let file = clone.appendingPathComponent("writer-\(index).txt")
                    let previous = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
                    try (previous + "round \(round)\n").write(to: file, atomically: true, encoding: .utf8)
                    try git(["add", "."], in: clone)
                    try git(["commit", "-qm", "writer \(index) round \(round)"], in: clone)
                    var attempts = 0
                    while (try? git(["push", "-q", "origin", "HEAD:main"], in: clone)) == nil {
                        attempts += 1
                        guard attempts < 50 else { throw DaemonTestError("writer \(index) could not push") }
                        try git(["pull", "-q", "--rebase", "origin", "main"], in: clone)
                    }
                    pushed.append(
                        try git(["rev-parse", "HEAD"], in: clone).trimmingCharacters(in: .whitespacesAndNewlines))
                }
                return pushed
            }
        }
        // Meanwhile new tags arrive and the registry's webhook fires.
        for minor in 1...4 {
            try registry.push("acme/app", ["1.\(minor).0"])
            _ = try await daemon.request("POST", "/hooks/app")
            try await Task.sleep(for: .milliseconds(300))
        }
        var writerCommits: [String] = []
        for writer in writers { writerCommits += try await writer.value }
        let applied = try eventually(seconds: 30) {
            try git(["--git-dir", fleet.remote.path, "show", "main:apps/deploy.yaml"]).contains("acme/app:1.4.0")
        }
        #expect(applied != nil, "the daemon applied the last tag; log:\n\(daemon.logText)")
        for commit in writerCommits {
            let reachable =
                (try? git(["--git-dir", fleet.remote.path, "merge-base", "--is-ancestor", commit, "main"])) != nil
            #expect(reachable, "writer commit \(commit) is on the branch")
        }
        for index in 0..<3 {
            let text = try git(["--git-dir", fleet.remote.path, "show", "main:writer-\(index).txt"])
            #expect(text.split(separator: "\n").count == rounds, "writer \(index)'s file has all its rounds")
        }
        let (_, metrics) = try await daemon.request("GET", "/metrics")
        func value(_ prefix: String) -> Int {
            metrics.split(separator: "\n").filter { $0.hasPrefix(prefix) }.compactMap {
                $0.split(separator: " ").last.flatMap { Int($0) }
            }.reduce(0, +)
        }
        let rejected = value("imagebot_pushes_total{outcome=\"rejectedNonFastForward\"}")
        let retries = value("imagebot_push_retries_total")
        #expect(value("imagebot_commits_pushed_total") >= 1)
        // A rejected push is retried at once, unless it was a run's 5th attempt (the run fails
        // and the controller backs off).
        let failedRuns = value(
            "imagebot_automation_runs_total{namespace=\"flux-system\",name=\"apps\",result=\"failed\"}")
        #expect(
            rejected <= retries + failedRuns,
            "\(retries) retries and \(failedRuns) failed runs for \(rejected) rejections")
        #expect(rejected == 0 || retries > 0, "rejections show as retries")
        print(
            "contention test: \(writerCommits.count) writer commits, imagebot \(value("imagebot_commits_pushed_total")) pushed, \(rejected) rejected pushes, \(retries) retries, \(failedRuns) runs out of attempts"
        )
        #expect(try daemon.stop() == 0)
    }
}
