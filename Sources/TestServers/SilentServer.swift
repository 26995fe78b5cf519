public import Foundation

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
