import Synchronization

/// A clock that stands still until the test moves it: expiries pass without waiting for them,
/// and nothing expires early on a slow machine.
final class ManualClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    var now: @Sendable () -> ContinuousClock.Instant {
        { [self] in instant.withLock { $0 } }
    }

    func advance(by duration: Duration) { instant.withLock { $0 += duration } }
}
