import Foundation
import TestServers
import Testing

/// A GitRepository's access settings, end to end: `proxySecretRef` through Debian's tinyproxy
/// in front of the smart-HTTP server, and the ones imagebot refuses with one clear line.
@Suite("imagebot run --once reaches Git as the GitRepository says", .serialized)
struct GitAccessTests {
    @Test(.enabled(if: HTTPProxy.available, "tinyproxy is installed by make deps"))
    func pushesThroughAnHTTPProxy() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try HTTPGitServer(root: root.path, user: "bot", password: "git-pw-1")
        defer { server.stop() }
        let proxyPassword = "proxy-pw-2"
        let proxy = try HTTPProxy(user: "squid", password: proxyPassword)
        defer { proxy.stop() }
        let fleet = try Fleet(
            registry: registry, root: root, gitURL: server.url("remote.git"), secretRef: "git-auth",
            gitSpec: ", proxySecretRef: {name: proxy}")
        try fleet.writeSecret(name: "git-auth", ["username": Data("bot".utf8), "password": Data("git-pw-1".utf8)])
        try fleet.writeSecret(
            name: "proxy",
            [
                "address": Data(proxy.address.utf8), "username": Data("squid".utf8),
                "password": Data(proxyPassword.utf8),
            ])
        let seed = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])

        let result = try ImagebotBinary.run(fleet.runArguments)
        try expectPushedUpdate(result, fleet: fleet, registry: registry, seed: seed)
        // The proxy saw the ref advertisement and the push.
        #expect(proxy.log.contains("/remote.git/info/refs?service=git-upload-pack"), "\(proxy.log)")
        #expect(proxy.log.contains("/remote.git/git-receive-pack"), "\(proxy.log)")
        #expect(!(result.stdout + result.stderr).contains(proxyPassword))
    }

    @Test(.enabled(if: HTTPProxy.available, "tinyproxy is installed by make deps"))
    func aProxyThatRefusesIsOneLineWithoutThePassword() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let server = try HTTPGitServer(root: root.path)
        defer { server.stop() }
        let proxy = try HTTPProxy(user: "squid", password: "right-proxy-pw")
        defer { proxy.stop() }
        let fleet = try Fleet(
            registry: registry, root: root, gitURL: server.url("remote.git"), gitSpec: ", proxySecretRef: {name: proxy}"
        )
        let wrong = "wrong-proxy-pw-9"
        try fleet.writeSecret(
            name: "proxy",
            [
                "address": Data(proxy.address.utf8), "username": Data("squid".utf8), "password": Data(wrong.utf8),
            ])
        let seed = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])
        let result = try ImagebotBinary.run(fleet.runArguments)
        let line = try expectFailedWithoutPush(result, fleet: fleet, seed: seed)
        #expect(line.contains("proxy"), "\(line)")
        #expect(!(result.stdout + result.stderr).contains(wrong))
    }

    @Test(arguments: [
        (
            ", proxySecretRef: {name: proxy}", ["address": "ftp://127.0.0.1:1080"],
            "GitRepository flux-system/fleet: invalid proxy secret 'proxy': address must be an http, https or socks5 URL, not 'ftp'"
        ),
        (
            ", secretRef: {name: app}", ["tls.crt": "x"],
            "GitRepository flux-system/fleet: secret 'app': tls.crt and tls.key must be given together"
        ),
        (
            ", proxySecretRef: {name: proxy}", ["username": "u"],
            "GitRepository flux-system/fleet: invalid proxy secret 'proxy': key 'address' is missing"
        ),
        (
            ", secretRef: {name: app}", ["githubAppID": "1", "githubAppPrivateKey": "x"],
            "GitRepository flux-system/fleet: secretRef 'flux-system/app' has github app data but provider is not set to github"
        ),
        (
            ", provider: azure", [:],
            "GitRepository flux-system/fleet: provider 'azure' (workload identity for Git) is not supported by imagebot yet"
        ),
    ])
    func refusedSettingsAreOneLine(_ gitSpec: String, _ secret: [String: String], _ expected: String) throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = secret["tls.crt"] == nil ? "http://127.0.0.1:9/remote.git" : "https://127.0.0.1:9/remote.git"
        let fleet = try Fleet(registry: registry, root: root, gitURL: url, gitSpec: gitSpec)
        let name = gitSpec.contains("secretRef: {name: app}") ? "app" : "proxy"
        if !secret.isEmpty { try fleet.writeSecret(name: name, secret.mapValues { Data($0.utf8) }) }
        let seed = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])
        let result = try ImagebotBinary.run(fleet.runArguments)
        let line = try expectFailedWithoutPush(result, fleet: fleet, seed: seed)
        #expect(line.contains(expected), "\(line)")
    }
}
