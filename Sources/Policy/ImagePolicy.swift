import Basics

/// An `ImagePolicy`'s selection rule with its optional tag filter, compiled once and
/// evaluated against tag lists as often as needed.
///
/// The answers are Flux's (image-reflector-controller with Masterminds/semver v3.5), with one
/// deliberate difference: where Flux's answer depends on Go's random map order (candidates
/// that compare equal after `filterTags` is applied), imagebot always prefers the bytewise
/// greatest original tag. Everywhere Flux is deterministic, imagebot gives the same tag:
///
/// | situation | winner |
/// | --- | --- |
/// | several tags extract the same value | the bytewise smallest of them (Flux's map overwrite in descending order) |
/// | semver: equal precedence (`v1.0.0`, `1.0.0+b`, `1.0.0`) | the bytewise greatest tag |
/// | numerical without filter: equal numbers (`1`, `1.0`, `01`) | the bytewise smallest tag (Flux's last in descending order) |
/// | numerical with filter: equal numbers | the bytewise greatest tag |
public struct ImagePolicy: Sendable {
    /// `asc` picks the greatest value, `desc` the smallest (Flux's naming).
    public enum SortOrder: String, Sendable, Hashable, CaseIterable {
        case asc, desc

        /// Accepts `asc`/`desc` in any case, as Flux upper-cases the order before checking it.
        public init(parsing text: String) throws(PolicyError) {
            guard let order = SortOrder(rawValue: text.lowercased()) else {
                throw PolicyError(
                    .invalidOrder, "invalid order argument provided: '\(text)', must be one of: ASC, DESC")
            }
            self = order
        }
    }

    /// Which of Flux's three selection rules to apply.
    public enum Rule: Sendable, Hashable, CustomStringConvertible {
        case semver(range: String)
        case alphabetical(SortOrder)
        case numerical(SortOrder)

        public var description: String {
            switch self {
            case .semver(let range): "semver \"\(range)\""
            case .alphabetical(let order): "alphabetical \(order.rawValue)"
            case .numerical(let order): "numerical \(order.rawValue)"
            }
        }
    }

    public let rule: Rule
    public let filter: TagFilter?
    private let range: SemverRange?

    public init(rule: Rule, filter: TagFilter? = nil) throws(PolicyError) {
        self.rule = rule
        self.filter = filter
        if case .semver(let text) = rule {
            range = try SemverRange(text)
        } else {
            range = nil
        }
    }

    /// Picks the tag this policy selects from `tags`, after dropping those `exclusions` match.
    /// Never throws: failures are part of the returned decision.
    public func evaluate(_ tags: [String], excluding exclusions: ExclusionList? = nil) -> PolicyDecision {
        var decision = PolicyDecision()
        decision.candidates = tags.count
        do {
            switch rule {
            case .semver:
                try selectSemver(tags, exclusions, &decision)
            case .alphabetical(let order):
                try selectAlphabetical(tags, exclusions, order, &decision)
            case .numerical(let order):
                try selectNumerical(tags, exclusions, order, &decision)
            }
        } catch {
            decision.failure = error
            decision.selected = nil
            decision.selectedValue = nil
            decision.tiedWith = []
        }
        return decision
    }

    // MARK: The three rules

    private func selectSemver(_ tags: [String], _ exclusions: ExclusionList?, _ decision: inout PolicyDecision)
        throws(PolicyError)
    {
        guard let range else { return }
        var leaders = Leaders<SemanticVersion>()
        try forEachCandidate(tags, exclusions, &decision) { candidate, decision in
            guard let version = SemanticVersion.parse(candidate.value, requireTwoDots: true) else {
                decision.invalid += 1
                return
            }
            guard range.contains(version) else {
                decision.outsideRange += 1
                return
            }
            decision.eligible += 1
            leaders.offer(version, key: candidate.key, tag: candidate.tag) { SemanticVersion.compare($0, $1) }
        }
        guard leaders.hasLeader else {
            let reason =
                decision.eligible + decision.outsideRange + decision.invalid == 0
                ? PolicyError(.noCandidates, "no tags to choose from (\(decision.summaryCounts))")
                : PolicyError(
                    .nothingInRange, "no tag satisfies semver range \"\(range.source)\" (\(decision.summaryCounts))")
            throw reason
        }
        leaders.decide(into: &decision, prefer: .greatest)
    }

