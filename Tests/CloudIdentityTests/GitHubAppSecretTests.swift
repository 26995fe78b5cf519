import Testing

@testable import CloudIdentity

/// Flux's `githubApp*` Secret keys read into a `GitHubApp`, with Flux's messages.
@Suite(.enabled(if: IdentityFixture.hasOpenSSL, "openssl is not installed"))
struct GitHubAppSecretTests {
    static let key = try! IdentityFixture.rsaKey()

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var data: [String: String]
        /// The expected message, or nil for success.
        var error: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "no app data", data: ["username": "git"], error: GitHubApp.missingAppDataMessage),
        Case(
            name: "missing app id", data: ["githubAppInstallationID": "1", "githubAppPrivateKey": "KEY"],
            error: "secret 'flux-system/app': key 'githubAppID' not found"),
        Case(
            name: "missing key", data: ["githubAppID": "1", "githubAppInstallationID": "1"],
            error: "secret 'flux-system/app': key 'githubAppPrivateKey' not found"),
        Case(
            name: "neither owner nor installation", data: ["githubAppID": "1", "githubAppPrivateKey": "KEY"],
            error:
                "secret 'flux-system/app' must contain exactly one of 'githubAppInstallationOwner' or 'githubAppInstallationID'"
        ),
        Case(
            name: "both owner and installation",
            data: [
                "githubAppID": "1", "githubAppPrivateKey": "KEY", "githubAppInstallationID": "2",
                "githubAppInstallationOwner": "acme",
            ],
            error:
                "secret 'flux-system/app' must contain exactly one of 'githubAppInstallationOwner' or 'githubAppInstallationID'"
        ),
        Case(
            name: "app id with a newline (Flux parses strictly)",
            data: ["githubAppID": "1\n", "githubAppPrivateKey": "KEY", "githubAppInstallationID": "2"],
            error: "app ID must be provided to use github app authentication: 'githubAppID' is not a number"),
        Case(
            name: "installation id not a number",
            data: ["githubAppID": "1", "githubAppPrivateKey": "KEY", "githubAppInstallationID": "two"],
            error:
                "app installation owner or ID must be provided to use github app authentication: 'githubAppInstallationID' is not a number"
        ),
        Case(
            name: "malformed key",
            data: [
                "githubAppID": "1", "githubAppInstallationID": "2",
                "githubAppPrivateKey": "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----\n",
            ],
            error: "githubAppPrivateKey is not a valid RSA private key in PEM form"),
        Case(
            name: "base URL without a scheme",
            data: [
                "githubAppID": "1", "githubAppPrivateKey": "KEY", "githubAppInstallationID": "2",
                "githubAppBaseURL": "github.example.com",
            ],
            error: "'githubAppBaseURL' must be an http(s) URL, e.g. https://github.example.com/api/v3"),
        Case(
            name: "by installation id",
            data: ["githubAppID": "123", "githubAppPrivateKey": "KEY", "githubAppInstallationID": "456"]),
        Case(
            name: "by owner on GitHub Enterprise",
            data: [
                "githubAppID": "123", "githubAppPrivateKey": "KEY", "githubAppInstallationOwner": "acme",
                "githubAppBaseURL": "https://ghe.example.com/api/v3/",
            ]),
    ]

    @Test(arguments: cases)
    func secret(_ testCase: Case) throws {
        let keyText = String(decoding: Self.key.privatePEM, as: UTF8.self)
        var data: [String: [UInt8]] = [:]
        for (name, value) in testCase.data { data[name] = Array((value == "KEY" ? keyText : value).utf8) }
        if let expected = testCase.error {
            let error = #expect(throws: IdentityError.self) {
                try GitHubApp(secretData: data, secret: "flux-system/app")
            }
            #expect(error?.message == expected)
        } else {
            let app = try GitHubApp(secretData: data, secret: "flux-system/app")
            #expect(app.appID == 123)
            #expect(app.privateKeyPEM == Self.key.privatePEM)
            if data["githubAppBaseURL"] == nil {
                #expect(app.installation == .id(456))
                #expect(app.baseURL == "https://api.github.com")
            } else {
                #expect(app.installation == .owner("acme"))
                #expect(app.baseURL == "https://ghe.example.com/api/v3")
            }
            // Nothing prints the key.
            let keyLine = String(keyText.split(separator: "\n")[1])
            for text in [
                "\(app)", String(reflecting: app),
                {
                    var s = ""
                    dump(app, to: &s)
                    return s
                }(),
            ] {
                #expect(!text.contains(keyLine))
            }
        }
    }

    @Test func providerNotGitHubMessageIsFlux() {
        #expect(
            GitHubApp.providerNotGitHubMessage(secret: "apps/git-auth")
                == "secretRef 'apps/git-auth' has github app data but provider is not set to github: invalid source configuration"
        )
        #expect(GitHubApp.hasAppID(["githubAppID": Array("1".utf8)]))
        #expect(!GitHubApp.hasAppID(["githubAppID": [], "githubAppPrivateKey": [1]]))
    }

    @Test func smallKeysAreRefused() throws {
        let small = try IdentityFixture.rsaKey(bits: 1024)
        let error = #expect(throws: IdentityError.self) {
            try GitHubApp(
                secretData: [
                    "githubAppID": Array("1".utf8), "githubAppInstallationID": Array("2".utf8),
                    "githubAppPrivateKey": small.privatePEM,
                ],
                secret: "a/b")
        }
        #expect(error?.code == .invalidCredentials)
    }
}
