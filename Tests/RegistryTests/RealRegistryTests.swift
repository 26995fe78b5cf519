import Foundation
import Testing

@testable import Registry

/// Against Debian's `docker-registry` (the CNCF distribution registry).
@Suite("Distribution registry")
struct RealRegistryTests {
    @Test("anonymous: list tags (also with a small page size) and read digests")
    func anonymous() async throws {
        let server = try await DistributionRegistry()
        defer { server.stop() }
        var pushed: [String: String] = [:]
        for tag in ["1.0.0", "1.1.0", "2.0.0-rc.1", "latest", "v3"] {
            pushed[tag] = try await server.push("team/app", tag: tag)
        }
        let logs = LogCapture()
        let client = RegistryClient(logger: logs.logger())
        let ref = server.reference("team/app")

        let tags = try await client.listTags(ref)
        #expect(tags.sorted() == pushed.keys.sorted())

        var small = RegistryOptions()
        small.tagPageSize = 2
        let paged = try await client.listTags(ref, options: small)
        #expect(paged == tags)
        // Debian's distribution 2.8.2 ignores `n` on tags/list (tag pagination arrived in
        // distribution v3), so it answers in one page; Link paging is covered by FaultTests.
        #expect(logs.all.contains { $0.contains("listed tags") && $0.contains(#""pages": 1"#) })

        for (tag, digest) in pushed {
            #expect(try await client.digest(of: ref, tag: tag) == digest)
        }
    }

    @Test("anonymous: missing repository and tag are notFound with the registry's error code")
    func missing() async throws {
        let server = try await DistributionRegistry()
        defer { server.stop() }
        try await server.push("present", tag: "v1")
        let client = RegistryClient()

        let e1 = await #expect(throws: RegistryError.self) {
            _ = try await client.listTags(server.reference("absent"))
        }
        #expect(e1?.code == .notFound)
        #expect(e1?.description.hasPrefix("\(server.origin)/absent: 404 name_unknown") == true)

        let e2 = await #expect(throws: RegistryError.self) {
            _ = try await client.digest(of: server.reference("present"), tag: "nope")
        }
        #expect(e2?.code == .notFound)
    }

    @Test("htpasswd Basic auth: anonymous and wrong password fail, right password lists")
    func basicAuth() async throws {
        let server = try await DistributionRegistry(basicAuth: (user: "bob", password: "pa55-word"))
        defer { server.stop() }
        let digest = try await server.push("secure/app", tag: "v1")
        let ref = server.reference("secure/app")
        let client = RegistryClient()

        let anon = await #expect(throws: RegistryError.self) { _ = try await client.listTags(ref) }
        #expect(anon?.code == .unauthorized)
        #expect(anon?.httpStatus == 401)

        let wrong = await #expect(throws: RegistryError.self) {
            _ = try await client.listTags(
                ref, options: RegistryOptions(credentials: .basic(username: "bob", password: "nope-nope")))
        }
        #expect(wrong?.code == .unauthorized)
        #expect(wrong?.description.contains("nope-nope") == false)

        let good = RegistryOptions(credentials: .basic(username: "bob", password: "pa55-word"))
        #expect(try await client.listTags(ref, options: good) == ["v1"])
        #expect(try await client.digest(of: ref, tag: "v1", options: good) == digest)
    }
}
