import Committer
import Foundation
import Testing

@testable import Automation

/// A GitRepository's `spec.ref.semver`: Committer lists the tags with their commits,
/// Automation chooses with Policy's semver (Masterminds' rules, as Flux).
@Suite("semver checkout of a GitRepository")
struct SemverCheckoutTests {
    static func tag(_ name: String, time: Int64 = 0) -> GitTag {
        GitTag(name: name, commit: String(repeating: "0", count: 39) + String(name.count % 10), time: time)
    }

    @Test(
        arguments: [
            // Prerelease identifiers compare numerically when numeric: rc.10 is newer than rc.9.
            (">=1.0.0-rc.1", ["v1.0.0-rc.9", "v1.0.0-rc.10", "v1.0.0-rc.2"], "v1.0.0-rc.10"),
            (">=1.0.0-0", ["v1.0.0-rc.10", "v1.0.0"], "v1.0.0"),
            // A range without a prerelease leaves prereleases out.
            (">=1.0.0", ["v1.0.0", "v1.1.0-rc.1"], "v1.0.0"),
            ("1.x", ["v1.0.0", "v1.10.0", "v1.9.0", "v2.0.0"], "v1.10.0"),
            (">=1.0.0 <1.1.0", ["v1.0.0", "v1.1.0"], "v1.0.0"),
            // Flux's version rule: two dots (v1.2 is no version); text tags are skipped.
            ("*", ["v1.2", "latest", "1.0.0"], "1.0.0"),
            (">=5.0.0", ["v1.0.0"], nil),
            ("not a range", ["v1.0.0"], nil),
        ] as [(String, [String], String?)])
    func choosesTheHighestVersionInTheRange(range: String, tags: [String], chosen: String?) {
        #expect(SemverCheckout.choose(range, among: tags.map { Self.tag($0) })?.name == chosen)
    }

    @Test func theSameVersionGoesToTheNewerCommit() {
        let older = GitTag(name: "1.2.3", commit: String(repeating: "a", count: 40), time: 100)
        let newer = GitTag(name: "v1.2.3", commit: String(repeating: "b", count: 40), time: 200)
        #expect(SemverCheckout.choose(">=1.0.0", among: [newer, older]) == newer)
        #expect(SemverCheckout.choose(">=1.0.0", among: [older, newer]) == newer)
    }

    /// A real repository over file://: rc.10 sits on the older commit, so neither string order
    /// nor commit time picks it; only the version does.
    @Test func checksOutTheNewestPrereleaseFromARealRepository() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("semver-checkout-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/seed", withIntermediateDirectories: true)
        func git(_ args: [String], in directory: String, date: String = "2026-01-01T00:00:00Z") throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            process.arguments = args
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = root
            environment["GIT_CONFIG_NOSYSTEM"] = "1"
            for role in ["AUTHOR", "COMMITTER"] {
                environment["GIT_\(role)_NAME"] = "Tester"
                environment["GIT_\(role)_EMAIL"] = "tester@example.com"
                environment["GIT_\(role)_DATE"] = date
            }
            process.environment = environment
            let output = root + "/git.out"
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            process.standardOutput = handle
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try handle.close()
            #expect(process.terminationStatus == 0, "git \(args.joined(separator: " "))")
            return String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let seed = root + "/seed"
        let bare = root + "/remote.git"
        _ = try git(["init", "-q", "-b", "main", seed], in: root)
        try Data("tag: rc.10\n".utf8).write(to: URL(fileURLWithPath: seed + "/values.yaml"))
        _ = try git(["add", "-A"], in: seed)
        _ = try git(["commit", "-q", "-m", "first"], in: seed, date: "2026-01-01T00:00:00Z")
        _ = try git(["tag", "-a", "v1.0.0-rc.10", "-m", "rc.10"], in: seed)
        let rc10 = try git(["rev-parse", "HEAD"], in: seed)
        try Data("tag: rc.9\n".utf8).write(to: URL(fileURLWithPath: seed + "/values.yaml"))
        _ = try git(["commit", "-q", "-am", "second"], in: seed, date: "2026-01-02T00:00:00Z")
        _ = try git(["tag", "v1.0.0-rc.9"], in: seed)
        _ = try git(["init", "-q", "--bare", "-b", "main", bare], in: root)
        _ = try git(["push", "-q", bare, "main", "--tags"], in: seed)

        let cache = try GitCache(stateDirectory: root + "/state", remoteURL: "file://" + bare, credentials: .none)
        #expect(try cache.resolveCheckout(GitReference(semver: ">=1.0.0-rc.1")) == rc10)
        #expect(try cache.resolveCheckout(GitReference(semver: ">=1.0.0-rc.1 <1.0.0-rc.10")) != rc10)
        let none = #expect(throws: GitError.self) { try cache.resolveCheckout(GitReference(semver: ">=5.0.0")) }
        #expect(none?.message.contains("no match found for semver: >=5.0.0") == true)
    }
}
