import Policy

/// Sprig's regex functions (regex.go): Go `regexp` (RE2 syntax, leftmost-first) through
/// Policy's PCRE2 pattern, with Go's rules for empty matches and `$1`/`${name}` expansion.
enum SprigRegex {
    typealias S = TemplateSprig

    /// A regex function and its `must` twin: Go's `MustCompile` panics with
    /// `regexp: Compile(…): <error>`, `Compile` returns `<error>`.
    private static func pair(
        _ name: String, _ params: [ParamType],
        _ body: @escaping @Sendable (RegexPattern, [EvalValue], TemplateLimits) throws(FuncError) -> EvalValue
    )
        -> [(String, TemplateFunction)]
    {
        [
            (
                name,
                TemplateFunction(params: params) { a, l throws(FuncError) in
                    try body(try compile(S.s(a[0]), must: true), a, l)
                }
            ),
            (
                "must" + name.prefix(1).uppercased() + name.dropFirst(),
                TemplateFunction(params: params) { a, l throws(FuncError) in
                    try body(try compile(S.s(a[0]), must: false), a, l)
                }
            ),
        ]
    }

    static let functions: [String: TemplateFunction] = {
        var t: [String: TemplateFunction] = [
            "regexMatch": .init(params: [.string, .string]) { a, _ in
                guard let re = try? compile(S.s(a[0]), must: false) else { return .bool(false) }
                return .bool((try? re.match(in: S.s(a[1]), from: 0)) != nil)
            },
            "mustRegexMatch": .init(params: [.string, .string]) { a, _ throws(FuncError) in
                .bool(try find(try compile(S.s(a[0]), must: false), S.s(a[1]), 0) != nil)
            },
            "regexQuoteMeta": .init(params: [.string]) { a, _ in
                var out = ""
                for u in S.s(a[0]).unicodeScalars {
                    if #"\.+*?()|[]{}^$"#.unicodeScalars.contains(u) { out += "\\" }
                    out.unicodeScalars.append(u)
                }
                return .string(out)
            },
        ]
        let pairs: [(String, TemplateFunction)] =
            pair("regexFind", [.string, .string]) { re, a, _ throws(FuncError) in
                let text = S.s(a[1])
                guard let m = try find(re, text, 0), let r = m[0] else { return .string("") }
                return .string(slice(text, r))
            }
            + pair("regexFindAll", [.string, .string, .int]) { re, a, _ throws(FuncError) in
                let text = S.s(a[1])
                return .list(try findAll(re, text, S.i(a[2])).compactMap { $0[0] }.map { .string(slice(text, $0)) })
            }
            + pair("regexReplaceAll", [.string, .string, .string]) { re, a, l throws(FuncError) in
                try S.checked(try replaceAll(re, S.s(a[1]), S.s(a[2]), literal: false, l), l)
            }
            + pair("regexReplaceAllLiteral", [.string, .string, .string]) { re, a, l throws(FuncError) in
                try S.checked(try replaceAll(re, S.s(a[1]), S.s(a[2]), literal: true, l), l)
            }
            + pair("regexSplit", [.string, .string, .int]) { re, a, _ throws(FuncError) in
                .list(try split(re, S.s(a[0]), S.s(a[1]), S.i(a[2])).map { .string($0) })
            }
        for (name, f) in pairs { t[name] = f }
        return t
    }()

    // MARK: Compiling

    static func compile(_ pattern: String, must: Bool) throws(FuncError) -> RegexPattern {
        do {
            return try RegexPattern(pattern)
        } catch {
            let reason = "error parsing regexp: " + goReason(error.message, pattern)
            throw FuncError(must ? "regexp: Compile(\(goQuote(pattern))): \(reason)" : reason)
        }
    }

    /// Go's wording for the common syntax errors (PCRE2 says the same things differently).
    private static func goReason(_ pcre: String, _ pattern: String) -> String {
        let lower = pcre.lowercased()
        if lower.contains("missing closing parenthesis") { return "missing closing ): `\(pattern)`" }
        if lower.contains("missing terminating ]") {
            let start = pattern.lastIndex(of: "[") ?? pattern.startIndex
            return "missing closing ]: `\(pattern[start...])`"
        }
        if lower.contains("unmatched closing parenthesis") { return "unexpected ): `\(pattern)`" }
        if lower.contains("quantifier does not follow a repeatable item") {
            return "missing argument to repetition operator: `\(pattern.first.map(String.init) ?? "")`"
        }
        if let at = S.byteIndex(of: "': ", in: pcre) {
            return S.byteSlice(pcre, at + 3, pcre.utf8.count) + ": `\(pattern)`"
        }
        return pcre + ": `\(pattern)`"
    }

