import DequeModule
import Synchronization

/// A counting semaphore for tasks: `acquire` suspends (without blocking a thread) until a
/// permit is free. Waiters are served FIFO. Cancellation does not interrupt a wait; the
/// request itself observes cancellation right after acquiring.
public final class AsyncSemaphore: Sendable {
    private struct State {
        var permits: Int
        var waiters: Deque<CheckedContinuation<Void, Never>> = []
    }
    private let state: Mutex<State>

    /// A semaphore with `permits` slots.
    public init(permits: Int) {
        state = Mutex(State(permits: max(1, permits)))
    }

    /// Waits for a slot.
    public func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.permits > 0 {
                    s.permits -= 1
                    return true
                }
                s.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Frees a slot, waking the longest waiter.
    public func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let c = s.waiters.popFirst() { return c }  // the permit passes straight to the waiter
            s.permits += 1
            return nil
        }
        next?.resume()
    }

    /// Runs `body` holding a slot.
    public func withPermit<T>(_ body: () async -> T) async -> T {
        await acquire()
        defer { release() }
        return await body()
    }

    /// Free permits and suspended waiters, for tests and diagnostics.
    package var snapshot: (permits: Int, waiters: Int) {
        state.withLock { ($0.permits, $0.waiters.count) }
    }
}
