import Foundation
import Registry
import TestServers
import Testing

@testable import CloudIdentity

/// GCP logins against a loopback metadata server (GCE_METADATA_HOST) that checks the header
/// and scopes.
@Suite struct GCPRegistryLoginTests {
    static let token = "ya29.loopback-access-token"

    func withMetadata(_ body: (FakeTokenService, ServiceControl) async throws -> Void) async throws {
        let service = try FakeTokenService(
            script: "fake-gcp-metadata.py", arguments: ["--token", Self.token, "--expires-in", "3599"])
        defer { service.stop() }
        try await body(service, ServiceControl(service: service))
    }

    @Test("an access token for oauth2accesstoken, one request per lifetime and registry")
    func loginAndCache() async throws {
        try await withMetadata { (service, control) async throws in
            let identity = RegistryIdentity(
                environment: IdentityFixture.environment(["GCE_METADATA_HOST": "127.0.0.1:\(service.port)"]))
            for _ in 0..<3 {
                let credentials = try await identity.credentials(for: "europe-docker.pkg.dev", provider: .gcp)
                #expect(credentials == .basic(username: "oauth2accesstoken", password: Self.token))
            }
            #expect(try await control.count("token") == 1)
            #expect(try await control.rejections() == [])
            _ = try await identity.credentials(for: "gcr.io", provider: .gcp)
            #expect(try await control.count("token") == 2)
        }
    }

    @Test func lifetimeIsExpiresIn() async throws {
        try await withMetadata { (service, _) async throws in
            let login = GCPRegistryLogin(
                http: HTTPClient(),
                environment: IdentityFixture.environment(["GCE_METADATA_HOST": "127.0.0.1:\(service.port)"]))
            let (_, lifetime) = try await login.login(registry: "gcr.io")
            #expect(lifetime == .seconds(3599))
        }
    }

    @Test("a metadata server error is one line with the status and its text")
    func serviceError() async throws {
        try await withMetadata { (service, control) async throws in
            try await control.setMode("error")
            let login = GCPRegistryLogin(
                http: HTTPClient(),
                environment: IdentityFixture.environment(["GCE_METADATA_HOST": "127.0.0.1:\(service.port)"]))
            let error = await #expect(throws: IdentityError.self) { try await login.login(registry: "gcr.io") }
            #expect(error?.code == .serviceError)
            #expect(
                error?.message
                    == "GCP: metadata server token request to 127.0.0.1:\(service.port) failed (500): Internal Server Error: the service account has no token"
            )
        }
    }

    @Test("no metadata server: noCredentials naming GCE_METADATA_HOST")
    func unreachable() async throws {
        let login = GCPRegistryLogin(
            http: HTTPClient(),
            environment: IdentityFixture.environment(["GCE_METADATA_HOST": "127.0.0.1:\(try freeLocalPort())"]))
        let error = await #expect(throws: IdentityError.self) { try await login.login(registry: "gcr.io") }
        #expect(error?.code == .noCredentials)
        #expect(
            error.map { isCleanMessage($0, prefix: "GCP: metadata server token request to 127.0.0.1:", secrets: []) }
                == true)
        #expect(error?.message.contains("GCE_METADATA_HOST") == true)
    }

    @Test func credentialFilesAreRefusedNotIgnored() async throws {
        let login = GCPRegistryLogin(
            http: HTTPClient(),
            environment: IdentityFixture.environment(["GOOGLE_APPLICATION_CREDENTIALS": "/var/run/key.json"]))
        let error = await #expect(throws: IdentityError.self) { try await login.login(registry: "gcr.io") }
        #expect(error?.code == .noCredentials)
    }

    @Test(
        "registries: Flux's GCP pattern",
        arguments: [
            ("gcr.io", true), ("eu.gcr.io", true), ("us-docker.pkg.dev", true), ("europe-west1-docker.pkg.dev", true),
            ("docker.s3nsregistry.fr", true), ("ghcr.io", false), ("docker.pkg.dev", false), ("-docker.pkg.dev", false),
            ("gcr.io.example.com", false), ("fleet.azurecr.io", false),
        ])
    func registries(registry: String, accepted: Bool) async throws {
        #expect(GCPRegistryLogin.isGoogleRegistry(registry) == accepted)
        if !accepted {
            let login = GCPRegistryLogin(http: HTTPClient(), environment: IdentityFixture.environment([:]))
            let error = await #expect(throws: IdentityError.self) { try await login.login(registry: registry) }
            #expect(error?.code == .unsupportedRegistry)
            #expect(
                error?.message.hasPrefix("GCP: invalid registry '\(registry)' for provider gcp: must be gcr.io") == true
            )
        }
    }
}
