import Basics
import Foundation
import Testing

@testable import Registry

extension DockerConfig {
    /// Resolves with helpers from `testdata/registry` (`docker-credential-imagebot-fake`), not PATH.
    func resolve(_ image: String, timeout: Double = 10) async throws -> RegistryCredentials {
        try await resolveCredentials(
            for: ImageReference(parsing: image), helperTimeout: timeout, helperDirectory: PackagePaths.testdata)
    }
}

private func load(_ name: String) throws -> DockerConfig {
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: PackagePaths.testdata + "/" + name)))
    return try DockerConfig(json: bytes)
}

@Suite("Docker config keychain")
struct DockerConfigTests {
    /// (image, expected credentials) for `dockerconfigjson-mixed.json`; flux-compat §2.7.
    static let matching: [(String, RegistryCredentials?)] = [
        ("alpine", .basic(username: "hub-user", password: "hub-pass")),
        ("docker.io/x/y", .basic(username: "hub-user", password: "hub-pass")),  // key docker.io never matches Hub
        ("registry.example.com/team/app", .basic(username: "app", password: "p-app")),  // most specific first
        ("registry.example.com/team/other", .basic(username: "team", password: "p-team")),
        ("registry.example.com/teamx/app", .basic(username: "team", password: "p-team")),  // plain prefix, as in Flux
        ("registry.example.com/other", .basic(username: "host", password: "p-host")),
        ("registry.example.com:5000/x", .basic(username: "port", password: "p-port")),  // ports must be equal
        ("registry.example.com:5001/x", nil),
        ("a.corp.example.com/x", .basic(username: "glob", password: "p-glob")),
        ("a.b.corp.example.com/x", nil),  // label counts differ
        ("corp.example.com/x", nil),
        ("ghcr.io/org/app", .identityToken("id-token-1")),  // /v2/ path prefix stripped
        ("quay.io/x/y", .registryToken("reg-token-1")),
        ("empty.example.com/x", nil),
        ("other.io/x", nil),
    ]

    @Test(arguments: matching)
    func matches(_ image: String, _ expected: RegistryCredentials?) throws {
        let config = try load("dockerconfigjson-mixed.json")
        #expect(config.credentials(for: try ImageReference(parsing: image)) == expected)
    }

