public import Foundation

/// A child process owned by one test: started with a stdin pipe, stopped (by its pid) in `stop()`.
public final class ChildServer {
    /// The running child.
    public let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()

    /// Starts `executable` with `arguments` (and `environment`, or ours when nil).
    public init(executable: String, arguments: [String], environment: [String: String]? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
    }

    /// Reads stdout until a line starting with `prefix` appears; returns the rest of that line.
    public func waitForLine(prefix: String) throws -> String {
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

    /// Closes the child's stdin, terminates it if it still runs, and waits for it to exit.
    public func stop() {
        try? stdinPipe.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// The smart-HTTP server from scripts/git-http-server.py serving `root` on 127.0.0.1.
public final class HTTPGitServer {
    /// The python process running the server.
    public let server: ChildServer
    /// The loopback port the server listens on.
    public let port: Int

    /// Serves the repositories under `root`; with `user`/`password` requests need those Basic
    /// credentials, with `token` a matching bearer token (either is accepted when both are set).
    public init(root: String, user: String? = nil, password: String? = nil, token: String? = nil) throws {
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

    /// The clone URL of `repo` (a path relative to the served root).
    public func url(_ repo: String) -> String { "http://127.0.0.1:\(port)/\(repo)" }

    /// Stops the server.
    public func stop() { server.stop() }
}