    /// `strconv.Quote`-like rendering Go's `regexp: Compile(...)` uses: backquoted when it can be.
    private static func goQuote(_ s: String) -> String {
        if !s.contains("`") && !s.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F })
        {
            return "`" + s + "`"
        }
        return GoFormat.quote(s)
    }

    // MARK: Matching

    private static func slice(_ text: String, _ r: Range<Int>) -> String {
        S.bytesString(Array(text.utf8)[r])
    }

    private static func find(_ re: RegexPattern, _ text: String, _ offset: Int) throws(FuncError) -> [Range<Int>?]? {
        do { return try re.match(in: text, from: offset) } catch { throw FuncError(error.message) }
    }

    /// Width of the UTF-8 character starting at byte `pos` (1 past the end).
    private static func width(_ b: [UInt8], _ pos: Int) -> Int {
        guard pos < b.count else { return 1 }
        let lead = b[pos]
        if lead < 0x80 { return 1 }
        if lead >= 0xF0 { return 4 }
        if lead >= 0xE0 { return 3 }
        return 2
    }

    /// Go's `allMatches`: an empty match right after the previous match is skipped, and the
    /// search moves on by one character after an empty match.
    static func findAll(_ re: RegexPattern, _ text: String, _ n: Int) throws(FuncError) -> [[Range<Int>?]] {
        let b = Array(text.utf8)
        var out: [[Range<Int>?]] = []
        var pos = 0
        var prevEnd = -1
        while (n < 0 || out.count < n) && pos <= b.count {
            guard let m = try find(re, text, pos), let whole = m[0] else { break }
            var accept = true
            if whole.upperBound == pos {
                if whole.lowerBound == prevEnd { accept = false }
                pos += width(b, pos)
            } else {
                pos = whole.upperBound
            }
            prevEnd = whole.upperBound
            if accept { out.append(m) }
        }
        return out
    }

    private static func replaceAll(
        _ re: RegexPattern, _ text: String, _ template: String, literal: Bool,
        _ l: TemplateLimits
    ) throws(FuncError) -> String {
        let b = Array(text.utf8)
        var out: [UInt8] = []
        var lastEnd = 0
        var search = 0
        while search <= b.count {
            guard let m = try find(re, text, search), let whole = m[0] else { break }
            out += b[lastEnd..<whole.lowerBound]
            if whole.upperBound > lastEnd || whole.lowerBound == 0 {
                if literal { out += Array(template.utf8) } else { out += expand(template, m, b, re) }
                if out.count > l.maxOutputBytes { throw S.limitError(l) }
            }
            lastEnd = whole.upperBound
            let w = width(b, search)
            if search + w > whole.upperBound {
                search += w
            } else if search + 1 > whole.upperBound {
                search += 1
            } else {
                search = whole.upperBound
            }
        }
        out += b[lastEnd...]
        return S.bytesString(out)
    }

    /// Go `Regexp.Expand`: `$n`, `$name`, `${…}`, `$$`.
    private static func expand(_ template: String, _ m: [Range<Int>?], _ text: [UInt8], _ re: RegexPattern) -> [UInt8] {
        let t = Array(template.utf8)
        var out: [UInt8] = []
        var k = 0
        func isNameByte(_ c: UInt8) -> Bool {
            (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) || c == 95 || c >= 0x80
        }
        while k < t.count {
            guard t[k] == UInt8(ascii: "$") else {
                out.append(t[k])
                k += 1
                continue
            }
            k += 1
            if k < t.count && t[k] == UInt8(ascii: "$") {
                out.append(t[k])
                k += 1
                continue
            }
            var name: ArraySlice<UInt8> = []
            var next = k
            if k < t.count && t[k] == UInt8(ascii: "{") {
                var e = k + 1
                while e < t.count && isNameByte(t[e]) { e += 1 }
                if e < t.count && t[e] == UInt8(ascii: "}") && e > k + 1 {
                    name = t[(k + 1)..<e]
                    next = e + 1
                }
            } else {
                var e = k
                while e < t.count && isNameByte(t[e]) { e += 1 }
                name = t[k..<e]
                next = e
            }
            if name.isEmpty {
                out.append(UInt8(ascii: "$"))
                continue
            }
            k = next
            let key = S.bytesString(name)
            var group: Int? = nil
            if name.allSatisfy({ (48...57).contains($0) }), name.count < 9, let n = Int(key) {
                group = n
            } else if let n = re.groupNumbers[key]?.first {
                group = n
            }
            if let g = group, g < m.count, let r = m[g] { out += text[r] }
        }
        return out
    }

    /// Go `Regexp.Split`.
    private static func split(_ re: RegexPattern, _ pattern: String, _ text: String, _ n: Int) throws(FuncError)
        -> [String]
    {
        if n == 0 { return [] }
        if !pattern.isEmpty && text.isEmpty { return [""] }
        let b = Array(text.utf8)
        var out: [String] = []
        var begin = 0
        var end = 0
        for m in try findAll(re, text, n) {
            guard let r = m[0] else { continue }
            if n > 0 && out.count == n - 1 { break }
            end = r.lowerBound
            if r.upperBound != 0 { out.append(S.bytesString(b[begin..<end])) }
            begin = r.upperBound
        }
        if end != b.count { out.append(S.bytesString(b[begin...])) }
        return out
    }
}

/// Sprig's `semver` and `semverCompare` through Policy's Masterminds-compatible semver.
enum SprigSemver {
    typealias S = TemplateSprig

    static let functions: [String: TemplateFunction] = [
        "semverCompare": .init(params: [.string, .string]) { a, _ throws(FuncError) in
            let range: SemverRange
            do { range = try SemverRange(S.s(a[0])) } catch { throw FuncError("improper constraint: \(S.s(a[0]))") }
            guard let v = SemanticVersion(lenient: S.s(a[1])) else { throw FuncError("Invalid Semantic Version") }
            return .bool(range.contains(v))
        },
        "semver": .init(params: [.string]) { a, _ throws(FuncError) in
            let text = S.s(a[0])
            guard let v = SemanticVersion(lenient: text) else { throw FuncError("Invalid Semantic Version") }
            return .record(record(v, original: text))
        },
    ]

    /// A `*semver.Version`: printed through `String()`, its niladic methods readable as fields.
    static func record(_ v: SemanticVersion, original: String) -> TemplateRecord {
        TemplateRecord(
            typeName: "*semver.Version",
            fields: [
                "Major": .int(Int(truncatingIfNeeded: v.major)), "Minor": .int(Int(truncatingIfNeeded: v.minor)),
                "Patch": .int(Int(truncatingIfNeeded: v.patch)), "Prerelease": .string(v.prerelease),
                "Metadata": .string(v.metadata), "Original": .string(original), "String": .string(v.description),
            ],
            fieldOrder: [],
            stringValue: v.description)
    }
}
