internal import CPCRE2

/// A regular expression compiled once with PCRE2, configured to read the RE2 syntax that
/// Flux users write (`(?P<name>…)`, unanchored search, `$` only at the very end).
///
/// The compiled code and match context are never modified after `init`, and PCRE2
/// documents compiled patterns as shareable between threads (pcre2api(3),
/// "MULTITHREADING"), hence `@unchecked Sendable` without a lock. Match data is not
/// shareable: each evaluation makes its own `PatternMatcher`.
final class CompiledPattern: @unchecked Sendable {
    /// The pattern as the user wrote it.
    let source: String
    /// Number of capture groups (group 0, the whole match, not counted).
    let groupCount: Int
    /// Group numbers by name, in group order (PCRE2 allows duplicates only with `(?J)`).
    let groupNumbers: [String: [Int]]

    fileprivate let code: OpaquePointer
    fileprivate let matchContext: OpaquePointer
    /// Whether JIT compilation succeeded, so matching can skip `pcre2_match`'s checks.
    fileprivate let jitCompiled: Bool

    /// Bounds that turn catastrophic backtracking into an error instead of a hang.
    static let matchLimit: UInt32 = 1_000_000
    static let depthLimit: UInt32 = 10_000

    init(_ pattern: String) throws(PolicyError) {
        source = pattern
        // RE2 semantics: `$` matches only at the end of the text (not before a final
        // newline), `\d \w \s` stay ASCII (no PCRE2_UCP), the subject is UTF-8.
        let options = UInt32(PCRE2_UTF) | UInt32(PCRE2_DOLLAR_ENDONLY) | UInt32(PCRE2_NEVER_BACKSLASH_C)
        var errorCode: Int32 = 0
        var errorOffset = 0
        // A trailing NUL keeps the pointer valid for an empty pattern; the length excludes it.
        let bytes = Array(pattern.utf8) + [0]
        let compiled = bytes.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, bytes.count - 1, options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw PolicyError(
                .invalidPattern,
                "invalid regular expression pattern '\(pattern)': \(Self.errorMessage(errorCode)) at offset \(errorOffset)"
            )
        }
        guard let context = pcre2_match_context_create_8(nil) else {
            pcre2_code_free_8(compiled)
            throw PolicyError(.invalidPattern, "cannot allocate a PCRE2 match context for '\(pattern)'")
        }
        pcre2_set_match_limit_8(context, Self.matchLimit)
        pcre2_set_depth_limit_8(context, Self.depthLimit)
        // JIT is an optimisation only: when it is unavailable the interpreter runs the same pattern.
        jitCompiled = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0

        code = compiled
        matchContext = context
        var captureCount: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captureCount)
        groupCount = Int(captureCount)
        groupNumbers = Self.readNameTable(compiled)
    }

    deinit {
        pcre2_match_context_free_8(matchContext)
        pcre2_code_free_8(code)
    }

    /// A matcher with its own match data, for use by one task at a time.
    func makeMatcher() -> PatternMatcher { PatternMatcher(self) }

    /// Whether the pattern matches anywhere in `text` (a convenience for one-off checks).
    func matches(_ text: String) throws(PolicyError) -> Bool {
        try makeMatcher().firstMatch(in: text)
    }

    fileprivate static func errorMessage(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, 256) }
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
    }

    /// Reads PCRE2's name table: entries of `entrySize` bytes, a 2-byte big-endian group
    /// number followed by the NUL-terminated name.
    private static func readNameTable(_ code: OpaquePointer) -> [String: [Int]] {
        var count: UInt32 = 0
        var entrySize: UInt32 = 0
        var table: UnsafePointer<UInt8>?
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMECOUNT), &count)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMEENTRYSIZE), &entrySize)
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table)
        guard count > 0, let table else { return [:] }
        var names: [String: [Int]] = [:]
        for entry in 0..<Int(count) {
            let base = table + entry * Int(entrySize)
            let number = Int(base[0]) << 8 | Int(base[1])
            let name = String(cString: base + 2)
            names[name, default: []].append(number)
        }
        for key in names.keys { names[key]?.sort() }
        return names
    }
}

/// Match data for one `CompiledPattern`, reused across many subjects by one task.
final class PatternMatcher {
    let pattern: CompiledPattern
    private let matchData: OpaquePointer
    private let ovector: UnsafeMutablePointer<Int>
    private var lastSubjectLength = 0

    fileprivate init(_ pattern: CompiledPattern) {
        self.pattern = pattern
        // Allocation failure here means the process is out of memory; nothing sensible remains.
        guard let data = pcre2_match_data_create_from_pattern_8(pattern.code, nil) else {
            preconditionFailure("pcre2_match_data_create_from_pattern failed: out of memory")
        }
        matchData = data
        ovector = pcre2_get_ovector_pointer_8(data)
    }

    deinit { pcre2_match_data_free_8(matchData) }

    /// Searches `subject` (UTF-8 bytes) for the first match; afterwards `range(ofGroup:)`
    /// reports the groups of that match.
    func firstMatch(in subject: UnsafeBufferPointer<UInt8>, from offset: Int = 0) throws(PolicyError) -> Bool {
        // Swift strings are always valid UTF-8, so PCRE2 need not re-check every subject; the
        // JIT entry point skips pcre2_match's per-call checks (it honours the match limit too).
        let result = withEmptySafeBase(subject) { base in
            pattern.jitCompiled
                ? pcre2_jit_match_8(pattern.code, base, subject.count, offset, 0, matchData, pattern.matchContext)
                : pcre2_match_8(
                    pattern.code, base, subject.count, offset, UInt32(PCRE2_NO_UTF_CHECK), matchData,
                    pattern.matchContext)
        }
        if result >= 0 {
            lastSubjectLength = subject.count
            return true
        }
        if result == PCRE2_ERROR_NOMATCH { return false }
        let reason = CompiledPattern.errorMessage(result)
        throw PolicyError(
            .matchLimit,
            "regular expression '\(pattern.source)' failed on '\(String(decoding: subject, as: UTF8.self))': \(reason)"
        )
    }

    func firstMatch(in text: String) throws(PolicyError) -> Bool {
        var text = text
        // withUTF8 only rethrows untyped errors, so carry the typed one out in a Result.
        return try text.withUTF8 { bytes in Result { () throws(PolicyError) in try firstMatch(in: bytes) } }.get()
    }

    /// The byte range of capture group `group` in the last matched subject, or nil when the
    /// group did not take part in the match.
    func range(ofGroup group: Int) -> Range<Int>? {
        guard group >= 0, group <= pattern.groupCount else { return nil }
        let start = ovector[2 * group]
        let end = ovector[2 * group + 1]
        // PCRE2_UNSET is SIZE_MAX, which reads back as -1 through `Int`.
        guard start >= 0, end >= start, end <= lastSubjectLength else { return nil }
        return start..<end
    }
}

private let emptySubject: [UInt8] = [0]

/// PCRE2 rejects a NULL subject even when its length is zero.
private func withEmptySafeBase<R>(_ buffer: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<UInt8>) -> R) -> R {
    if let base = buffer.baseAddress { return body(base) }
    return emptySubject.withUnsafeBufferPointer { body($0.baseAddress!) }
}
