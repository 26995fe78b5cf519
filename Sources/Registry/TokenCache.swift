import Synchronization

/// Bearer tokens per (registry, scope, credential identity) until `expires_in` elapses.
final class TokenCache: Sendable {
    private struct Entry {
        var token: String
        var expires: ContinuousClock.Instant
    }
    private let entries = Mutex<[String: Entry]>([:])
    /// Which registries answered with a Basic challenge, so later requests send Basic at once.
    private let basicRegistries = Mutex<Set<String>>([])
    /// The clock expiries are measured on; tests pass one they advance by hand.
    private let now: @Sendable () -> ContinuousClock.Instant

    init(now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.now = now
    }

    static func key(registry: String, scope: String, credentials: RegistryCredentials) -> String {
        "\(registry)|\(scope)|\(credentials.cacheKey)"
    }

    func token(for key: String) -> String? {
        let now = self.now()
        return entries.withLock { e in
            guard let entry = e[key] else { return nil }
            if entry.expires <= now {
                e[key] = nil
                return nil
            }
            return entry.token
        }
    }

    func store(_ token: String, for key: String, expiresIn seconds: Double) {
        // Renew a little early on long-lived tokens so a request never races the expiry.
        let margin = seconds >= 60 ? 10.0 : 0
        let now = self.now()
        let expires = now.advanced(by: .milliseconds(Int64(max(0, seconds - margin) * 1000)))
        entries.withLock { e in
            // A daemon sees many (registry, scope) pairs: prune expired ones now and then.
            if e.count >= 1024 {
                e = e.filter { $0.value.expires > now }
            }
            e[key] = Entry(token: token, expires: expires)
        }
    }

    func remove(_ key: String) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    /// Drops every token for a registry (Flux drops cache entries when an ImageRepository goes).
    func removeAll(registry: String) {
        entries.withLock { e in e = e.filter { !$0.key.hasPrefix(registry + "|") } }
        _ = basicRegistries.withLock { $0.remove(registry) }
    }

    func usesBasic(_ registry: String) -> Bool { basicRegistries.withLock { $0.contains(registry) } }
    func markBasic(_ registry: String) { _ = basicRegistries.withLock { $0.insert(registry) } }
}
