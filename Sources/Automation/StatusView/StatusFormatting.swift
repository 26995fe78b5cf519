public import Setters

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The wording shared by `imagebot status` and the status page, so both say the same thing.
public enum StatusFormatting {
    /// A kubectl-style age, two units at most and seconds only under ten minutes (so a time
    /// is never wider than six characters): `45s`, `3m10s`, `42m`, `2h5m`, `4d3h`.
    public static func duration(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded(.down)))
        let (days, hours, minutes, secs) = (total / 86_400, total % 86_400 / 3_600, total % 3_600 / 60, total % 60)
        if days > 0 { return hours > 0 ? "\(days)d\(hours)h" : "\(days)d" }
        if hours > 0 { return minutes > 0 ? "\(hours)h\(minutes)m" : "\(hours)h" }
        if minutes >= 10 || (minutes > 0 && secs == 0) { return "\(minutes)m" }
        if minutes > 0 { return "\(minutes)m\(secs)s" }
        return "\(secs)s"
    }

    /// A past time relative to `now`: `12s ago`; `-` when it never happened.
    public static func ago(_ date: Date?, now: Date) -> String {
        guard let date else { return "-" }
        return "\(duration(now.timeIntervalSince(date))) ago"
    }

    /// A scheduled time relative to `now`: `in 4m30s`, `due` once passed; `busy` (the daemon
    /// reports no next time while the object's scan or run is in flight).
    public static func next(_ date: Date?, now: Date, busy: String = "running") -> String {
        guard let date else { return busy }
        let seconds = date.timeIntervalSince(now)
        return seconds < 1 ? "due" : "in \(duration(seconds))"
    }

    /// Flux's `latestRef` as one image reference: `name:tag[@digest]`.
    public static func image(_ ref: PolicyResolution.LatestRef?) -> String {
        guard let ref else { return "-" }
        return "\(ref.name):\(ref.tag)" + (ref.digest.map { "@\($0)" } ?? "")
    }

    /// A condition's status word; `Unknown` when the object has no such condition yet.
    public static func readiness(_ condition: Condition?) -> String {
        condition?.status ?? "Unknown"
    }

    /// `Reason: message`, or whichever of the two is there.
    public static func reasonAndMessage(_ condition: Condition?) -> String {
        guard let condition else { return "" }
        switch (condition.reason.isEmpty, condition.message.isEmpty) {
        case (false, false): return "\(condition.reason): \(condition.message)"
        case (false, true): return condition.reason
        default: return condition.message
        }
    }

    /// The first 12 hex digits of a commit, as `git log --oneline` shows enough to find it.
    public static func shortCommit(_ commit: String?) -> String {
        guard let commit, !commit.isEmpty else { return "-" }
        return String(commit.prefix(12))
    }

    /// An RFC 3339 UTC time, for tooltips and `datetime` attributes.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
