public import Foundation

/// One of the loopback token services in scripts/ (fake-github-api.py, fake-azure-identity.py,
/// fake-gcp-metadata.py) on 127.0.0.1; `/_test/counts` and `/_test/mode` drive it.
public final class FakeTokenService {
    /// The python process running the service.
    public let server: ChildServer
    /// The loopback port it listens on.
    public let port: Int

    /// Starts `script` (a file name in scripts/) with `arguments`.
    public init(script: String, arguments: [String]) throws {
        server = try ChildServer(executable: "/usr/bin/env", arguments: ["python3", scriptPath(script)] + arguments)
        guard let port = Int(try server.waitForLine(prefix: "PORT ").trimmingCharacters(in: .whitespaces)) else {
            server.stop()
            throw SandboxError.failed("\(script): bad port line")
        }
        self.port = port
    }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops the service.
    public func stop() { server.stop() }
}

/// Whether `python3` can import `module` (PyJWT is `jwt`), for skipping tests with a reason.
public func pythonHasModule(_ module: String) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import \(module)"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}
