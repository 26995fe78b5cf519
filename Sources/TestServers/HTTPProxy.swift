public import Foundation

/// Debian's `tinyproxy` on a random loopback port, in the foreground, logging every request
/// to a file the test reads (the proof that traffic went through the proxy).
public final class HTTPProxy {
    /// The loopback port the proxy listens on.
    public let port: Int
    /// The directory holding the config and the log; removed by `stop()`.
    public let directory: URL
    private let process = Process()

    /// `http://127.0.0.1:<port>`, the proxy address a `proxySecretRef` names.
    public var address: String { "http://127.0.0.1:\(port)" }

    /// Whether tinyproxy is installed (`make deps` installs it).
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tinyproxy") }

    /// Starts the proxy; with `user`/`password` it requires those Basic proxy credentials.
    public init(user: String? = nil, password: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("proxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try freeLocalPort()
        var config = """
            Port \(port)
            Listen 127.0.0.1
            Timeout 30
            LogFile "\(directory.path)/proxy.log"
            LogLevel Connect
            MaxClients 20
            Allow 127.0.0.1
            DisableViaHeader Yes

            """
        if let user, let password { config += "BasicAuth \(user) \(password)\n" }
        try config.write(to: directory.appendingPathComponent("tinyproxy.conf"), atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tinyproxy")
        process.arguments = ["-d", "-c", directory.appendingPathComponent("tinyproxy.conf").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitForPort(port)
    }

    /// The proxy's log so far.
    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("proxy.log"), encoding: .utf8)) ?? ""
    }

    /// Stops the proxy and removes its directory.
    public func stop() {
        // tinyproxy in the foreground (-d) waits out its select() timeout on SIGTERM: kill it.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Waits (up to 10 s) until something accepts connections on 127.0.0.1:`port`.
func waitForPort(_ port: Int) throws {
    for _ in 0..<200 {
        if canConnect(port: port) { return }
        usleep(50_000)
    }
    throw SandboxError.failed("nothing listens on 127.0.0.1:\(port)")
}
