import Foundation
import Testing

@testable import Registry

private let alice = RegistryCredentials.basic(username: "alice", password: "s3cret")

/// Token and Basic auth against `scripts/fake_registry.py`.
@Suite("Auth flows (fake registry)")
struct AuthFlowTests {
    @Test func bearerTokenWithBasicCredentialsIsFetchedOnceAndCached() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let logs = LogCapture()
        let client = RegistryClient(logger: logs.logger())
        let options = RegistryOptions(credentials: alice)
        #expect(try await client.listTags(server.reference("token"), options: options) == ["v1", "v2", "v3"])
        #expect(try await client.listTags(server.reference("token"), options: options) == ["v1", "v2", "v3"])
        let stats = try await server.stats()
        #expect(stats["token:repository:token/app:pull"] == 1)
        #expect(stats["token:tags/list"] == 3)  // 401, 200 with the new token, 200 with the cached one
        #expect(logs.all.contains { $0.contains("registry token fetched") })
        #expect(!logs.all.contains { $0.contains("s3cret") || $0.contains("tok-") })
    }

    @Test func anonymousTokenAndAccessTokenField() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let client = RegistryClient()
        #expect(try await client.listTags(server.reference("tokenanon")) == ["v1", "v2", "v3"])
        #expect(
            try await client.listTags(server.reference("tokenaccess"), options: RegistryOptions(credentials: alice))
                .count == 3)
    }

    @Test func tokensAreSeparatedByCredentials() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let client = RegistryClient()
        _ = try await client.listTags(server.reference("token"), options: RegistryOptions(credentials: alice))
        // Another identity must not reuse alice's token: it goes to the token endpoint and fails.
        let error = await #expect(throws: RegistryError.self) {
            _ = try await client.listTags(
                server.reference("token"),
                options: RegistryOptions(credentials: .basic(username: "mallory", password: "guess")))
        }
        #expect(error?.code == .unauthorized)
    }

    @Test func wrongCredentialsAtTokenEndpoint() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(
                server.reference("token"),
                options: RegistryOptions(credentials: .basic(username: "alice", password: "wrong-pw")))
        }
        #expect(error?.code == .unauthorized)
        #expect(
            error?.description.hasPrefix(
                "\(server.origin)/token/app: token request failed: 401 unauthorized: bad credentials (GET http://\(server.origin)/token)"
            ) == true)
        #expect(error?.description.contains("wrong-pw") == false)
    }

    @Test func tokenExpiryForcesANewToken() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let clock = ManualClock()
        let client = RegistryClient(tokens: TokenCache(now: clock.now))
        let options = RegistryOptions(credentials: alice)
        _ = try await client.listTags(server.reference("tokenshort"), options: options)  // expires_in: 1
        _ = try await client.listTags(server.reference("tokenshort"), options: options)
        #expect(try await server.stats()["token:repository:tokenshort/app:pull"] == 1)  // still fresh
        clock.advance(by: .milliseconds(1500))
        _ = try await client.listTags(server.reference("tokenshort"), options: options)
        #expect(try await server.stats()["token:repository:tokenshort/app:pull"] == 2)
    }

    @Test func identityTokenUsesOAuth2RefreshAndFallsBackToGet() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let client = RegistryClient()
        let options = RegistryOptions(credentials: .identityToken("refresh-123"))
        #expect(try await client.listTags(server.reference("oauth"), options: options).count == 3)
        #expect(try await client.listTags(server.reference("oauth404"), options: options).count == 3)
        let stats = try await server.stats()
        #expect(stats["oauth404:post"] == 1)
        #expect(stats["oauth404:get"] == 1)
        let bad = await #expect(throws: RegistryError.self) {
            _ = try await client.listTags(
                server.reference("oauth"), options: RegistryOptions(credentials: .identityToken("nope")))
        }
        #expect(bad?.code == .unauthorized)
    }

    @Test func basicChallengeIsRememberedPerRegistry() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let client = RegistryClient()
        let options = RegistryOptions(credentials: alice)
        _ = try await client.listTags(server.reference("basic"), options: options)
        _ = try await client.listTags(server.reference("basic"), options: options)
        #expect(try await server.stats()["basic:tags/list"] == 3)  // 401, 200, then Basic up front

        let anonymous = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference("basic"))
        }
        #expect(anonymous?.code == .unauthorized)
    }
}
