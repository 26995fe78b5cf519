import Testing

@testable import CloudIdentity

@Suite struct ExpiringCacheTests {
    actor Counter {
        var count = 0
        func next() -> Int {
            count += 1
            return count
        }
    }

    @Test func concurrentCallersShareOneFetch() async throws {
        let cache = ExpiringCache<Int>(margin: .seconds(1))
        let counter = Counter()
        let values = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try! await cache.value(for: "k") { () async throws -> (Int, Duration) in
                        try await Task.sleep(for: .milliseconds(50))
                        return (await counter.next(), .seconds(3600))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(values == Array(repeating: 1, count: 8))
        #expect(await counter.count == 1)
    }

    @Test func expiredValuesAreFetchedAgainAndFailuresAreNotCached() async throws {
        struct Failure: Error {}
        let cache = ExpiringCache<Int>(margin: .seconds(300))
        await #expect(throws: Failure.self) {
            try await cache.value(for: "k") { () async throws(Failure) -> (Int, Duration) in throw Failure() }
        }
        let first = try await cache.value(for: "k") { () async throws -> (Int, Duration) in (1, .seconds(3600)) }
        let cached = try await cache.value(for: "k") { () async throws -> (Int, Duration) in (2, .seconds(3600)) }
        // A value asked for after its renewal time (3600 s - margin) is fetched anew.
        let later = try await cache.value(for: "k", now: .now + .seconds(3400)) { () async throws -> (Int, Duration) in
            (3, .seconds(3600))
        }
        #expect([first, cached, later] == [1, 1, 3])
    }
}
