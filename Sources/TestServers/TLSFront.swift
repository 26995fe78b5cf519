public import Foundation

/// Debian's `stunnel4` terminating TLS on a random loopback port in front of a plain-HTTP
/// server, with the certificates of `scripts/make-test-certs.sh`; with `requireClientCertificate`
/// it refuses clients without a certificate signed by the test CA (mutual TLS).
public final class TLSFront {
    /// The loopback port TLS is served on.
    public let port: Int
    /// The certificates (`ca.crt`, `server.*`, `client.crt`, `client.key`) and stunnel's files.
    public let directory: URL
    private let process = Process()

    /// Whether stunnel is installed (`make deps` installs it).
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/stunnel4") }

    /// Starts TLS on a new port forwarding to 127.0.0.1:`backendPort`.
    public init(backendPort: Int, requireClientCertificate: Bool) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certs = Process()
        certs.executableURL = URL(fileURLWithPath: "/bin/sh")
        certs.arguments = [scriptPath("make-test-certs.sh"), directory.path]
        try certs.run()
        certs.waitUntilExit()
        guard certs.terminationStatus == 0 else { throw SandboxError.failed("make-test-certs.sh failed") }
        port = try freeLocalPort()
        var config = """
            foreground = yes
            pid =
            output = \(directory.path)/stunnel.log
            debug = info
            [git]
            accept = 127.0.0.1:\(port)
            connect = 127.0.0.1:\(backendPort)
            cert = \(directory.path)/server.crt
            key = \(directory.path)/server.key

            """
        if requireClientCertificate {
            config += "CAfile = \(directory.path)/ca.crt\nverifyChain = yes\nrequireCert = yes\n"
        }
        try config.write(to: directory.appendingPathComponent("stunnel.conf"), atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/stunnel4")
        process.arguments = [directory.appendingPathComponent("stunnel.conf").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitForPort(port)
    }

    /// A PEM file of the test PKI: `ca.crt`, `client.crt`, `client.key`, …
    public func pem(_ name: String) throws -> Data { try Data(contentsOf: directory.appendingPathComponent(name)) }

    /// stunnel's log so far (accepted connections, certificate checks).
    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("stunnel.log"), encoding: .utf8)) ?? ""
    }

    /// Stops stunnel and removes its directory.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

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
        if let text = try? String(contentsOf: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A loopback server that accepts connections and never answers (for timeouts).
public final class SilentServer {
    private let server: ChildServer
    /// The loopback port.
    public let port: Int

    /// Starts the server.
    public init() throws {
        let script = """
            import socket, sys, threading
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
            print("PORT %d" % s.getsockname()[1], flush=True)
            held = []
            def accept():
                while True:
                    c, _ = s.accept(); held.append(c)
            threading.Thread(target=accept, daemon=True).start()
            sys.stdin.read()
            """
        server = try ChildServer(executable: "/usr/bin/env", arguments: ["python3", "-c", script])
        guard let port = Int(try server.waitForLine(prefix: "PORT ").trimmingCharacters(in: .whitespaces)) else {
            server.stop()
            throw SandboxError.failed("bad port line")
        }
        self.port = port
    }

    /// Stops the server.
    public func stop() { server.stop() }
}
