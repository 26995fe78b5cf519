/// What one evaluation saw and decided: the raw material for "why was this not updated?".
///
/// Every tag given is counted in exactly one of `excluded`, `filteredOut`, `invalid`,
/// `outsideRange` or `eligible` (unless the evaluation stopped early on a failure).
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
    /// Tags given to the policy.
    public var candidates: Int {
        get { counts.candidates }
        set { counts.candidates = newValue }
    }
    /// Dropped by the exclusion list.
    public var excluded: Int {
        get { counts.excluded }
        set { counts.excluded = newValue }
    }
    /// Did not match `filterTags.pattern`.
    public var filteredOut: Int {
        get { counts.filteredOut }
        set { counts.filteredOut = newValue }
    }
    /// Not a version (semver) or not a number (numerical); always 0 for alphabetical.
    public var invalid: Int {
        get { counts.invalid }
        set { counts.invalid = newValue }
    }
    /// Valid versions that do not satisfy the semver range.
    public var outsideRange: Int {
        get { counts.outsideRange }
        set { counts.outsideRange = newValue }
    }
    /// Compared to pick the winner.
    public var eligible: Int {
        get { counts.eligible }
        set { counts.eligible = newValue }
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
        let counts = summaryCounts + ", \(eligible) eligible"
        if let selected {
            let value = selectedValue.map { " (value \($0))" } ?? ""
            let ties = tiedWith.isEmpty ? "" : "; tied with \(tiedWith.joined(separator: ", "))"
            return "\(counts); selected \(selected)\(value)\(ties)"
        }
        return "\(counts); nothing selected: \(failure?.message ?? "no candidate")"
    }

    /// The counts of dropped tags, for messages: "120 tags, 3 excluded, 40 outside the range".
    var summaryCounts: String {
        var parts = ["\(candidates) tags"]
        if excluded > 0 { parts.append("\(excluded) excluded") }
        if filteredOut > 0 { parts.append("\(filteredOut) not matching the filter") }
        if invalid > 0 { parts.append("\(invalid) not parsable") }
        if outsideRange > 0 { parts.append("\(outsideRange) outside the range") }
        return parts.joined(separator: ", ")
    }
}
