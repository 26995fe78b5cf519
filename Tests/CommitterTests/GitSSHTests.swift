import Foundation
import TestServers
import Testing

@testable import Committer

@Suite("GitCache over SSH (OpenSSH sshd)", .enabled(if: SSHGitServer.available))
struct GitSSHTests {
    @Test func knownHostsPlainAndHashedThenPush() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let sshd = try SSHGitServer(directory: box.root + "/sshd")
        defer { sshd.stop() }
        let plain = "# comment\n[127.0.0.1]:\(sshd.port) \(sshd.hostPublicKey)\n"
        try plain.write(toFile: box.root + "/known_hosts", atomically: true, encoding: .utf8)
        try box.run("/usr/bin/ssh-keygen", ["-q", "-H", "-f", box.root + "/known_hosts"])
        let hashed = try String(contentsOfFile: box.root + "/known_hosts", encoding: .utf8)
        #expect(hashed.contains("|1|") && !hashed.contains("127.0.0.1"))

        for (label, knownHosts) in [("plain", plain), ("hashed", hashed)] {
            let cache = try GitCache(
                stateDirectory: box.root + "/state-" + label, remoteURL: sshd.url(bare),
                credentials: .sshKey(
                    privateKey: sshd.clientPrivateKey, passphrase: nil, knownHosts: Array(knownHosts.utf8)))
            let tip = try cache.resolve(GitReference(branch: "main"))
            #expect(tip == (try box.git(["rev-parse", "main"], in: bare)), "\(label)")
            let commit = try cache.commit(
                parent: tip, replacing: ["deploy/values.yaml": Array("via: \(label)\n".utf8)], author: testAuthor,
                message: "ssh \(label)", signer: nil)
            #expect(
                try cache.push(commit, to: "main", force: false, refspec: nil, options: [:]).outcome == .pushed,
                "\(label)")
            #expect(try box.git(["rev-parse", "main"], in: bare) == commit, "\(label)")
        }
    }

    @Test(arguments: [("ed25519", "openssh", ""), ("ecdsa", "PEM", "key-pass"), ("ed25519", "openssh", "key-pass")])
    func otherClientKeyFormats(type: String, format: String, passphrase: String) throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let sshd = try SSHGitServer(directory: box.root + "/sshd")
        defer { sshd.stop() }
        var args = ["-q", "-t", type, "-N", passphrase, "-f", box.root + "/k", "-C", "k"]
        if format == "PEM" { args += ["-m", "PEM"] }
        try box.run("/usr/bin/ssh-keygen", args)
        let pub = try String(contentsOfFile: box.root + "/k.pub", encoding: .utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: sshd.authorizedKeysPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(pub.utf8))
        try handle.close()
        let key = Array(try Data(contentsOf: URL(fileURLWithPath: box.root + "/k")))
        let known = "[127.0.0.1]:\(sshd.port) \(sshd.hostPublicKey)\n"
        let cache = try GitCache(
            stateDirectory: box.root + "/state", remoteURL: sshd.url(bare),
            credentials: .sshKey(
                privateKey: key, passphrase: passphrase.isEmpty ? nil : passphrase, knownHosts: Array(known.utf8)))
        #expect(try cache.remoteHeads()["refs/heads/main"] == (try box.git(["rev-parse", "main"], in: bare)))
    }

    @Test func unknownHostIsRefusedWithFingerprint() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let sshd = try SSHGitServer(directory: box.root + "/sshd")
        defer { sshd.stop() }
        // known_hosts lists another key for this host, and the right key for another host.
        try box.run("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-N", "", "-f", box.root + "/other"])
        let other = try String(contentsOfFile: box.root + "/other.pub", encoding: .utf8).split(separator: " ").prefix(2)
            .joined(separator: " ")
        let knownHosts =
            "[127.0.0.1]:\(sshd.port) \(other)\n[127.0.0.2]:\(sshd.port) \(sshd.hostPublicKey)\n127.0.0.1 \(sshd.hostPublicKey)\n"
        let cache = try GitCache(
            stateDirectory: box.root + "/state", remoteURL: sshd.url(bare),
            credentials: .sshKey(privateKey: sshd.clientPrivateKey, passphrase: nil, knownHosts: Array(knownHosts.utf8))
        )
        let error = #expect(throws: GitError.self) { try cache.fetch(branches: ["main"], tags: false) }
        #expect(error?.code == .certificate)
        #expect(
            error?.message.contains(sshd.hostFingerprint) == true,
            "\(String(describing: error)) vs \(sshd.hostFingerprint)")

        // A key sshd does not know is an authentication error.
        try box.run("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-m", "PEM", "-N", "", "-f", box.root + "/stranger"])
        let stranger = Array(try Data(contentsOf: URL(fileURLWithPath: box.root + "/stranger")))
        let good = "[127.0.0.1]:\(sshd.port) \(sshd.hostPublicKey)\n"
        let denied = try GitCache(
            stateDirectory: box.root + "/state2", remoteURL: sshd.url(bare),
            credentials: .sshKey(privateKey: stranger, passphrase: nil, knownHosts: Array(good.utf8)))
        let authError = #expect(throws: GitError.self) { try denied.fetch(branches: ["main"], tags: false) }
        #expect(authError?.code == .authentication, "\(String(describing: authError))")
    }
}