    private func selectAlphabetical(
        _ tags: [String], _ exclusions: ExclusionList?, _ order: SortOrder, _ decision: inout PolicyDecision
    ) throws(PolicyError) {
        var leaders = Leaders<String>()
        try forEachCandidate(tags, exclusions, &decision) { candidate, decision in
            decision.eligible += 1
            let key = candidate.key
            leaders.offer(key, key: key, tag: candidate.tag) { lhs, rhs in
                let ascending = BytewiseOrder.compare(lhs, rhs)
                return order == .asc ? ascending : -ascending
            }
        }
        guard leaders.hasLeader else {
            throw PolicyError(.noCandidates, "no tags to choose from (\(decision.summaryCounts))")
        }
        leaders.decide(into: &decision, prefer: .greatest)
    }

    private func selectNumerical(
        _ tags: [String], _ exclusions: ExclusionList?, _ order: SortOrder, _ decision: inout PolicyDecision
    ) throws(PolicyError) {
        var leaders = Leaders<Double>()
        var firstInvalid: (key: String, tag: String)?
        var sawNaN = false
        try forEachCandidate(tags, exclusions, &decision) { candidate, decision in
            guard let value = GoFloat.parse(candidate.value) else {
                decision.invalid += 1
                // Flux names the first bad value in its descending order: the greatest tag.
                if firstInvalid.map({ BytewiseOrder.compare(candidate.tag, $0.tag) > 0 }) ?? true {
                    firstInvalid = (candidate.key, candidate.tag)
                }
                return
            }
            decision.eligible += 1
            if value.isNaN { sawNaN = true }
            leaders.offer(value, key: candidate.key, tag: candidate.tag) { lhs, rhs in
                let ascending = lhs < rhs ? -1 : (lhs > rhs ? 1 : 0)
                return order == .asc ? ascending : -ascending
            }
        }
        if let bad = firstInvalid {
            let origin = bad.key == bad.tag ? "" : " (extracted from tag '\(bad.tag)')"
            throw PolicyError(.notNumeric, "failed to parse invalid numeric value '\(bad.key)'\(origin)")
        }
        guard leaders.hasLeader else {
            throw PolicyError(.noCandidates, "no tags to choose from (\(decision.summaryCounts))")
        }
        if sawNaN {
            // NaN never compares, so Flux's answer depends on list order: replay its scan.
            try replayFluxNumericalScan(tags, exclusions, order, &decision)
            return
        }
        leaders.decide(into: &decision, prefer: filter == nil ? .smallest : .greatest)
    }

    /// Flux's linear numerical scan over the full candidate list in a fixed order: descending
    /// tags without a filter (Flux's tag database order); with a filter, one candidate per
    /// extracted value in ascending tag order, so ties go to the greatest tag.
    private func replayFluxNumericalScan(
        _ tags: [String], _ exclusions: ExclusionList?, _ order: SortOrder, _ decision: inout PolicyDecision
    ) throws(PolicyError) {
        var scratch = PolicyDecision()
        var candidates: [(value: Double, key: String, tag: String)] = []
        try forEachCandidate(tags, exclusions, &scratch) { candidate, _ in
            if let value = GoFloat.parse(candidate.value) { candidates.append((value, candidate.key, candidate.tag)) }
        }
        if filter == nil {
            candidates.sort { BytewiseOrder.compare($0.tag, $1.tag) > 0 }
        } else {
            var byKey: [String: (value: Double, key: String, tag: String)] = [:]
            for candidate in candidates
            where byKey[candidate.key].map({ BytewiseOrder.compare(candidate.tag, $0.tag) < 0 }) ?? true {
                byKey[candidate.key] = candidate
            }
            candidates = byKey.values.sorted { BytewiseOrder.compare($0.tag, $1.tag) < 0 }
        }
        var best: (value: Double, key: String, tag: String)?
        for candidate in candidates {
            if let current = best {
                if order == .asc && candidate.value < current.value { continue }
                if order == .desc && candidate.value > current.value { continue }
            }
            best = candidate
        }
        decision.selected = best?.tag
        decision.selectedValue = filter?.template == nil ? nil : best?.key
        decision.tiedWith = []
    }

    // MARK: Shared candidate stream

