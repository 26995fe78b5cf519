import Basics
import Synchronization
import Testing

/// Polls `condition`, yielding between checks; the limit only ends a test that would hang.
func eventually(_ what: String, _ condition: () -> Bool) async throws {
    let giveUp = ContinuousClock.now + .seconds(60)
    while !condition() {
        guard ContinuousClock.now < giveUp else {
            Issue.record("gave up waiting for \(what)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(1))
    }
}

/// A value tasks share (a Mutex cannot be captured by the tasks' escaping closures).
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func update<R: Sendable>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
    var current: Value { value.withLock { $0 } }
}

@Suite("AsyncSemaphore")
struct AsyncSemaphoreTests {
    @Test(arguments: [(0, 1), (-3, 1), (1, 1), (5, 5)])
    func permitsAreAtLeastOne(_ requested: Int, _ permits: Int) {
        let semaphore = AsyncSemaphore(permits: requested)
        #expect(semaphore.snapshot == (permits, 0))
    }

    @Test func acquireTakesFreePermitsAndReleaseReturnsThem() async {
        let semaphore = AsyncSemaphore(permits: 2)
        await semaphore.acquire()
        await semaphore.acquire()
        #expect(semaphore.snapshot == (0, 0))
        semaphore.release()
        #expect(semaphore.snapshot == (1, 0))
        semaphore.release()
        #expect(semaphore.snapshot == (2, 0))
    }

    @Test func waitersAreServedInArrivalOrder() async throws {
        let semaphore = AsyncSemaphore(permits: 1)
        await semaphore.acquire()
        let order = Shared<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for waiter in 0..<50 {
                group.addTask {
                    await semaphore.acquire()
                    order.update { $0.append(waiter) }
                    semaphore.release()
                }
                // The next waiter starts only once this one is queued: arrival order is known.
                try await eventually("waiter \(waiter) queued") { semaphore.snapshot.waiters == waiter + 1 }
            }
            semaphore.release()
            try await group.waitForAll()
        }
        #expect(order.current == Array(0..<50))
        #expect(semaphore.snapshot == (1, 0))
    }

    @Test func releaseWakesExactlyOneWaiter() async throws {
        let semaphore = AsyncSemaphore(permits: 1)
        await semaphore.acquire()
        let acquired = Shared(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    await semaphore.acquire()  // held until the test releases on the waiter's behalf
                    acquired.update { $0 += 1 }
                }
            }
            try await eventually("three waiters queued") { semaphore.snapshot.waiters == 3 }
            for woken in 1...3 {
                semaphore.release()
                // The permit went to one waiter: none came free, the others still wait.
                #expect(semaphore.snapshot == (0, 3 - woken))
                try await eventually("waiter \(woken) running") { acquired.current == woken }
            }
            try await group.waitForAll()
        }
        #expect(acquired.current == 3)
        semaphore.release()
        #expect(semaphore.snapshot == (1, 0))
    }

    @Test func holdersNeverExceedThePermitsUnderLoad() async {
        let semaphore = AsyncSemaphore(permits: 3)
        let holders = Shared((now: 0, most: 0))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<300 {
                group.addTask {
                    await semaphore.withPermit {
                        holders.update {
                            $0.now += 1
                            $0.most = max($0.most, $0.now)
                        }
                        for _ in 0..<3 { await Task.yield() }
                        holders.update { $0.now -= 1 }
                    }
                }
            }
        }
        let final = holders.current
        #expect(final.now == 0)
        #expect((1...3).contains(final.most))
        #expect(semaphore.snapshot == (3, 0))
    }

    /// Cancellation does not interrupt a wait (documented): the cancelled task still gets the
    /// permit in its turn and sees the cancellation once it holds it.
    @Test func aCancelledWaiterStillGetsThePermitInTurn() async throws {
        let semaphore = AsyncSemaphore(permits: 1)
        await semaphore.acquire()
        let waiter = Task {
            await semaphore.acquire()
            defer { semaphore.release() }
            return Task.isCancelled
        }
        try await eventually("the waiter queued") { semaphore.snapshot.waiters == 1 }
        waiter.cancel()
        #expect(semaphore.snapshot == (0, 1))
        semaphore.release()
        #expect(await waiter.value == true)
        #expect(semaphore.snapshot == (1, 0))
    }
}
