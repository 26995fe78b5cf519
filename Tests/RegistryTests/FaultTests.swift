import Foundation
import Testing

@testable import Registry

private func fastRetries(_ attempts: Int = 4) -> RegistryOptions {
    var o = RegistryOptions()
    o.maxAttempts = attempts
    o.retryBaseDelay = 0.01
    return o
}

/// Retries, timeouts, malformed bodies and Link abuse against `scripts/fake_registry.py`.
@Suite("Faults (fake registry)")
struct FaultTests {
    @Test func serverErrorsAreRetriedThenSucceed() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let logs = LogCapture()
        #expect(
            try await RegistryClient(logger: logs.logger()).listTags(server.reference("flaky"), options: fastRetries())
                == ["v1", "v2", "v3"])
        #expect(try await server.stats()["flaky:tags/list"] == 3)
        #expect(logs.all.filter { $0.contains("retrying") }.count == 2)
    }

    @Test func attemptsAreCapped() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference("alwayserr"), options: fastRetries(3))
        }
        #expect(error?.code == .httpStatus)
        #expect(error?.httpStatus == 502)
        #expect(error?.message.hasPrefix("502 bad gateway (GET http://") == true)
        #expect(try await server.stats()["alwayserr:tags/list"] == 3)
    }

    @Test func retryAfterIsHonoured() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let start = ContinuousClock.now
        #expect(try await RegistryClient().listTags(server.reference("ratelimit"), options: fastRetries()).count == 3)
        #expect(ContinuousClock.now - start >= .milliseconds(900))
    }

    @Test func retryAfterBeyondTheDeadlineFailsAtOnce() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        var options = fastRetries()
        options.timeout = 20
        let start = ContinuousClock.now
        let error = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference("ratelimitlong"), options: options)
        }
        // Waiting would take 120 s (capped at 30 s) and the deadline is 20 s: failing well before
        // the deadline proves no wait (bounds leave room for a loaded machine; they test
        // behaviour, not speed).
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(error?.code == .rateLimited)
        #expect(error?.message.hasPrefix("429 toomanyrequests: slow down") == true)
    }

    @Test func slowResponsesTimeOut() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        var options = fastRetries(2)
        options.requestTimeout = 0.5
        let start = ContinuousClock.now
        let error = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference("slow"), options: options)
        }
        #expect(error?.code == .timeout)
        #expect(error?.curlError?.contains("Timeout was reached") == true)
        #expect(ContinuousClock.now - start < .seconds(15), "the server stalls 30 s")

        var deadline = fastRetries()
        deadline.timeout = 1  // the operation deadline caps each request's timeout
        let start2 = ContinuousClock.now
        let error2 = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference("slow"), options: deadline)
        }
        #expect(error2?.code == .timeout)
        #expect(ContinuousClock.now - start2 < .seconds(15), "the server stalls 30 s")
    }

    @Test func cancellationAbortsATransfer() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let ref = ImageReference(registry: server.origin, repository: "slow/app", scheme: "http")
        let start = ContinuousClock.now
        let task = Task { try await RegistryClient().listTags(ref) }
        try await server.waitForRequests("slow:tags/list")  // the transfer is under way: the server stalls it
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - start < .seconds(15), "the server stalls 30 s")
        guard case .failure(let failure) = result else {
            Issue.record("listTags finished despite cancellation")
            return
        }
        let error: any Error = failure
        #expect((error as? RegistryError)?.code == .cancelled)
    }

    @Test func truncatedBodyIsATransportError() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference("truncated"), options: fastRetries(2))
        }
        #expect(error?.code == .transport)
        #expect(error?.curlError?.hasPrefix("Transferred a partial file") == true)
        #expect(try await server.stats()["truncated:tags/list"] == 2)  // retried once
    }

    @Test func connectionRefused() async throws {
        let port = try freePort()
        let ref = ImageReference(registry: "127.0.0.1:\(port)", repository: "x", scheme: "http")
        let error = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(ref, options: fastRetries(2))
        }
        #expect(error?.code == .transport)
        #expect(error?.curlError?.hasPrefix("Couldn't connect to server") == true)
        #expect(
            error?.description.hasPrefix(
                "127.0.0.1:\(port)/x: GET http://127.0.0.1:\(port)/v2/x/tags/list?n=1000: Couldn't connect") == true)
    }

    static let malformed: [(String, String)] = [
        ("cutjson", "invalid JSON"),
        ("wrongtype", "wrong type at .tags"),
        ("notjson", "invalid JSON"),
    ]

    @Test(arguments: malformed)
    func malformedTagListsAreRejected(_ scenario: String, _ reason: String) async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference(scenario))
        }
        #expect(error?.code == .invalidResponse)
        #expect(error?.message.contains(#"response is not a tag list {"name":…,"tags":[…]}: \#(reason)"#) == true)
    }

    @Test func nullTagsIsEmpty() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        #expect(try await RegistryClient().listTags(server.reference("nulltags")) == [])
    }

    @Test func registryErrorJSONIsReported() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference("denied"))
        }
        #expect(error?.code == .forbidden)
        #expect(
            error?.description == "\(server.origin)/denied/app: 403 denied: requested access to the resource is denied "
                + "(GET http://\(server.origin)/v2/denied/app/tags/list?n=1000)")
    }

    @Test func linkToAnotherHostIsRefused() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference("otherhost"))
        }
        #expect(error?.code == .invalidLink)
        #expect(
            error?.message
                == "refusing Link to 'http://evil.example:\(server.port)': next page must stay on 'http://\(server.origin)'"
        )
    }

    @Test func linkCycleIsDetected() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference("cycle"))
        }
        #expect(error?.code == .invalidLink)
        #expect(
            error?.message == "Link cycle: http://\(server.origin)/v2/cycle/app/tags/list?n=1000 was already fetched")
    }

    @Test func relativeAndAbsoluteLinksAreFollowedInOrder() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        #expect(try await RegistryClient().listTags(server.reference("relative")) == ["a", "b", "c", "d", "e"])
        // Four pages, four easy handles, one TCP connection (the CURLSH share), plus the stats call's
        // own and the HTTPS probe's (127.0.0.1 may be plain HTTP: verified TLS is tried first).
        #expect(try await server.stats()["connections"] == 3)
    }

    @Test func oversizedHeadersAreRefused() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let error = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference("hugeheaders"))
        }
        #expect(error?.code == .responseTooLarge)
        #expect(error?.message.hasSuffix("response headers exceed 262144 bytes") == true)
    }

    @Test func digestFallsBackToGetAndHashes() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let client = RegistryClient()
        #expect(
            try await client.digest(of: server.reference("nodigest"), tag: "v1") == "sha256:" + server.manifestSHA256)
        #expect(try await client.digest(of: server.reference("nohead"), tag: "v1") == "sha256:" + server.manifestSHA256)
        let missing = await #expect(throws: RegistryError.self) {
            _ = try await client.digest(of: server.reference("nodigest"), tag: "v9")
        }
        #expect(missing?.code == .notFound)
        let invalid = await #expect(throws: RegistryError.self) {
            _ = try await client.digest(of: server.reference("nodigest"), tag: "../../etc")
        }
        #expect(invalid?.code == .invalidReference)
    }

    @Test func concurrencyIsLimitedPerRegistry() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let client = RegistryClient(maxConcurrentRequestsPerRegistry: 2)
        let ref = server.reference("slowish")
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<8 { group.addTask { try await client.digest(of: ref, tag: "t\(i)") } }
            for try await digest in group { #expect(digest == "sha256:" + String(repeating: "a", count: 64)) }
        }
        #expect(try await server.stats()["inflight_max"] == 2)
        #expect(ContinuousClock.now - start >= .milliseconds(1100))  // 8 × 0.3 s / 2
    }
}