    /// Applies the exclusion list and the filter, counting what each drops, and hands every
    /// remaining tag to `body` as a `Candidate`: the bytes of the value to compare (the
    /// extraction, or the tag itself) and the original tag.
    private func forEachCandidate(
        _ tags: [String], _ exclusions: ExclusionList?, _ decision: inout PolicyDecision,
        _ body: (Candidate, inout PolicyDecision) throws(PolicyError) -> Void
    ) throws(PolicyError) {
        let exclusionMatchers = exclusions?.compiled.map { $0.makeMatcher() } ?? []
        let filterMatcher = filter?.compiled.makeMatcher()
        let template = filter?.template
        var extracted: [UInt8] = []
        for tag in tags {
            var bytesOfTag = tag  // withUTF8 needs a mutable copy; `tag` stays readable inside
            // withUTF8 only rethrows untyped errors, so carry the typed one out in a Result.
            try bytesOfTag.withUTF8 { bytes in
                Result { () throws(PolicyError) in
                    for matcher in exclusionMatchers where try matcher.firstMatch(in: bytes) {
                        decision.excluded += 1
                        return
                    }
                    if let filterMatcher {
                        guard try filterMatcher.firstMatch(in: bytes) else {
                            decision.filteredOut += 1
                            return
                        }
                        if let template {
                            extracted.removeAll(keepingCapacity: true)
                            template.expand(into: &extracted, subject: bytes, matcher: filterMatcher)
                            try extracted.withUnsafeBufferPointer { value throws(PolicyError) in
                                try body(Candidate(value: value, tag: tag, extracted: true), &decision)
                            }
                            return
                        }
                    }
                    try body(Candidate(value: bytes, tag: tag, extracted: false), &decision)
                }
            }.get()
        }
    }
}

/// One tag that passed exclusion and filter, lent to a rule for the duration of a call.
private struct Candidate {
    /// UTF-8 bytes of the value to compare.
    let value: UnsafeBufferPointer<UInt8>
    let tag: String
    let extracted: Bool

    /// The compared value as a String; only built when a rule needs to keep it.
    var key: String { extracted ? String(decoding: value, as: UTF8.self) : tag }
}

/// The best value seen so far and every distinct compared value tied with it; each carries the
/// tag that represents it (the bytewise smallest tag with that value, as Flux's map keeps).
private struct Leaders<Value> {
    enum Preference { case greatest, smallest }

    private var best: Value?
    private var tied: [(key: String, tag: String)] = []

    var hasLeader: Bool { best != nil }

    /// `compare(new, best)` > 0 when the new value is better.
    mutating func offer(
        _ value: Value, key makeKey: @autoclosure () -> String, tag: String, _ compare: (Value, Value) -> Int
    ) {
        let order = best.map { compare(value, $0) } ?? 1
        if order > 0 {
            best = value
            tied.removeAll(keepingCapacity: true)
            tied.append((makeKey(), tag))
        } else if order == 0 {
            let key = makeKey()
            if let index = tied.firstIndex(where: { $0.key == key }) {
                if BytewiseOrder.compare(tag, tied[index].tag) < 0 { tied[index].tag = tag }
            } else {
                tied.append((key, tag))
            }
        }
    }

    func decide(into decision: inout PolicyDecision, prefer: Preference) {
        let ranked = tied.sorted { BytewiseOrder.compare($0.tag, $1.tag) < 0 }
        guard let winner = prefer == .greatest ? ranked.last : ranked.first else { return }
        decision.selected = winner.tag
        decision.selectedValue = winner.key == winner.tag ? nil : winner.key
        decision.tiedWith = ranked.map(\.tag).filter { $0 != winner.tag }
    }
}

extension ImagePolicy {
    /// For a semver policy, whether moving a marked value from `current` to `proposed` would go
    /// to a lower version (compared after the policy's filter and extract, as selection does).
    /// nil when the question does not apply: not a semver policy, or either tag is not a
    /// version the policy can read.
    public func isDowngrade(from current: String, to proposed: String) -> Bool? {
        guard case .semver = rule else { return nil }
        func version(_ tag: String) -> SemanticVersion? {
            var value = tag
            if let filter {
                let decision = ImagePolicy(unchecked: .alphabetical(.asc), filter: filter).evaluate([tag])
                guard let selected = decision.selected else { return nil }
                value = decision.selectedValue ?? selected
            }
            return SemanticVersion(tag: value)
        }
        guard let from = version(current), let to = version(proposed) else { return nil }
        return SemanticVersion.compare(to, from) < 0
    }

    /// A policy whose rule needs no validation (alphabetical or numerical).
    private init(unchecked rule: Rule, filter: TagFilter?) {
        self.rule = rule
        self.filter = filter
        range = nil
    }
}
