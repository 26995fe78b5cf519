import Foundation
import TestServers
import Testing

@Suite(
    "imagebot run --once pushes over SSH (OpenSSH sshd)", .serialized,
    .enabled(if: SSHGitServer.available, "needs /usr/sbin/sshd (make deps)"))
struct RunOverSSHTests {
    @Test func identityAndKnownHostsPushTheMarkedChange() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let sshd = try SSHGitServer(directory: root.appendingPathComponent("sshd").path)
        defer { sshd.stop() }
        let remote = root.appendingPathComponent("remote.git").path
        let fleet = try Fleet(registry: registry, root: root, gitURL: sshd.url(remote), secretRef: "git-auth")
        try fleet.writeSecret(
            name: "git-auth", ["identity": Data(sshd.clientPrivateKey), "known_hosts": Data(sshd.knownHostsLine.utf8)])
        let seed = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])

        let result = try ImagebotBinary.run(fleet.runArguments)
        try expectPushedUpdate(result, fleet: fleet, registry: registry, seed: seed)
        #expect(!(result.stdout + result.stderr).contains("PRIVATE KEY"))
    }

    @Test func anotherHostKeyIsRefusedWithTheServersFingerprint() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let sshd = try SSHGitServer(directory: root.appendingPathComponent("sshd").path)
        defer { sshd.stop() }
        let remote = root.appendingPathComponent("remote.git").path
        let fleet = try Fleet(registry: registry, root: root, gitURL: sshd.url(remote), secretRef: "git-auth")
        let other = root.appendingPathComponent("other_host_key").path
        try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ecdsa", "-N", "", "-f", other])
        let otherKey = try String(contentsOfFile: other + ".pub", encoding: .utf8).split(separator: " ").prefix(2)
            .joined(separator: " ")
        try fleet.writeSecret(
            name: "git-auth",
            [
                "identity": Data(sshd.clientPrivateKey),
                "known_hosts": Data("[127.0.0.1]:\(sshd.port) \(otherKey)\n".utf8),
            ])
        let seed = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])

        let result = try ImagebotBinary.run(fleet.runArguments)
        let line = try expectFailedWithoutPush(result, fleet: fleet, seed: seed)
        #expect(sshd.hostFingerprint.hasPrefix("SHA256:"))
        #expect(line.contains(sshd.hostFingerprint), "\(line) vs \(sshd.hostFingerprint)")
        #expect(line.contains("host key"), "\(line)")
    }
}
