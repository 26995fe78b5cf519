import Foundation
import TestServers
import Testing

@testable import Committer

/// A temporary directory with a throwaway HOME for git CLI runs; removed by `cleanup()`.
final class GitSandbox {
    let root: String

    init() throws {
        let template = NSTemporaryDirectory() + "gitwip-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw SandboxError.failed("mkdtemp") }
        root = String(cString: made)
    }

    func cleanup() {
        try? FileManager.default.removeItem(atPath: root)
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = root
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["GIT_AUTHOR_NAME"] = "Other Writer"
        env["GIT_AUTHOR_EMAIL"] = "other@example.com"
        env["GIT_COMMITTER_NAME"] = "Other Writer"
        env["GIT_COMMITTER_EMAIL"] = "other@example.com"
        env["GIT_TERMINAL_PROMPT"] = "0"
        return env
    }

    /// Runs the git CLI; throws with stderr on failure; returns trimmed stdout.
    @discardableResult
    func git(_ args: [String], in directory: String? = nil, extraEnv: [String: String] = [:]) throws -> String {
        try run("/usr/bin/git", args, in: directory, extraEnv: extraEnv)
    }

    @discardableResult
    func run(
        _ executable: String, _ args: [String], in directory: String? = nil, extraEnv: [String: String] = [:],
        stdin: String? = nil
    ) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? root)
        process.environment = environment.merging(extraEnv) { $1 }
        // Output goes to files, not pipes: a long-lived child (sshd, the HTTP server) started by a
        // concurrently running test may inherit a pipe's write end and we would never see EOF.
        let outPath = root + "/.run-\(UUID().uuidString).out"
        let errPath = outPath + ".err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = outHandle
        process.standardError = errHandle
        if let stdin {
            let inPath = outPath + ".in"
            try Data(stdin.utf8).write(to: URL(fileURLWithPath: inPath))
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()
        let outData = (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()
        let errData = (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data()
        guard process.terminationStatus == 0 else {
            throw SandboxError.failed(
                "\(executable) \(args.joined(separator: " ")): \(String(decoding: errData, as: UTF8.self))")
        }
        return String(decoding: outData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func write(_ path: String, _ text: String, executable: Bool = false) throws {
        let full = root + "/" + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: full) }
    }

    /// Creates `remote.git` (bare, default branch main) seeded from a `seed` work tree with:
    /// deploy/app.yaml, deploy/values.yaml, deploy/readme.md, bin/run.sh (755), deploy/escape → /etc
    /// (symlink), linkdir → deploy (symlink to a directory), tag v1.0.0 (annotated) and v1.1.0 (light).
    func makeRemote(annotatedTag: Bool = true) throws -> (bare: String, work: String) {
        let bare = root + "/remote.git"
        try git(["init", "-q", "--bare", "-b", "main", bare])
        let work = root + "/seed"
        try git(["init", "-q", "-b", "main", work])
        try write("seed/deploy/app.yaml", "image: nginx:1.25 # {\"$imagepolicy\": \"ns:p\"}\n")
        try write("seed/deploy/values.yaml", "tag: 1.0.0\n")
        try write("seed/deploy/readme.md", "# readme\n")
        try write("seed/bin/run.sh", "#!/bin/sh\necho hi\n", executable: true)
        try FileManager.default.createSymbolicLink(atPath: work + "/deploy/escape", withDestinationPath: "/etc")
        try FileManager.default.createSymbolicLink(atPath: work + "/linkdir", withDestinationPath: "deploy")
        try git(["add", "-A"], in: work)
        try git(["commit", "-q", "-m", "seed"], in: work)
        try git(annotatedTag ? ["tag", "-a", "v1.0.0", "-m", "release 1.0.0"] : ["tag", "v1.0.0"], in: work)
        try write("seed/deploy/values.yaml", "tag: 1.1.0\n")
        try git(["commit", "-q", "-am", "second"], in: work)
        try git(["tag", "v1.1.0"], in: work)
        try git(["remote", "add", "origin", bare], in: work)
        try git(["push", "-q", "origin", "main", "--tags"], in: work)
        return (bare, work)
    }

    /// Commits a change from another client and pushes it (simulates a concurrent writer).
    func otherWriterPushes(work: String, file: String, text: String) throws -> String {
        try git(["pull", "-q", "--ff-only", "origin", "main"], in: work)
        try write(String(work.dropFirst(root.count + 1)) + "/" + file, text)
        try git(["add", "-A"], in: work)
        try git(["commit", "-q", "-m", "other writer: \(file)"], in: work)
        try git(["push", "-q", "origin", "main"], in: work)
        return try git(["rev-parse", "HEAD"], in: work)
    }
}

let testAuthor = GitSignature(name: "imagebot", email: "imagebot@example.com")
