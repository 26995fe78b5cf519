import Foundation
import TestServers
import Testing

/// `provider: github`: run --once mints an installation token from a loopback GitHub API (which
/// verifies the app's RS256 JWT with PyJWT) and pushes over smart HTTP as `x-access-token`.
@Suite("imagebot run --once pushes with a GitHub App's installation token", .serialized)
struct GitHubAppPushTests {
    static let skipReason: String? =
        pythonHasModule("jwt") ? nil : "PyJWT is missing (make deps installs pyjwt[crypto])"

    @Test(.enabled(if: skipReason == nil, "PyJWT is missing (make deps installs pyjwt[crypto])"))
    func pushesWithAnInstallationToken() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let (privateKey, publicKey) = try makeGitHubAppKey(in: root)
        let token = "ghs_e2eInstallationToken0815"
        let server = try HTTPGitServer(root: root.path, user: "x-access-token", password: token)
        defer { server.stop() }
        let (fleet, api) = try gitHubAppFleet(
            registry: registry, root: root, server: server, privateKey: privateKey, publicKeyPath: publicKey,
            token: token)
        defer { api.stop() }
        let seed = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])

        let result = try ImagebotBinary.run(fleet.runArguments)
        try expectPushedUpdate(result, fleet: fleet, registry: registry, seed: seed)
        let output = result.stdout + result.stderr
        #expect(!output.contains(token), "the installation token is never printed")
        #expect(!output.contains("PRIVATE KEY"))
    }

    @Test(.enabled(if: skipReason == nil, "PyJWT is missing (make deps installs pyjwt[crypto])"))
    func aJWTTheAPIRejectsIsOneLine() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let (_, publicKey) = try makeGitHubAppKey(in: root)
        let (otherKey, _) = try makeGitHubAppKey(in: try makeWorkspace())  // signed with a key the API does not know
        let api = try FakeTokenService(
            script: "fake-github-api.py",
            arguments: ["--public-key", publicKey, "--app-id", "4711", "--installation-id", "99"])
        defer { api.stop() }
        let fleet = try Fleet(
            registry: registry, root: root, gitURL: "http://127.0.0.1:9/remote.git", secretRef: "github-app",
            gitSpec: ", provider: github")
        try fleet.writeSecret(
            name: "github-app",
            [
                "githubAppID": Data("4711".utf8), "githubAppInstallationID": Data("99".utf8),
                "githubAppPrivateKey": otherKey, "githubAppBaseURL": Data(api.baseURL.utf8),
            ])
        let seed = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])
        let result = try ImagebotBinary.run(fleet.runArguments)
        let line = try expectFailedWithoutPush(result, fleet: fleet, seed: seed)
        #expect(line.contains("GitRepository flux-system/fleet: GitHub App:"), "\(line)")
        #expect(line.contains("401"), "\(line)")
        #expect(!(result.stdout + result.stderr).contains("PRIVATE KEY"))
    }
}
