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
            // TLS 1.2: the refusal of a missing client certificate happens inside the handshake.
            // Under TLS 1.3 the client's handshake is already done when the server refuses, so
            // curl sees either the alert or a failed send, whichever comes first.
            config += "CAfile = \(directory.path)/ca.crt\nverifyChain = yes\nrequireCert = yes\n"
            config += "sslVersionMax = TLSv1.2\n"
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
