import Foundation
import Registry
import TestServers
import Testing

@testable import CloudIdentity

/// Installation tokens against a loopback GitHub API that verifies the app JWT with PyJWT.
@Suite(
    .enabled(if: IdentityFixture.hasPyJWT, "python3 cannot import jwt: pip install 'pyjwt[crypto]'"),
    .enabled(if: IdentityFixture.hasOpenSSL, "openssl is not installed"))
struct GitHubAppTokensTests {
    static let installationToken = "ghs_loopback0123456789abcdef"

    /// A fake API for app 123, installation 456 of owner `acme` (an organization unless
    /// `ownerKind` says user), under `prefix`.
    func withAPI(
        key: IdentityFixture.RSAKey, ownerKind: String = "org", prefix: String = "",
        _ body: (FakeTokenService, ServiceControl) async throws -> Void
    ) async throws {
        let api = try FakeTokenService(
            script: "fake-github-api.py",
            arguments: [
                "--public-key", key.publicKeyPath, "--app-id", "123", "--installation-id", "456", "--owner", "acme",
                "--owner-kind", ownerKind, "--token", Self.installationToken, "--prefix", prefix,
            ])
        defer { api.stop() }
        try await body(api, ServiceControl(service: api))
    }

    @Test("a token is minted with a JWT PyJWT accepts", arguments: [true, false])
    func tokenMinted(pkcs1: Bool) async throws {
        let key = try IdentityFixture.rsaKey(pkcs1: pkcs1)
        try await withAPI(key: key) { (api, control) async throws in
            let app = GitHubApp(appID: 123, installation: .id(456), privateKeyPEM: key.privatePEM, baseURL: api.baseURL)
            let token = try await GitHubAppTokens().token(for: app)
            #expect(token == Self.installationToken)
            #expect(try await control.rejections() == [])
            #expect(try await control.count("access_tokens") == 1)
            #expect(try await control.count("installation_lookups") == 0)
        }
    }

    @Test(
        "the installation is looked up from its owner: organization, then user", arguments: [("org", 1), ("user", 2)])
    func installationFromOwner(kind: String, lookups: Int) async throws {
        let key = try IdentityFixture.rsaKey()
        try await withAPI(key: key, ownerKind: kind) { (api, control) async throws in
            let app = GitHubApp(
                appID: 123, installation: .owner("acme"), privateKeyPEM: key.privatePEM, baseURL: api.baseURL)
            #expect(try await GitHubAppTokens().token(for: app) == Self.installationToken)
            #expect(try await control.count("installation_lookups") == lookups)
            #expect(try await control.rejections() == [])
        }
    }

    @Test func tokensAreCachedUntilNearExpiry() async throws {
        let key = try IdentityFixture.rsaKey()
        try await withAPI(key: key) { (api, control) async throws in
            let tokens = GitHubAppTokens()
            let app = GitHubApp(
                appID: 123, installation: .owner("acme"), privateKeyPEM: key.privatePEM, baseURL: api.baseURL)
            for _ in 0..<3 { #expect(try await tokens.token(for: app) == Self.installationToken) }
            #expect(try await control.count("access_tokens") == 1)
            #expect(try await control.count("installation_lookups") == 1)
            tokens.removeAll()
            _ = try await tokens.token(for: app)
            #expect(try await control.count("access_tokens") == 2)
        }
    }

    @Test("GitHub Enterprise: requests go under the base URL's /api/v3 as given")
    func enterpriseBaseURL() async throws {
        let key = try IdentityFixture.rsaKey()
        try await withAPI(key: key, prefix: "/api/v3") { (api, control) async throws in
            let app = GitHubApp(
                appID: 123, installation: .id(456), privateKeyPEM: key.privatePEM, baseURL: api.baseURL + "/api/v3/")
            #expect(try await GitHubAppTokens().token(for: app) == Self.installationToken)
            #expect(try await control.count("access_tokens") == 1)
        }
    }

    /// A failure: what to change, the mode, and what the one-line message must contain.
    struct Failure: Sendable, CustomTestStringConvertible {
        var name: String
        var appID: Int64 = 123
        var installation: GitHubApp.Installation = .id(456)
        var mode = "none"
        var code: IdentityError.Code
        var contains: String
        var testDescription: String { name }
    }

    static let failures: [Failure] = [
        Failure(
            name: "wrong app id", appID: 999, code: .serviceError,
            contains: "(401): A JSON web token could not be decoded"),
        Failure(
            name: "unknown installation id", installation: .id(457), code: .serviceError,
            contains: "installation token request to 127.0.0.1"),
        Failure(
            name: "no installation for the owner", installation: .owner("nobody"), code: .serviceError,
            contains: "app 123 has no installation for owner 'nobody' at 127.0.0.1"),
        Failure(name: "API error", mode: "server-error", code: .serviceError, contains: "failed (500): Server Error"),
    ]

    @Test("failures are one clear line without the JWT, key or token", arguments: failures)
    func failure(_ failure: Failure) async throws {
        let key = try IdentityFixture.rsaKey()
        try await withAPI(key: key) { (api, control) async throws in
            try await control.setMode(failure.mode)
            let app = GitHubApp(
                appID: failure.appID, installation: failure.installation, privateKeyPEM: key.privatePEM,
                baseURL: api.baseURL)
            let error = await #expect(throws: IdentityError.self) { try await GitHubAppTokens().token(for: app) }
            #expect(error?.code == failure.code)
            #expect(error?.message.contains(failure.contains) == true, "\(error?.message ?? "")")
            let keyBody = String(decoding: key.privatePEM, as: UTF8.self).split(separator: "\n")[1]
            #expect(
                error.map {
                    isCleanMessage(
                        $0, prefix: "GitHub App: ", secrets: [Self.installationToken, String(keyBody), "eyJ"])
                } == true)
        }
    }

