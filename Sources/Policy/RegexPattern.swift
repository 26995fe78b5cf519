/// A regular expression in Go's RE2 syntax for other modules (the template engine's Sprig
/// `regex*` functions): the `CompiledPattern` Flux's tag filters use, searched from any offset.
public struct RegexPattern: Sendable {
    let compiled: CompiledPattern

    /// Compiles `pattern`; throws `.invalidPattern` with PCRE2's reason.
    public init(_ pattern: String) throws(PolicyError) {
        compiled = try CompiledPattern(pattern)
    }

    /// Number of capture groups (group 0 not counted).
    public var groupCount: Int { compiled.groupCount }

    /// Capture group numbers by name.
    public var groupNumbers: [String: [Int]] { compiled.groupNumbers }

    /// The byte ranges of groups 0...groupCount of the first match in `text` starting at byte
    /// `offset` or later (nil for a group that did not take part), or nil when nothing matches.
    public func match(in text: String, from offset: Int) throws(PolicyError) -> [Range<Int>?]? {
        let matcher = compiled.makeMatcher()
        var text = text
        let found = try text.withUTF8 { bytes in
            Result { () throws(PolicyError) in try matcher.firstMatch(in: bytes, from: offset) }
        }.get()
        guard found else { return nil }
        return (0...compiled.groupCount).map { matcher.range(ofGroup: $0) }
    }
}
