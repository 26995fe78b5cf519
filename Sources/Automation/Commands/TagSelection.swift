public import Policy

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `imagebot select`: one policy over one tag list, exactly as an ImagePolicy decides.
public struct TagSelection {
    let policy: ImagePolicy
    let exclusions: ExclusionList

    /// A policy from `select`'s options: exactly one of `semver`, `alphabetical` (`asc`|`desc`),
    /// `numerical` (`asc`|`desc`; the default when none is given), with an optional
    /// `filterTags` pattern and extract and the exclusion patterns (none: Flux's default).
    public init(
        semver: String?, alphabetical: String?, numerical: String?, pattern: String?, extract: String?,
        exclusions: [String]
    ) throws(PolicyError) {
        let rule: ImagePolicy.Rule
        if let semver {
            rule = .semver(range: semver)
        } else if let alphabetical {
            rule = .alphabetical(try ImagePolicy.SortOrder(parsing: alphabetical))
        } else {
            rule = .numerical(try ImagePolicy.SortOrder(parsing: numerical ?? "asc"))
        }
        policy = try ImagePolicy(
            rule: rule,
            filter: try pattern.map { p throws(PolicyError) in
                try TagFilter(pattern: p, extract: extract ?? "")
            })
        self.exclusions = try ExclusionList(exclusions)
    }

    /// The decision over `tags`.
    public func evaluate(_ tags: [String]) -> Selection {
        Selection(policy: policy, decision: policy.evaluate(tags, excluding: exclusions))
    }

    /// One decision and how `select` shows it.
    public struct Selection {
        let policy: ImagePolicy
        let decision: PolicyDecision

        /// The tag selected, as written.
        public var selected: String? { decision.selected }

        /// Why nothing was selected.
        public var failure: String { decision.failure?.message ?? "nothing selected" }

        /// The decision record, a line per fact (`--explain`).
        public var explanation: String {
            var lines = ["policy: \(policy.rule)"]
            if let filter = policy.filter {
                lines.append(
                    "filter: pattern '\(filter.pattern)'"
                        + (filter.extract.isEmpty ? "" : ", extract '\(filter.extract)'"))
            }
            let counts = decision.counts
            lines.append("candidates: \(counts.candidates)")
            lines.append("excluded: \(counts.excluded)")
            lines.append("filtered out: \(counts.filteredOut)")
            lines.append("invalid: \(counts.invalid)")
            lines.append("outside range: \(counts.outsideRange)")
            lines.append("eligible: \(counts.eligible)")
            if let selected = decision.selected {
                lines.append("selected: \(selected)" + (decision.selectedValue.map { " (value '\($0)')" } ?? ""))
                if !decision.tiedWith.isEmpty {
                    lines.append("tied with: \(decision.tiedWith.joined(separator: ", "))")
                }
            } else {
                lines.append("nothing selected: \(decision.failure?.message ?? "no candidate")")
            }
            return lines.joined(separator: "\n")
        }

        /// The JSON shape of `imagebot select --output json` (one line, sorted keys).
        public func json() throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(SelectReport(policy: policy, decision: decision)), as: UTF8.self)
        }
    }
}

/// The JSON shape of `imagebot select --output json`.
private struct SelectReport: Encodable {
    var policy: String
    var tag: String?
    var value: String?
    var counts: PolicyDecision.Counts
    var tiedWith: [String]
    var error: String?

    init(policy: ImagePolicy, decision: PolicyDecision) {
        self.policy = policy.rule.description
        tag = decision.selected
        value = decision.selectedValue
        counts = decision.counts
        tiedWith = decision.tiedWith
        error = decision.failure?.message
    }

    enum CodingKeys: String, CodingKey {
        case policy, tag, value, tiedWith, error
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(policy, forKey: .policy)
        // Synthesized Encodable wrote nil optionals as absent keys; kept.
        try container.encodeIfPresent(tag, forKey: .tag)
        try container.encodeIfPresent(value, forKey: .value)
        try container.encode(tiedWith, forKey: .tiedWith)
        try container.encodeIfPresent(error, forKey: .error)
        // The counts sit beside the other fields, as they always have.
        try counts.encode(to: encoder)
    }
}
