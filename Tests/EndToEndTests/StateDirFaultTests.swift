import Foundation
import TestServers
import Testing

/// A small tmpfs as the state dir: full, then read-only. Needs root (mount); the Makefile's
/// machines run the tests as root.
@Suite(
    "a full or read-only state dir: a clear error, no partial files, recovery", .serialized,
    .enabled(if: geteuid() == 0, "mounting a tmpfs needs root"))
struct StateDirFaultTests {
    func mountTmpfs(_ path: URL, size: String) throws {
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        _ = try runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path.path])
    }

    /// Files a crash or a failed write could leave behind (temporary files of atomic writes).
    func leftovers(_ root: URL) -> [String] {
        let all = (try? FileManager.default.subpathsOfDirectory(atPath: root.path)) ?? []
        return all.filter { $0.contains(".tmp") || $0.hasSuffix("~") }
    }

    @Test func diskFullFailsClearlyAndRecovers() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let state = fleet.root.appendingPathComponent("state")
        try mountTmpfs(state, size: "4m")
        defer { _ = try? runTool("/bin/umount", ["-l", state.path]) }
        // Leave almost nothing free.
        _ = try? runTool("/bin/dd", ["if=/dev/zero", "of=\(state.path)/filler", "bs=1k", "count=4096"])
        let seeded = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])

        let full = try ImagebotBinary.run(fleet.runArguments)
        #expect(full.status == 3, "\(full.stdout)\(full.stderr)")
        let output = full.stdout + full.stderr
        #expect(output.contains("No space left on device") || output.contains("no space"), "\(output)")
        #expect(output.split(separator: "\n").allSatisfy { $0.count < 1000 }, "one line per problem")
        #expect(try git(["--git-dir", fleet.remote.path, "rev-parse", "main"]) == seeded, "nothing pushed")
        try FileManager.default.removeItem(atPath: state.path + "/filler")
        #expect(leftovers(state).isEmpty, "no partial files: \(leftovers(state))")

        // Space is back: the next run does the work.
        let recovered = try ImagebotBinary.run(fleet.runArguments)
        #expect(recovered.status == 0, "\(recovered.stdout)\(recovered.stderr)")
        #expect(try git(["--git-dir", fleet.remote.path, "show", "main:apps/deploy.yaml"]).contains("acme/app:1.1.0"))
    }

    @Test func readOnlyStateDirFailsClearlyAndTheDaemonIsNotReady() async throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let state = fleet.root.appendingPathComponent("state")
        try mountTmpfs(state, size: "16m")
        defer { _ = try? runTool("/bin/umount", ["-l", state.path]) }
        _ = try runTool("/bin/mount", ["-o", "remount,ro", state.path])

        let readOnly = try ImagebotBinary.run(fleet.runArguments)
        #expect(readOnly.status == 3, "\(readOnly.stdout)\(readOnly.stderr)")
        #expect(
            (readOnly.stdout + readOnly.stderr).contains("Read-only file system"),
            "\(readOnly.stdout)\(readOnly.stderr)")

        let daemon = try DaemonProcess(
            ["--config", fleet.config.path, "--secrets-dir", fleet.secrets.path, "--state-dir", state.path],
            log: fleet.root.appendingPathComponent("daemon.log"))
        #expect(try await daemon.request("GET", "/readyz").0 == 503)
        #expect(try await daemon.request("GET", "/healthz").0 == 200)
        _ = try runTool("/bin/mount", ["-o", "remount,rw", state.path])
        let ready = try await eventuallyAsync(seconds: 10) { try await daemon.request("GET", "/readyz").0 == 200 }
        #expect(ready, "ready once the state dir is writable")
        let pushed = try eventually(seconds: 30) {
            try git(["--git-dir", fleet.remote.path, "show", "main:apps/deploy.yaml"]).contains("acme/app:1.1.0")
        }
        #expect(pushed != nil, "the daemon recovers (backoff) and pushes; log:\n\(daemon.logText)")
        #expect(try daemon.stop() == 0)
    }
}
