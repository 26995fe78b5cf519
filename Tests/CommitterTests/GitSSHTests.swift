import Foundation
import Testing

@testable import Committer

/// An OpenSSH sshd on 127.0.0.1:<random port>, run as the current user in the foreground
/// (`-D -e -f config`) with a generated ECDSA host key and one authorised client key.
final class SSHGitServer {
    let pid: pid_t
    let port: Int
    let hostPublicKey: String  // "ecdsa-sha2-nistp256 AAAA…"
    let clientPrivateKey: [UInt8]
    let hostFingerprint: String  // "SHA256:…"

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") }

    init(box: GitSandbox) throws {
        let dir = box.root + "/sshd"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // sshd refuses to start as root without its privilege-separation directory.
        if getuid() == 0 { try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true) }
        try box.run("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-N", "", "-f", dir + "/host_key", "-C", "testhost"])
        try box.run("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-m", "PEM", "-N", "", "-f", dir + "/client_key", "-C", "imagebot"])
        try FileManager.default.copyItem(atPath: dir + "/client_key.pub", toPath: dir + "/authorized_keys")
        hostPublicKey = try String(contentsOfFile: dir + "/host_key.pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        clientPrivateKey = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/client_key")))
        let fp = try box.run("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", dir + "/host_key.pub"])
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
        let pidText = try box.run("/bin/sh", ["-c", "/usr/sbin/sshd -D -e -f \"$1\" </dev/null >\"$2\" 2>&1 & echo $!", "sh", dir + "/sshd_config", dir + "/sshd.log"])
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

    func url(_ path: String) -> String {
        "ssh://\(String(cString: getpwuid(getuid()).pointee.pw_name))@127.0.0.1:\(port)\(path)"
    }

    func stop() { kill(pid, SIGTERM) }
}

@Suite("GitCache over SSH (OpenSSH sshd)", .enabled(if: SSHGitServer.available))
struct GitSSHTests {
    @Test func knownHostsPlainAndHashedThenPush() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let sshd = try SSHGitServer(box: box)
        defer { sshd.stop() }
        let plain = "# comment\n[127.0.0.1]:\(sshd.port) \(sshd.hostPublicKey)\n"
        try plain.write(toFile: box.root + "/known_hosts", atomically: true, encoding: .utf8)
        try box.run("/usr/bin/ssh-keygen", ["-q", "-H", "-f", box.root + "/known_hosts"])
        let hashed = try String(contentsOfFile: box.root + "/known_hosts", encoding: .utf8)
        #expect(hashed.contains("|1|") && !hashed.contains("127.0.0.1"))

        for (label, knownHosts) in [("plain", plain), ("hashed", hashed)] {
            let cache = try GitCache(
                stateDirectory: box.root + "/state-" + label, remoteURL: sshd.url(bare),
                credentials: .sshKey(privateKey: sshd.clientPrivateKey, passphrase: nil, knownHosts: Array(knownHosts.utf8)))
            let tip = try cache.resolve(GitReference(branch: "main"))
            #expect(tip == (try box.git(["rev-parse", "main"], in: bare)), "\(label)")
            let commit = try cache.commit(parent: tip, replacing: ["deploy/values.yaml": Array("via: \(label)\n".utf8)], author: testAuthor, message: "ssh \(label)", signer: nil)
            #expect(try cache.push(commit, to: "main", force: false, refspec: nil, options: [:]).outcome == .pushed, "\(label)")
            #expect(try box.git(["rev-parse", "main"], in: bare) == commit, "\(label)")
        }
    }

    @Test(arguments: [("ed25519", "openssh", ""), ("ecdsa", "PEM", "key-pass"), ("ed25519", "openssh", "key-pass")])
    func otherClientKeyFormats(type: String, format: String, passphrase: String) throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let sshd = try SSHGitServer(box: box)
        defer { sshd.stop() }
        var args = ["-q", "-t", type, "-N", passphrase, "-f", box.root + "/k", "-C", "k"]
        if format == "PEM" { args += ["-m", "PEM"] }
        try box.run("/usr/bin/ssh-keygen", args)
        let pub = try String(contentsOfFile: box.root + "/k.pub", encoding: .utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: box.root + "/sshd/authorized_keys"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(pub.utf8))
        try handle.close()
        let key = Array(try Data(contentsOf: URL(fileURLWithPath: box.root + "/k")))
        let known = "[127.0.0.1]:\(sshd.port) \(sshd.hostPublicKey)\n"
        let cache = try GitCache(
            stateDirectory: box.root + "/state", remoteURL: sshd.url(bare),
            credentials: .sshKey(privateKey: key, passphrase: passphrase.isEmpty ? nil : passphrase, knownHosts: Array(known.utf8)))
        #expect(try cache.remoteHeads()["refs/heads/main"] == (try box.git(["rev-parse", "main"], in: bare)))
    }

    @Test func unknownHostIsRefusedWithFingerprint() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let sshd = try SSHGitServer(box: box)
        defer { sshd.stop() }
        // known_hosts lists another key for this host, and the right key for another host.
        try box.run("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-N", "", "-f", box.root + "/other"])
        let other = try String(contentsOfFile: box.root + "/other.pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let knownHosts = "[127.0.0.1]:\(sshd.port) \(other)\n[127.0.0.2]:\(sshd.port) \(sshd.hostPublicKey)\n127.0.0.1 \(sshd.hostPublicKey)\n"
        let cache = try GitCache(
            stateDirectory: box.root + "/state", remoteURL: sshd.url(bare),
            credentials: .sshKey(privateKey: sshd.clientPrivateKey, passphrase: nil, knownHosts: Array(knownHosts.utf8)))
        let error = #expect(throws: GitError.self) { try cache.fetch(branches: ["main"], tags: false) }
        #expect(error?.code == .certificate)
        #expect(error?.message.contains(sshd.hostFingerprint) == true, "\(String(describing: error)) vs \(sshd.hostFingerprint)")

        // A key sshd does not know is an authentication error.
        try box.run("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-m", "PEM", "-N", "", "-f", box.root + "/stranger"])
        let stranger = Array(try Data(contentsOf: URL(fileURLWithPath: box.root + "/stranger")))
        let good = "[127.0.0.1]:\(sshd.port) \(sshd.hostPublicKey)\n"
        let denied = try GitCache(stateDirectory: box.root + "/state2", remoteURL: sshd.url(bare), credentials: .sshKey(privateKey: stranger, passphrase: nil, knownHosts: Array(good.utf8)))
        let authError = #expect(throws: GitError.self) { try denied.fetch(branches: ["main"], tags: false) }
        #expect(authError?.code == .authentication, "\(String(describing: authError))")
    }
}

/// A port that was free on 127.0.0.1 a moment ago (bind to 0, read it back, close).
func freeLocalPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SandboxError.failed("socket") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) { ptr in
        ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard bound else { throw SandboxError.failed("bind") }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Whether something accepts TCP connections on 127.0.0.1:port.
func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &addr) { ptr in
        ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
