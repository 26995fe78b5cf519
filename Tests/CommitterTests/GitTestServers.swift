import Foundation

/// Path of a helper under `scripts/` of this package.
func scriptPath(_ name: String) -> String {
    var url = URL(fileURLWithPath: #filePath)
    url.deleteLastPathComponent()  // CommitterTests
    url.deleteLastPathComponent()  // Tests
    url.deleteLastPathComponent()  // package root
    return url.appendingPathComponent("scripts").appendingPathComponent(name).path
}

/// A child process owned by one test: started with a stdin pipe, stopped (by its pid) in `stop()`.
final class ChildServer {
    let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()

    init(executable: String, arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
    }

    /// Reads stdout until a line starting with `prefix` appears; returns the rest of that line.
    func waitForLine(prefix: String) throws -> String {
        var buffer = ""
        let handle = stdoutPipe.fileHandleForReading
        while true {
            let data = handle.availableData
            if data.isEmpty {
                let err = String(decoding: stderrPipe.fileHandleForReading.availableData, as: UTF8.self)
                throw SandboxError.failed("server exited before '\(prefix)': \(err)")
            }
            buffer += String(decoding: data, as: UTF8.self)
            for line in buffer.split(separator: "\n") where line.hasPrefix(prefix) {
                return String(line.dropFirst(prefix.count))
            }
        }
    }

    func stop() {
        try? stdinPipe.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// The smart-HTTP server from scripts/git-http-server.py serving `root` on 127.0.0.1.
final class HTTPGitServer {
    let server: ChildServer
    let port: Int

    init(root: String, user: String? = nil, password: String? = nil, token: String? = nil) throws {
        var args = [scriptPath("git-http-server.py"), root]
        if let user, let password { args += ["--user", user, "--password", password] }
        if let token { args += ["--token", token] }
        server = try ChildServer(executable: "/usr/bin/env", arguments: ["python3"] + args)
        guard let port = Int(try server.waitForLine(prefix: "PORT ").trimmingCharacters(in: .whitespaces)) else {
            server.stop()
            throw SandboxError.failed("bad port line")
        }
        self.port = port
    }

    func url(_ repo: String) -> String { "http://127.0.0.1:\(port)/\(repo)" }

    func stop() { server.stop() }
}
