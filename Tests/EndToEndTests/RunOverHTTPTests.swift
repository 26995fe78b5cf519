import Foundation
import TestServers
import Testing

@Suite("imagebot run --once pushes over smart HTTP with Basic auth (git http-backend)", .serialized)
struct RunOverHTTPTests {
    @Test func basicAuthPushesTheMarkedChange() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let password = "right-pw-0815"
        let server = try HTTPGitServer(root: root.path, user: "bot", password: password)
        defer { server.stop() }
        let fleet = try Fleet(registry: registry, root: root, gitURL: server.url("remote.git"), secretRef: "git-auth")
        try fleet.writeSecret(name: "git-auth", ["username": Data("bot".utf8), "password": Data(password.utf8)])
        let seed = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])

        let result = try ImagebotBinary.run(fleet.runArguments)
        try expectPushedUpdate(result, fleet: fleet, registry: registry, seed: seed)
        #expect(!(result.stdout + result.stderr).contains(password))

        // Nothing new: the remote heads (listed over HTTP with the same credentials) are unchanged.
        let head = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])
        let again = try ImagebotBinary.run(fleet.runArguments)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("no change since the last run"), "\(again.stdout)")
        #expect(try git(["--git-dir", fleet.remote.path, "rev-parse", "main"]) == head)
    }

    @Test func wrongPasswordFailsInOneLineWithoutThePassword() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try HTTPGitServer(root: root.path, user: "bot", password: "right-pw-0815")
        defer { server.stop() }
        let fleet = try Fleet(registry: registry, root: root, gitURL: server.url("remote.git"), secretRef: "git-auth")
        let wrong = "wrong-pw-4711"
        try fleet.writeSecret(name: "git-auth", ["username": Data("bot".utf8), "password": Data(wrong.utf8)])
        let seed = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])

        let result = try ImagebotBinary.run(fleet.runArguments)
        let line = try expectFailedWithoutPush(result, fleet: fleet, seed: seed)
        #expect(line.contains(server.url("remote.git")), "the error names the remote: \(line)")
        #expect(line.contains("authentication failed"), "\(line)")
        #expect(!(result.stdout + result.stderr).contains(wrong), "the password is never printed")
        #expect(!(result.stdout + result.stderr).contains("right-pw-0815"))
    }
}
