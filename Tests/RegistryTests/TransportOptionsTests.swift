import Basics
import Foundation
import Testing

@testable import Registry

/// TLS (custom CA, mutual TLS) against `docker-registry`, proxies and `insecure` against the fake.
@Suite("TLS, proxy and scheme options")
struct TransportOptionsTests {
    @Test func customCAIsRequiredAndSufficient() async throws {
        let server = try await DistributionRegistry(tls: true)
        defer { server.stop() }
        let digest = try await server.push("tls/app", tag: "v1")
        let ref = server.reference("tls/app")
        #expect(ref.scheme == "https")
        let client = RegistryClient()

        // Not retried (verification failures are permanent): a retry would first wait 30 s.
        var noCA = RegistryOptions()
        noCA.retryBaseDelay = 30
        let start = ContinuousClock.now
        let error = await #expect(throws: RegistryError.self) { _ = try await client.listTags(ref, options: noCA) }
        #expect(error?.code == .transport)
        #expect(error?.curlError?.contains("SSL certificate problem") == true)
        #expect(ContinuousClock.now - start < .seconds(15))

        var options = RegistryOptions()
        options.caCertificatePEM = try #require(server.certificates).caPEM
        #expect(try await client.listTags(ref, options: options) == ["v1"])
        #expect(try await client.digest(of: ref, tag: "v1", options: options) == digest)
        // HTTP/2 is negotiated over TLS (CURL_HTTP_VERSION_2TLS).
        let raw = try await rawRequest("GET", "https://\(server.origin)/v2/", options: server.pushOptions)
        #expect(raw.httpVersion == 2)
    }

    @Test func mutualTLS() async throws {
        let server = try await DistributionRegistry(mutualTLS: true)
        defer { server.stop() }
        try await server.push("mtls/app", tag: "v1")
        let certs = try #require(server.certificates)
        let ref = server.reference("mtls/app")
        let client = RegistryClient()

        var caOnly = RegistryOptions()
        caOnly.caCertificatePEM = certs.caPEM
        caOnly.maxAttempts = 1
        let error = await #expect(throws: RegistryError.self) { _ = try await client.listTags(ref, options: caOnly) }
        #expect(error?.code == .transport)

        var full = caOnly
        full.clientCertificatePEM = certs.clientCertPEM
        full.clientKeyPEM = certs.clientKeyPEM
        #expect(try await client.listTags(ref, options: full) == ["v1"])
    }

    @Test func explicitProxyWithCredentials() async throws {
        let proxy = try await FakeRegistry.start()
        defer { proxy.stop() }
        // The host does not resolve: only the proxy can reach it (it serves the request itself).
        let ref = ImageReference(registry: "registry.invalid", repository: "flaky/app", scheme: "http")
        var options = RegistryOptions()
        options.retryBaseDelay = 0.01
        options.proxy = ProxySettings(
            url: "http://127.0.0.1:\(proxy.port)", username: "proxyuser", password: "proxypass")
        #expect(try await RegistryClient().listTags(ref, options: options) == ["v1", "v2", "v3"])
        #expect(try await proxy.stats()["proxied:registry.invalid"] == 3)

        options.proxy = ProxySettings(url: "http://127.0.0.1:\(proxy.port)", username: "proxyuser", password: "wrong")
        let error = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(ref, options: options)
        }
        #expect(error?.httpStatus == 407)
        #expect(error?.description.contains("wrong") == false)
    }

    @Test func insecureOptionForcesPlainHTTP() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let ref = ImageReference(registry: server.origin, repository: "nulltags/app", scheme: "https")
        var options = RegistryOptions()
        options.insecure = true
        #expect(try await RegistryClient().listTags(ref, options: options) == [])
    }
}
