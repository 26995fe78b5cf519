import Foundation
import TestServers
import Testing

/// Git over HTTP(S) through imagebot's libcurl subtransport, end to end against real servers
/// on loopback: stunnel for TLS (a private CA, mutual TLS), tinyproxy (HTTP proxy, CONNECT
/// for https), dante (SOCKS5) and a server that never answers (the GitRepository timeout).
@Suite("imagebot run --once: Git over HTTPS, proxies and timeouts", .serialized)
struct GitTransportTests {
    /// A registry with a newer tag, the workspace and a Basic-auth smart-HTTP Git server.
    struct Setup {
        let registry: LocalRegistry
        let root: URL
        let server: HTTPGitServer

        init() throws {
            registry = try LocalRegistry()
            try registry.push("acme/app", ["1.0.0", "1.1.0"])
            root = try makeWorkspace()
            server = try HTTPGitServer(root: root.path, user: "bot", password: "git-pw-1")
        }

        func fleet(url: String, gitSpec: String = "", secret: [String: Data] = [:]) throws -> (Fleet, String) {
            let fleet = try Fleet(registry: registry, root: root, gitURL: url, secretRef: "git-auth", gitSpec: gitSpec)
            try fleet.writeSecret(
                name: "git-auth",
                ["username": Data("bot".utf8), "password": Data("git-pw-1".utf8)].merging(secret) { $1 })
            return (fleet, try git(["--git-dir", fleet.remote.path, "rev-parse", "main"]))
        }

        func stop() {
            server.stop()
            try? FileManager.default.removeItem(at: root)
        }
    }

    @Test(.enabled(if: TLSFront.available, "stunnel4 is installed by make deps"))
    func mutualTLSPushesWithTheClientCertificate() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let front = try TLSFront(backendPort: setup.server.port, requireClientCertificate: true)
        defer { front.stop() }
        let url = "https://127.0.0.1:\(front.port)/remote.git"
        let (fleet, seed) = try setup.fleet(
            url: url,
            secret: [
                "ca.crt": try front.pem("ca.crt"), "tls.crt": try front.pem("client.crt"),
                "tls.key": try front.pem("client.key"),
            ])
        let result = try ImagebotBinary.run(fleet.runArguments)
        try expectPushedUpdate(result, fleet: fleet, registry: setup.registry, seed: seed)
        #expect(front.log.contains("CN=imagebot client"), "\(front.log)")
        #expect(!(result.stdout + result.stderr).contains("git-pw-1"))
    }

    @Test(.enabled(if: TLSFront.available, "stunnel4 is installed by make deps"))
    func mutualTLSWithoutAClientCertificateIsOneCertificateLine() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let front = try TLSFront(backendPort: setup.server.port, requireClientCertificate: true)
        defer { front.stop() }
        let url = "https://127.0.0.1:\(front.port)/remote.git"
        let (fleet, seed) = try setup.fleet(url: url, secret: ["ca.crt": try front.pem("ca.crt")])
        let result = try ImagebotBinary.run(fleet.runArguments)
        let line = try expectFailedWithoutPush(result, fleet: fleet, seed: seed)
        #expect(line.contains(url) && line.contains("TLS failed"), "\(line)")
        #expect(!(result.stdout + result.stderr).contains("git-pw-1"))
    }

    @Test(.enabled(if: TLSFront.available, "stunnel4 is installed by make deps"))
    func aPrivateCAIsTrustedFromCACrtOnly() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let front = try TLSFront(backendPort: setup.server.port, requireClientCertificate: false)
        defer { front.stop() }
        let url = "https://127.0.0.1:\(front.port)/remote.git"

        let (untrusting, seed) = try setup.fleet(url: url)
        let refused = try ImagebotBinary.run(untrusting.runArguments)
        let line = try expectFailedWithoutPush(refused, fleet: untrusting, seed: seed)
        #expect(line.contains(url) && line.contains("TLS failed") && line.contains("certificate"), "\(line)")

        try untrusting.writeSecret(
            name: "git-auth",
            [
                "username": Data("bot".utf8), "password": Data("git-pw-1".utf8), "ca.crt": try front.pem("ca.crt"),
            ])
        let result = try ImagebotBinary.run(untrusting.runArguments)
        try expectPushedUpdate(result, fleet: untrusting, registry: setup.registry, seed: seed)
    }

    @Test(.enabled(if: TLSFront.available && HTTPProxy.available, "stunnel4 and tinyproxy are installed by make deps"))
    func anHTTPSRemoteThroughAnHTTPProxyUsesCONNECT() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let front = try TLSFront(backendPort: setup.server.port, requireClientCertificate: false)
        defer { front.stop() }
        let proxy = try HTTPProxy(user: "squid", password: "proxy-pw-3")
        defer { proxy.stop() }
        let (fleet, seed) = try setup.fleet(
            url: "https://127.0.0.1:\(front.port)/remote.git", gitSpec: ", proxySecretRef: {name: proxy}",
            secret: ["ca.crt": try front.pem("ca.crt")])
        try fleet.writeSecret(
            name: "proxy",
            [
                "address": Data(proxy.address.utf8), "username": Data("squid".utf8),
                "password": Data("proxy-pw-3".utf8),
            ])
        let result = try ImagebotBinary.run(fleet.runArguments)
        try expectPushedUpdate(result, fleet: fleet, registry: setup.registry, seed: seed)
        #expect(proxy.log.contains("CONNECT 127.0.0.1:\(front.port)"), "\(proxy.log)")
        #expect(!(result.stdout + result.stderr).contains("proxy-pw-3"))
    }

    @Test(
        .enabled(if: SOCKSProxy.available, "dante-server is installed by make deps"), arguments: ["socks5", "socks5h"])
    func pushesThroughASOCKS5Proxy(_ scheme: String) throws {
        let setup = try Setup()
        defer { setup.stop() }
        let proxy = try SOCKSProxy()
        defer { proxy.stop() }
        let (fleet, seed) = try setup.fleet(
            url: setup.server.url("remote.git"), gitSpec: ", proxySecretRef: {name: proxy}")
        try fleet.writeSecret(name: "proxy", ["address": Data("\(scheme)://127.0.0.1:\(proxy.port)".utf8)])
        let result = try ImagebotBinary.run(fleet.runArguments)
        try expectPushedUpdate(result, fleet: fleet, registry: setup.registry, seed: seed)
        // dante logs each relayed connection with the target as host.port.
        #expect(proxy.log.contains("127.0.0.1.\(setup.server.port)"), "\(proxy.log)")
    }

    @Test func aServerThatNeverAnswersFailsAtTheGitRepositoryTimeout() throws {
        let setup = try Setup()
        defer { setup.stop() }
        let silent = try SilentServer()
        defer { silent.stop() }
        let (fleet, seed) = try setup.fleet(url: "http://127.0.0.1:\(silent.port)/remote.git", gitSpec: ", timeout: 2s")
        let started = Date()
        let result = try ImagebotBinary.run(fleet.runArguments)
        let elapsed = Date().timeIntervalSince(started)
        let line = try expectFailedWithoutPush(result, fleet: fleet, seed: seed)
        #expect(line.contains("timed out: the GitRepository's timeout of 2s passed"), "\(line)")
        #expect(elapsed < 15, "took \(elapsed) s")
    }
}
