public import Foundation

/// An OpenSSH sshd on 127.0.0.1:<random port>, run as the current user in the foreground
/// (`-D -e -f config`) with a generated ECDSA host key and one authorised client key.
///
/// Its keys, config, pid file and log live in `directory`; clients log in as the current user
/// and run the git CLI of this machine on paths of this file system.
public final class SSHGitServer {
    /// The sshd process id (stopped by it in `stop()`).
    public let pid: pid_t
    /// The loopback port sshd listens on.
    public let port: Int
    /// The directory holding the keys, `sshd_config`, `authorized_keys` and `sshd.log`.
    public let directory: String
    /// The host key as a known_hosts entry needs it: "ecdsa-sha2-nistp256 AAAA…".
    public let hostPublicKey: String
    /// The authorised client key (PEM ECDSA, no passphrase).
    public let clientPrivateKey: [UInt8]
    /// The host key's fingerprint: "SHA256:…".
    public let hostFingerprint: String

    /// Whether sshd is installed (`make deps` installs openssh-server).
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") }

    /// The file sshd reads authorised client keys from; append a public key to admit another client.
    public var authorizedKeysPath: String { directory + "/authorized_keys" }

    /// Generates the keys and config in `directory` (created if needed) and starts sshd; returns
    /// once the port accepts connections.
    public init(directory dir: String) throws {
        directory = dir
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // sshd refuses to start as root without its privilege-separation directory.
        if getuid() == 0 {
            try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        }
        try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-N", "", "-f", dir + "/host_key", "-C", "testhost"])
        try runTool(
            "/usr/bin/ssh-keygen",
            ["-q", "-t", "ecdsa", "-m", "PEM", "-N", "", "-f", dir + "/client_key", "-C", "imagebot"])
        try FileManager.default.copyItem(atPath: dir + "/client_key.pub", toPath: dir + "/authorized_keys")
        hostPublicKey = try String(contentsOfFile: dir + "/host_key.pub", encoding: .utf8).split(separator: " ").prefix(
            2
        ).joined(separator: " ")
        clientPrivateKey = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/client_key")))
        let fp = try runTool("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", dir + "/host_key.pub"])
        hostFingerprint = fp.split(separator: " ").first(where: { $0.hasPrefix("SHA256:") }).map(String.init) ?? "?"
        port = try freeLocalPort()
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(dir)/host_key
            PidFile \(dir)/sshd.pid
            AuthorizedKeysFile \(dir)/authorized_keys
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            SetEnv GIT_CONFIG_NOSYSTEM=1
            LogLevel ERROR

            """
        try config.write(toFile: dir + "/sshd_config", atomically: true, encoding: .utf8)
        // Started through sh and detached from our process (Foundation's Process stopped noticing
        // later children exiting while sshd was its direct child); stopped by pid in `stop()`.
        let pidText = try runTool(
            "/bin/sh",
            [
                "-c", "/usr/sbin/sshd -D -e -f \"$1\" </dev/null >\"$2\" 2>&1 & echo $!", "sh", dir + "/sshd_config",
                dir + "/sshd.log",
            ])
        guard let pid = pid_t(pidText) else { throw SandboxError.failed("sshd pid: \(pidText)") }
        self.pid = pid
        // Wait until the port accepts connections.
        var ready = false
        for _ in 0..<100 {
            if canConnect(port: port) {
                ready = true
                break
            }
            usleep(50_000)
        }
        guard ready else {
            kill(pid, SIGTERM)
            throw SandboxError.failed("sshd did not start on port \(port)")
        }
    }

    /// The user the clients log in as: the current user.
    public var user: String { String(cString: getpwuid(getuid()).pointee.pw_name) }

    /// The ssh:// URL of the repository at absolute `path`.
    public func url(_ path: String) -> String {
        "ssh://\(user)@127.0.0.1:\(port)\(path)"
    }

    /// A known_hosts line accepting this server's host key.
    public var knownHostsLine: String { "[127.0.0.1]:\(port) \(hostPublicKey)\n" }

    /// Stops sshd (SIGTERM by pid).
    public func stop() { kill(pid, SIGTERM) }
}

/// A port that was free on 127.0.0.1 a moment ago (bind to 0, read it back, close).
public func freeLocalPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SandboxError.failed("socket") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) { ptr in
        ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
        }
    }
    guard bound else { throw SandboxError.failed("bind") }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Whether something accepts TCP connections on 127.0.0.1:port.
public func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &addr) { ptr in
        ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// Runs a tool (ssh-keygen, sh, …) to completion; throws with its stderr when it fails and
/// returns its stdout, trimmed.
///
/// Output goes to temporary files, not pipes: a long-lived child (sshd, the HTTP server) started
/// meanwhile may inherit a pipe's write end and we would never see EOF.
@discardableResult
public func runTool(
    _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString).out")
    let errURL = outURL.appendingPathExtension("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    let outHandle = try FileHandle(forWritingTo: outURL)
    let errHandle = try FileHandle(forWritingTo: errURL)
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try? outHandle.close()
    try? errHandle.close()
    let outData = (try? Data(contentsOf: outURL)) ?? Data()
    let errData = (try? Data(contentsOf: errURL)) ?? Data()
    guard process.terminationStatus == 0 else {
        throw SandboxError.failed(
            "\(executable) \(arguments.joined(separator: " ")): \(String(decoding: errData, as: UTF8.self))")
    }
    return String(decoding: outData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
