public import Policy

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A Kubernetes-style condition, as Flux reports them (`Ready`, `Stalled`, …).
public struct Condition: Sendable, Hashable, Codable {
    public var type: String
    /// "True", "False" or "Unknown".
    public var status: String
    public var reason: String
    public var message: String
    public var lastTransitionTime: Date

    public init(type: String = "Ready", status: String, reason: String, message: String, lastTransitionTime: Date) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
    }
}

extension [Condition] {
    /// Sets the `Ready` condition (the only one the daemon keeps); true when its status, reason
    /// or message changed (worth an event). The transition time moves only with the status.
    @discardableResult
    mutating func setReady(_ ok: Bool, reason: String, message: String, at time: Date) -> Bool {
        let status = ok ? "True" : "False"
        let current = first { $0.type == "Ready" }
        if let current, current.status == status, current.reason == reason, current.message == message { return false }
        let transition = current.flatMap { $0.status == status ? $0.lastTransitionTime : nil } ?? time
        self = [Condition(status: status, reason: reason, message: message, lastTransitionTime: transition)]
        return true
    }

    /// Whether the `Ready` condition is `False`.
    var isFailing: Bool { first { $0.type == "Ready" }?.status == "False" }
}

/// Flux's `ImageRepository.status` and what the scheduler knows about it.
public struct RepositoryStatus: Sendable, Codable {
    public struct ScanResult: Sendable, Codable, Hashable {
        public var tagCount: Int
        public var scanTime: Date
        /// The ten bytewise-greatest tags, as Flux's `latestTags`.
        public var latestTags: [String]
        public var revision: String
    }

    public var namespace, name, image: String
    public var lastScanResult: ScanResult?
    public var conditions: [Condition] = []
    public var consecutiveFailures = 0
    public var nextScan: Date?
}

/// Flux's `ImagePolicy.status`, plus the decision record ("why this tag, why not another").
public struct PolicyStatus: Sendable, Codable {
    /// The counts behind the choice (see `imagebot select --explain`).
    public struct Decision: Sendable, Codable, Hashable {
        /// Where the tags went (in the JSON, beside the other fields).
        public var counts: PolicyDecision.Counts
        public var selected: String?
        public var tiedWith: [String]
        public var summary: String

        /// The status record of an evaluation's decision.
        init(_ decision: PolicyDecision) {
            self.init(
                counts: decision.counts, selected: decision.selected, tiedWith: decision.tiedWith,
                summary: decision.summary)
        }

        init(counts: PolicyDecision.Counts, selected: String?, tiedWith: [String], summary: String) {
            self.counts = counts
            self.selected = selected
            self.tiedWith = tiedWith
            self.summary = summary
        }

        enum CodingKeys: String, CodingKey {
            case selected, tiedWith, summary
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            counts = try PolicyDecision.Counts(from: decoder)
            selected = try container.decodeIfPresent(String.self, forKey: .selected)
            tiedWith = try container.decode([String].self, forKey: .tiedWith)
            summary = try container.decode(String.self, forKey: .summary)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(selected, forKey: .selected)
            try container.encode(tiedWith, forKey: .tiedWith)
            try container.encode(summary, forKey: .summary)
            try counts.encode(to: encoder)
        }
    }

    public var namespace, name: String
    public var imageRepositoryRef: String
    public var latestRef: PolicyResolution.LatestRef?
    public var observedPreviousRef: PolicyResolution.LatestRef?
    public var decision: Decision?
    public var conditions: [Condition] = []
    /// When the current `latestRef` was first selected (the start of tag-to-commit latency).
    public var latestRefSince: Date?
}

/// Flux's `ImageUpdateAutomation.status`, plus the last run's outcome in one line.
public struct AutomationStatus: Sendable, Codable {
    public var namespace, name: String
    public var lastAutomationRunTime: Date?
    public var lastPushCommit: String?
    public var lastPushTime: Date?
    public var lastResult: String?
    /// Warnings and errors about markers from the last run.
    public var diagnostics: [String] = []
    public var conditions: [Condition] = []
    public var consecutiveFailures = 0
    public var nextRun: Date?
    /// The shard that owns this automation (`--shard-index`).
    public var shard: Int
}

/// One failure as it happened: an object's `Ready` condition turning `False`, or its failure
/// changing reason or message. Kept after the object recovers, so the status page can say what
/// went wrong in the last hours.
public struct FailureRecord: Sendable, Codable, Hashable {
    /// `ImageRepository`, `ImagePolicy` or `ImageUpdateAutomation`.
    public var kind: String
    public var namespace, name: String
    public var reason, message: String
    public var time: Date
    /// The failure's code (`FailureCode.label`: `registry.unauthorized`, `git.authentication`, …),
    /// finer than the reason. Optional: older daemons omit it.
    public var code: String? = nil
}

/// The body of `GET /api/v1/status`.
public struct StatusReport: Sendable, Codable {
    public struct ConfigState: Sendable, Codable {
        public var directory: String
        public var loadedAt: Date?
        /// Why the latest change to the config dir was not applied (the last good config runs).
        public var lastError: String?
        public var warnings: [String]
    }

    public var config: ConfigState
    public var shard: ShardAssignmentReport
    public var imageRepositories: [RepositoryStatus]
    public var imagePolicies: [PolicyStatus]
    public var imageUpdateAutomations: [AutomationStatus]
    /// The latest failures, newest first (at most `AutomationController.failureHistory`),
    /// including those of objects that have since recovered. Optional: older daemons omit it.
    public var recentFailures: [FailureRecord]?

    public struct ShardAssignmentReport: Sendable, Codable {
        public var index, count: Int
    }

    /// Pretty, key-sorted JSON with RFC 3339 times.
    public func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(self))
    }
}