    @Test func dockerIOKeyAloneDoesNotMatchHub() throws {
        let config = try DockerConfig(json: Array(#"{"auths":{"docker.io":{"auth":"dTpw"}}}"#.utf8))
        #expect(config.credentials(for: try ImageReference(parsing: "alpine")) == nil)
        let index = try DockerConfig(json: Array(#"{"auths":{"index.docker.io":{"auth":"dTpw"}}}"#.utf8))
        #expect(index.credentials(for: try ImageReference(parsing: "alpine")) == .basic(username: "u", password: "p"))
    }

    @Test func legacyDockercfg() throws {
        let config = try load("dockercfg-legacy.json")
        #expect(
            config.credentials(for: try ImageReference(parsing: "alpine"))
                == .basic(username: "legacy", password: "legacy-pass"))
        #expect(
            config.credentials(for: try ImageReference(parsing: "legacy.example.com/a"))
                == .basic(username: "u", password: "p"))
    }

    @Test func mergingSecretsPrefersTheMostSpecificKeyThenTheFirstSecret() throws {
        let secret = try DockerConfig(json: Array(#"{"auths":{"r.io":{"username":"s1","password":"p"}}}"#.utf8))
        let pull1 = try DockerConfig(json: Array(#"{"auths":{"r.io/team":{"username":"s2","password":"p"}}}"#.utf8))
        let pull2 = try DockerConfig(json: Array(#"{"auths":{"r.io":{"username":"s3","password":"p"}}}"#.utf8))
        let merged = DockerConfig(merging: [secret, pull1, pull2])
        #expect(
            merged.credentials(for: try ImageReference(parsing: "r.io/team/app"))
                == .basic(username: "s2", password: "p"))
        #expect(
            merged.credentials(for: try ImageReference(parsing: "r.io/other")) == .basic(username: "s1", password: "p"))
    }

    static let broken: [(String, String)] = [
        ("[1,2]", "docker config is neither {\"auths\":{…}} nor a dockercfg map"),
        (
            #"{"auths":{"r.io":{"auth":"%%%not-base64"}}}"#,
            "docker config entry 'r.io': 'auth' is not base64 of user:password"
        ),
        (
            #"{"auths":{"r.io":{"auth":"bm9jb2xvbg=="}}}"#,
            "docker config entry 'r.io': 'auth' is not base64 of user:password"
        ),
    ]

    @Test(arguments: broken)
    func rejectsBrokenConfigs(_ json: String, _ messagePrefix: String) {
        let error = #expect(throws: RegistryError.self) { try DockerConfig(json: Array(json.utf8)) }
        #expect(error?.code == .credentials)
        #expect(error?.message.hasPrefix(messagePrefix) == true)
        #expect(error?.message.contains("not-base64") == false)
    }

    @Test func credentialHelpers() async throws {
        let mixed = try load("dockerconfigjson-mixed.json")
        #expect(
            try await mixed.resolve("helped.example.com/x")
                == .basic(username: "helper-user", password: "helper-secret"))
        // auths still win over credsStore:
        #expect(try await mixed.resolve("quay.io/x") == .registryToken("reg-token-1"))
        // credsStore "desktop" is not installed: a clear error, not silent anonymity.
        let missing = await #expect(throws: RegistryError.self) {
            _ = try await mixed.resolve("other.io/x")
        }
        #expect(missing?.message.hasPrefix("credential helper docker-credential-desktop: cannot start") == true)

        let store = try DockerConfig(json: Array(#"{"auths":{},"credsStore":"imagebot-fake"}"#.utf8))
        #expect(try await store.resolve("token.example.com/x") == .identityToken("refresh-xyz"))
        #expect(try await store.resolve("unknown.example.com/x") == .anonymous)
        let garbage = await #expect(throws: RegistryError.self) {
            _ = try await store.resolve("garbage.example.com/x")
        }
        #expect(
            garbage?.message
                == #"credential helper docker-credential-imagebot-fake: output is not {"Username","Secret"} JSON"#)
        let start = ContinuousClock.now
        let slow = await #expect(throws: RegistryError.self) {
            _ = try await store.resolve("slow.example.com/x", timeout: 0.5)
        }
        #expect(slow?.message == "credential helper docker-credential-imagebot-fake: timed out after 0.5s")
        #expect(ContinuousClock.now - start < .seconds(15), "the helper sleeps 30 s")
    }

    @Test func secretsAreRedacted() throws {
        let creds = RegistryCredentials.basic(username: "alice", password: "hunter2")
        var dumped = ""
        dump(creds, to: &dumped)
        var options = RegistryOptions(credentials: creds)
        options.clientKeyPEM = Array("-----BEGIN PRIVATE KEY----- hunter2".utf8)
        options.proxy = ProxySettings(url: "http://proxy:3128", username: "u", password: "hunter2")
        dump(options, to: &dumped)
        dump(try load("dockerconfigjson-mixed.json"), to: &dumped)
        for text in [
            "\(creds)", String(reflecting: creds), dumped,
            "\(RegistryCredentials.identityToken("hunter2"))", "\(RegistryCredentials.registryToken("hunter2"))",
            "\(ProxySettings(url: "http://u:hunter2@proxy:3128", username: "u", password: "hunter2"))",
            "\(try load("dockerconfigjson-mixed.json"))", "\(options)", String(reflecting: options),
        ] {
            #expect(!text.contains("hunter2"), "leaked in \(text)")
            #expect(!text.contains("p-team"), "leaked in \(text)")
        }
    }
}