    @Test("the API checks the JWT: one from a clock 20 minutes slow has expired")
    func expiredJWTIsRefused() async throws {
        let key = try IdentityFixture.rsaKey()
        try await withAPI(key: key) { (api, control) async throws in
            let slow = GitHubAppTokens(http: HTTPClient(), now: { Date().addingTimeInterval(-1200) })
            let app = GitHubApp(appID: 123, installation: .id(456), privateKeyPEM: key.privatePEM, baseURL: api.baseURL)
            let error = await #expect(throws: IdentityError.self) { try await slow.token(for: app) }
            #expect(error?.message.contains("(401)") == true)
            #expect(try await control.rejections().first?.contains("expired") == true)
        }
    }

    @Test("an unreachable API is a transport error naming the host")
    func unreachable() async throws {
        let key = try IdentityFixture.rsaKey()
        let app = GitHubApp(
            appID: 1, installation: .id(2), privateKeyPEM: key.privatePEM,
            baseURL: "http://127.0.0.1:\(try freeLocalPort())")
        let error = await #expect(throws: IdentityError.self) { try await GitHubAppTokens().token(for: app) }
        #expect(error?.code == .transport)
        #expect(error?.message.hasPrefix("GitHub App: installation token request to 127.0.0.1:") == true)
    }

    @Test(
        "the minted token authenticates git over HTTPS as x-access-token",
        .enabled(if: IdentityFixture.hasGit, "git is not installed"))
    func tokenWorksForGit() async throws {
        let key = try IdentityFixture.rsaKey()
        let dir = try IdentityFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": dir.path,
            "GIT_CONFIG_NOSYSTEM": "1",
        ]
        let work = dir.appendingPathComponent("work").path
        let root = dir.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for step in [
            ["git", "init", "-q", "-b", "main", work],
            [
                "git", "-C", work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q",
                "--allow-empty", "-m", "seed",
            ],
            ["git", "clone", "-q", "--bare", work, root.appendingPathComponent("fleet.git").path],
        ] {
            let result = try IdentityFixture.run(step, environment: env)
            try #require(result.status == 0, "\(step): \(result.output)")
        }
        // The password comes from GIT_ASKPASS, so it is on no command line.
        let askpass = dir.appendingPathComponent("askpass.sh")
        try "#!/bin/sh\ncase \"$1\" in Username*) echo x-access-token ;; *) echo \"$TEST_GIT_PASSWORD\" ;; esac\n"
            .write(to: askpass, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: askpass.path)

        try await withAPI(key: key) { (api, _) async throws in
            // The path Automation takes: the Secret's bytes in, Git credentials out.
            let secretData: [String: [UInt8]] = [
                "githubAppID": Array("123".utf8), "githubAppInstallationOwner": Array("acme".utf8),
                "githubAppPrivateKey": key.privatePEM, "githubAppBaseURL": Array(api.baseURL.utf8),
            ]
            let (username, token) = try await GitHubAppTokens().gitCredentials(
                secretData: secretData, secret: "flux-system/github-app")
            #expect(username == "x-access-token")
            let git = try HTTPGitServer(root: root.path, user: username, password: token)
            defer { git.stop() }
            func lsRemote(password: String) throws -> (status: Int32, output: String) {
                try IdentityFixture.run(
                    ["git", "ls-remote", git.url("fleet.git")],
                    environment: env.merging([
                        "GIT_ASKPASS": askpass.path, "GIT_TERMINAL_PROMPT": "0", "TEST_GIT_PASSWORD": password,
                    ]) { $1 })
            }
            let accepted = try lsRemote(password: token)
            #expect(accepted.status == 0, "\(accepted.output)")
            #expect(accepted.output.contains("refs/heads/main"))
            #expect(try lsRemote(password: "ghs_wrong").status != 0)
        }
    }
}
