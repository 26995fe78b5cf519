import Synchronization

/// Values that expire, per key, with one fetch in flight per key: concurrent callers for the
/// same key wait for the same fetch, so a token service sees one request per token lifetime.
final class ExpiringCache<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        var value: Value
        var expires: ContinuousClock.Instant
    }
    private enum Slot: Sendable {
        case ready(Entry)
        case loading(Task<(Value, Duration), any Error>)
    }
    private let slots = Mutex<[String: Slot]>([:])
    /// Renew this long before the expiry, so a request never races it.
    let margin: Duration

    init(margin: Duration = .seconds(300)) {
        self.margin = margin
    }

    /// The cached value for `key`, or the result of `fetch` (value and lifetime), stored until
    /// `margin` before it expires. A failed fetch is not cached.
    func value<E: Error>(
        for key: String, now: ContinuousClock.Instant = .now,
        fetch: @escaping @Sendable () async throws(E) -> (Value, Duration)
    ) async throws(E) -> Value {
        let task: Task<(Value, Duration), any Error> = slots.withLock { slots in
            if case .ready(let entry) = slots[key], entry.expires > now {
                return Task { (entry.value, .zero) }
            }
            if case .loading(let task) = slots[key] { return task }
            let task = Task<(Value, Duration), any Error> { try await fetch() }
            slots[key] = .loading(task)
            return task
        }
        do {
            let (value, lifetime) = try await task.value
            if lifetime > .zero {
                let keep = lifetime > margin * 2 ? lifetime - margin : lifetime / 2
                slots.withLock { $0[key] = .ready(Entry(value: value, expires: ContinuousClock.now + keep)) }
            }
            return value
        } catch {
            slots.withLock { slots in
                if case .loading = slots[key] { slots[key] = nil }
            }
            // The task only throws what `fetch` throws.
            throw error as! E
        }
    }

    /// Forgets every value.
    func removeAll() { slots.withLock { $0.removeAll() } }
}
