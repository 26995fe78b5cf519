/// What one evaluation saw and decided: the raw material for "why was this not updated?".
///
/// Every tag given is counted in exactly one of `excluded`, `filteredOut`, `invalid`,
/// `outsideRange` or `eligible` (unless the evaluation stopped early on a failure).
@dynamicMemberLookup
public struct PolicyDecision: Sendable, Hashable {
    /// How many tags went where: the one record of the counts that `select --explain`, `scan`,
    /// the status API and the daemon's page show.
    public struct Counts: Sendable, Hashable, Codable {
        /// Tags given to the policy.
        public var candidates = 0
        /// Dropped by the exclusion list.
        public var excluded = 0
        /// Did not match `filterTags.pattern`.
        public var filteredOut = 0
        /// Not a version (semver) or not a number (numerical); always 0 for alphabetical.
        public var invalid = 0
        /// Valid versions that do not satisfy the semver range.
        public var outsideRange = 0
        /// Compared to pick the winner.
        public var eligible = 0

        public init(
            candidates: Int = 0, excluded: Int = 0, filteredOut: Int = 0, invalid: Int = 0, outsideRange: Int = 0,
            eligible: Int = 0
        ) {
            self.candidates = candidates
            self.excluded = excluded
            self.filteredOut = filteredOut
            self.invalid = invalid
            self.outsideRange = outsideRange
            self.eligible = eligible
        }
    }

    /// Where the tags went.
    public var counts = Counts()
    /// The counts read and written in place (`decision.eligible`), as fields of the decision.
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<Counts, Value>) -> Value {
        get { counts[keyPath: keyPath] }
        set { counts[keyPath: keyPath] = newValue }
    }
    /// The winner's original tag.
    public var selected: String?
    /// The value compared for the winner when `extract` is set (otherwise the tag itself).
    public var selectedValue: String?
    /// Other tags that compared equal to the winner; the tie-break rule chose among them.
    public var tiedWith: [String] = []
    /// Why nothing was selected (or why the policy failed); nil when `selected` is set.
    public var failure: PolicyError?

    public init() {}

    /// One line for people: the counts, then the winner or the reason there is none.
    public var summary: String {
        let tally = summaryCounts + ", \(counts.eligible) eligible"
        if let selected {
            let value = selectedValue.map { " (value \($0))" } ?? ""
            let ties = tiedWith.isEmpty ? "" : "; tied with \(tiedWith.joined(separator: ", "))"
            return "\(tally); selected \(selected)\(value)\(ties)"
        }
        return "\(tally); nothing selected: \(failure?.message ?? "no candidate")"
    }

    /// The counts of dropped tags, for messages: "120 tags, 3 excluded, 40 outside the range".
    var summaryCounts: String {
        var parts = ["\(counts.candidates) tags"]
        if counts.excluded > 0 { parts.append("\(counts.excluded) excluded") }
        if counts.filteredOut > 0 { parts.append("\(counts.filteredOut) not matching the filter") }
        if counts.invalid > 0 { parts.append("\(counts.invalid) not parsable") }
        if counts.outsideRange > 0 { parts.append("\(counts.outsideRange) outside the range") }
        return parts.joined(separator: ", ")
    }
}
