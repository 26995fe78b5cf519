public import Foundation

/// Debian's `dante-server` (`danted`) as a SOCKS5 proxy on a random loopback port, in the
/// foreground, logging each connection it relays.
public final class SOCKSProxy {
    /// The loopback port the proxy listens on.
    public let port: Int
    /// The directory holding the config and the log; removed by `stop()`.
    public let directory: URL
    private let process = Process()

    /// `socks5://127.0.0.1:<port>`.
    public var address: String { "socks5://127.0.0.1:\(port)" }

    /// Whether danted is installed (`make deps` installs it).
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/danted") }

    /// Starts the proxy (no SOCKS authentication: dante checks usernames against the system's
    /// accounts, which a test must not create).
    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("socks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try freeLocalPort()
        let config = """
            logoutput: \(directory.path)/danted.log
            internal: 127.0.0.1 port = \(port)
            external: 127.0.0.1
            clientmethod: none
            socksmethod: none
            user.privileged: root
            user.unprivileged: nobody
            client pass {
                from: 127.0.0.0/8 to: 0.0.0.0/0
                log: connect disconnect error
            }
            socks pass {
                from: 127.0.0.0/8 to: 0.0.0.0/0
                log: connect disconnect error
            }

            """
        try config.write(to: directory.appendingPathComponent("danted.conf"), atomically: true, encoding: .utf8)
        // danted closes every inherited descriptor at start-up, including the one Foundation's
        // Process watches to learn that a child exited: Foundation then blocks in waitpid() on
        // the still-running danted and every later Process in the test hangs. A shell parent
        // keeps that descriptor; `stop()` kills danted by its pid file.
        let conf = directory.appendingPathComponent("danted.conf").path
        let pidFile = directory.appendingPathComponent("danted.pid").path
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c", "/usr/sbin/danted -f '\(conf)' -p '\(pidFile)' & wait",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitForPort(port)
    }

    /// danted's log so far.
    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("danted.log"), encoding: .utf8)) ?? ""
    }

    /// Stops the proxy and removes the directory. danted is killed by the pid it wrote (its
    /// children exit when their parent is gone), then the shell around it.
    public func stop() {
        let pidFile = directory.appendingPathComponent("danted.pid")
        if let text = try? String(contentsOf: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            kill(pid, SIGKILL)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
