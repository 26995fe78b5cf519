/// `ImagePolicy.spec.filterTags`: only tags matching `pattern` (unanchored) are considered,
/// and when `extract` is set the policy compares the expansion of `extract` over the first
/// match instead of the tag itself (Go `Regexp.ExpandString`).
public struct TagFilter: Sendable {
    public let pattern: String
    /// Empty means "compare the tag itself", as in Flux.
    public let extract: String

    let compiled: CompiledPattern
    let template: ExtractTemplate?

    public init(pattern: String, extract: String = "") throws(PolicyError) {
        self.pattern = pattern
        self.extract = extract
        compiled = try CompiledPattern(pattern)
        template = extract.isEmpty ? nil : ExtractTemplate(extract, for: compiled)
    }
}

/// `ImageRepository.spec.exclusionList`: tags matching any pattern are dropped before any
/// policy sees them. A non-empty list replaces the default rather than adding to it.
public struct ExclusionList: Sendable {
    /// Flux's default: drop cosign signature tags.
    public static let defaultPatterns = [#"^.*\.sig$"#]

    public let patterns: [String]
    let compiled: [CompiledPattern]

    /// An empty `patterns` means the default list.
    public init(_ patterns: [String] = []) throws(PolicyError) {
        self.patterns = patterns.isEmpty ? Self.defaultPatterns : patterns
        var compiled: [CompiledPattern] = []
        for pattern in self.patterns { compiled.append(try CompiledPattern(pattern)) }
        self.compiled = compiled
    }

    /// Whether any pattern matches `tag`.
    public func excludes(_ tag: String) throws(PolicyError) -> Bool {
        try partition([tag]).excluded == 1
    }

    /// Splits `tags` into those kept (in order) and the number dropped, reusing one matcher
    /// per pattern for the whole list (a repository scan applies this to every tag).
    public func partition(_ tags: [String]) throws(PolicyError) -> (kept: [String], excluded: Int) {
        let matchers = compiled.map { $0.makeMatcher() }
        var kept: [String] = []
        kept.reserveCapacity(tags.count)
        for tag in tags {
            var excluded = false
            for matcher in matchers where try matcher.firstMatch(in: tag) {
                excluded = true
                break
            }
            if !excluded { kept.append(tag) }
        }
        return (kept, tags.count - kept.count)
    }
}
