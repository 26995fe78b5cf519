import Foundation
import Synchronization
import Testing

@testable import Registry

/// go-containerregistry's scheme rule for hosts Flux may reach over plain HTTP, and registries
/// that refuse the tag page size.
@Suite("scheme probing and page sizes")
struct SchemeAndPageSizeTests {
    @Test("a TLS-only registry on a loopback address is reached over verified HTTPS")
    func tlsOnLoopback() async throws {
        let server = try await DistributionRegistry(tls: true)
        defer { server.stop() }
        try await server.push("tls/app", tag: "v1")
        // What `ImageReference(parsing: "127.0.0.1:<port>/tls/app")` gives: a host that may be http.
        let ref = try ImageReference(parsing: "\(server.origin)/tls/app")
        #expect(ref.scheme == "http")
        var options = RegistryOptions()
        options.caCertificatePEM = try #require(server.certificates).caPEM
        let client = RegistryClient()
        #expect(try await client.listTags(ref, options: options) == ["v1"])
        #expect(client.schemes.withLock { $0[ref.registry] } == "https")
    }

    @Test("a TLS server whose certificate is not trusted is an error, never a fallback to plain HTTP")
    func untrustedCertificateIsNotDowngraded() async throws {
        let server = try await DistributionRegistry(tls: true)
        defer { server.stop() }
        let ref = try ImageReference(parsing: "\(server.origin)/tls/app", insecure: true)
        let error = await #expect(throws: RegistryError.self) { _ = try await RegistryClient().listTags(ref) }
        #expect(
            error?.description.contains("speaks TLS but its certificate is not trusted") == true,
            "\(String(describing: error))")
        #expect(error?.description.contains("spec.certSecretRef") == true)
    }

    @Test("a plain-HTTP registry on a loopback address is used over HTTP after the HTTPS handshake fails")
    func plainHTTPAfterHandshake() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let ref = try ImageReference(parsing: "\(server.origin)/flaky/app")
        let client = RegistryClient()
        #expect(try await client.listTags(ref) == ["v1", "v2", "v3"])
        #expect(client.schemes.withLock { $0[ref.registry] } == "http")
    }

    @Test("a refused page size (Quay's TOO_MANY_TAGS_REQUESTED) is replaced by the registry's maximum, once")
    func quayPageSize() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let ref = server.reference("quay")
        let client = RegistryClient()
        let expected = (0..<250).map(String.init)
        #expect(try await client.listTags(ref) == expected)
        #expect(try await client.listTags(ref) == expected)
        #expect(try await server.stats()["quay:refused"] == 1)
    }

    @Test(arguments: [
        (
            413,
            #"{"errors":[{"code":"TOO_MANY_TAGS_REQUESTED","message":"requested limit 1000 is too high, max is 100"}]}"#,
            Int??.some(100)
        ),
        (400, #"{"errors":[{"code":"TOO_MANY_TAGS_REQUESTED","message":"too many"}]}"#, Int??.some(nil)),
        (413, #"{"errors":[{"code":"SIZE_INVALID"}]}"#, Int??.none),
        (404, #"TOO_MANY_TAGS_REQUESTED"#, Int??.none),
    ])
    func allowedPageSize(_ status: Int, _ body: String, _ expected: Int??) {
        let response = HTTPResponse(status: status, headers: [], body: Array(body.utf8), effectiveURL: "")
        #expect(RegistryClient.allowedPageSize(response) == expected)
    }
}
