import Testing

@testable import Registry

@Suite("Retry policy and token cache")
struct RetryAndCacheTests {
    private func policy(base: Double = 0.5, max: Double = 30, attempts: Int = 4) -> RetryPolicy {
        var o = RegistryOptions()
        o.retryBaseDelay = base
        o.maxRetryDelay = max
        o.maxAttempts = attempts
        return RetryPolicy(o)
    }

    /// (attempt, Retry-After, upper bound of the wait) with base 0.5 s and cap 30 s.
    static let delays: [(Int, Double?, Double)] = [
        (1, nil, 0.5), (2, nil, 1), (3, nil, 2), (10, nil, 30), (60, nil, 30),
        (1, 7, 7), (1, 3600, 30), (1, 0, 0),
    ]

    @Test(arguments: delays)
    func backoffIsBoundedFullJitter(_ attempt: Int, _ retryAfter: Double?, _ bound: Double) {
        for _ in 0..<200 {
            let d = policy().delay(afterAttempt: attempt, retryAfter: retryAfter)
            #expect(d >= 0 && d <= bound)
            if let retryAfter { #expect(d == min(retryAfter, 30)) }
        }
    }

    @Test func retryableStatusesMatchGoContainerRegistry() {
        #expect(RetryPolicy.retryableStatuses == [408, 429, 499, 500, 502, 503, 504, 522])
        #expect(policy(attempts: 0).maxAttempts == 1)
        #expect(RegistryError(code: .transport, message: "x").isRetryable == false)
        var reset = RegistryError(code: .transport, message: "x")
        reset.transient = true
        #expect(reset.isRetryable)
        #expect(RegistryError(code: .timeout, message: "x").isRetryable)
        #expect(RegistryError(code: .httpStatus, message: "x", httpStatus: 503).isRetryable)
        #expect(RegistryError(code: .notFound, message: "x", httpStatus: 404).isRetryable == false)
    }

    @Test func tokenCacheExpiresAndSeparatesKeys() {
        let clock = ManualClock()
        let cache = TokenCache(now: clock.now)
        let alice = TokenCache.key(registry: "r.io", scope: "s", credentials: .basic(username: "a", password: "1"))
        let bob = TokenCache.key(registry: "r.io", scope: "s", credentials: .basic(username: "a", password: "2"))
        #expect(alice != bob)
        #expect(!alice.contains("a\u{0}1"))  // hashed, not embedded
        cache.store("t1", for: alice, expiresIn: 300)
        #expect(cache.token(for: alice) == "t1")
        #expect(cache.token(for: bob) == nil)
        // 300 s tokens are renewed 10 s early; 30 s tokens are used to the end.
        clock.advance(by: .seconds(289))
        #expect(cache.token(for: alice) == "t1")
        clock.advance(by: .seconds(1))
        #expect(cache.token(for: alice) == nil)
        cache.store("t2", for: bob, expiresIn: 30)
        clock.advance(by: .seconds(29))
        #expect(cache.token(for: bob) == "t2")
        clock.advance(by: .seconds(1))
        #expect(cache.token(for: bob) == nil)
        cache.store("t3", for: bob, expiresIn: 30)
        cache.markBasic("r.io")
        cache.removeAll(registry: "r.io")
        #expect(cache.token(for: bob) == nil)
        #expect(cache.usesBasic("r.io") == false)
    }
}
