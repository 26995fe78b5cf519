/// When the next run of a periodic object is due: its interval with jitter, and exponential
/// backoff after failures. Pure, so the rules are tested with tables.
public struct Schedule: Sendable, Hashable {
    /// The fraction of the interval by which a run may move either way (Flux has none, so a
    /// fleet restarted together scans every registry in the same second, forever).
    public var jitter: Double
    /// The first retry after a failure; doubled each further failure.
    public var backoffBase: Duration
    /// The longest wait after failures (never longer than the interval).
    public var backoffCap: Duration

    public init(jitter: Double = 0.1, backoffBase: Duration = .seconds(5), backoffCap: Duration = .seconds(300)) {
        self.jitter = jitter
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
    }

    /// The delay before the next run. `failures` is the number of consecutive failures (0 after
    /// a success); `random` is a uniform draw in 0..<1.
    public func delay(interval: Duration, failures: Int, random: Double) -> Duration {
        // `interval: 0s` is valid YAML, not a reason to spin: at most one run a second.
        let interval = max(interval, .seconds(1))
        let spread = 1 + jitter * (2 * random - 1)
        guard failures > 0 else { return interval * spread }
        // 5 s, 10 s, 20 s, … capped; jittered the same way so failing objects spread out too.
        let exponent = min(failures - 1, 30)
        let backoff = min(backoffBase * Double(1 << exponent), backoffCap, interval)
        return backoff * spread
    }
}

/// Which replica owns an automation when the daemon runs as N shards: a stable hash of
/// `namespace/name` (FNV-1a, the same in every process and release; Swift's `Hasher` is
/// seeded per process) modulo the shard count.
public struct ShardAssignment: Sendable, Hashable {
    public var count: Int
    public var index: Int

    public init(count: Int, index: Int) {
        self.count = max(1, count)
        self.index = index
    }

    public static let single = ShardAssignment(count: 1, index: 0)

    public func owns(_ key: ObjectKey) -> Bool {
        count == 1 || Self.shard(of: key, count: count) == index
    }

    public static func shard(of key: ObjectKey, count: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(key.namespace)/\(key.name)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(max(1, count)))
    }

    /// The shard index from a StatefulSet pod's hostname (`imagebot-2` → 2), if it has one.
    public static func index(fromHostname hostname: String) -> Int? {
        guard let dash = hostname.lastIndex(of: "-") else { return nil }
        return Int(hostname[hostname.index(after: dash)...])
    }
}
