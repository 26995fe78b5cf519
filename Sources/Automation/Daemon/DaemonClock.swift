#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The daemon's time: a monotonic `now` for due times and a sleep until one, plus the wall
/// clock for what the status shows. Injected, so the scheduling is tested without sleeping.
public protocol DaemonClock: Sendable {
    var now: ContinuousClock.Instant { get }
    /// The wall-clock time (status times, event timestamps, the flapping guard's window).
    var date: Date { get }
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

/// The process's clocks.
public struct SystemDaemonClock: DaemonClock {
    public init() {}
    public var now: ContinuousClock.Instant { ContinuousClock.now }
    public var date: Date { Date() }
    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await ContinuousClock().sleep(until: deadline, tolerance: nil)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
