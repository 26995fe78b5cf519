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
        for pattern in compiled where try pattern.matches(tag) { return true }
        return false
    }
}
