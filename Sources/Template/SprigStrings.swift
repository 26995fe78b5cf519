import Basics

/// Sprig's string functions (strings.go, goutils, xstrings), measured in UTF-8 bytes as Go does.
enum SprigStrings {
    typealias S = TemplateSprig

    static let functions: [String: TemplateFunction] = [
        "lower": .init(params: [.string]) { a, _ in .string(GoCase.lower(S.s(a[0]))) },
        "upper": .init(params: [.string]) { a, _ in .string(GoCase.upper(S.s(a[0]))) },
        "title": .init(params: [.string]) { a, _ in .string(GoCase.title(S.s(a[0]))) },
        "untitle": .init(params: [.string]) { a, _ in .string(untitle(S.s(a[0]))) },
        "swapcase": .init(params: [.string]) { a, _ in .string(swapCase(S.s(a[0]))) },
        "camelcase": .init(params: [.string]) { a, _ in .string(camelCase(S.s(a[0]))) },
        "snakecase": .init(params: [.string]) { a, _ in .string(XStringsCase.lowerWords(S.s(a[0]), connector: "_")) },
        "kebabcase": .init(params: [.string]) { a, _ in .string(XStringsCase.lowerWords(S.s(a[0]), connector: "-")) },
        "shuffle": .init(params: [.string]) { a, _ in
            var out = ""
            out.unicodeScalars.append(contentsOf: Array(S.s(a[0]).unicodeScalars).shuffled())
            return .string(out)
        },
        "trim": .init(params: [.string]) { a, _ in .string(trimSet(S.s(a[0]), GoCase.isSpace)) },
        "trimAll": .init(params: [.string, .string]) { a, _ in .string(trimCutset(S.s(a[1]), S.s(a[0]))) },
        "trimall": .init(params: [.string, .string]) { a, _ in .string(trimCutset(S.s(a[1]), S.s(a[0]))) },
        "trimPrefix": .init(params: [.string, .string]) { a, _ in
            let (p, str) = (S.s(a[0]), S.s(a[1]))
            return .string(str.utf8.starts(with: p.utf8) ? S.bytesString(Array(str.utf8).dropFirst(p.utf8.count)) : str)
        },
        "trimSuffix": .init(params: [.string, .string]) { a, _ in
            let (p, str) = (S.s(a[0]), S.s(a[1]))
            return .string(
                str.utf8.reversed().starts(with: p.utf8.reversed())
                    ? S.bytesString(Array(str.utf8).dropLast(p.utf8.count)) : str)
        },
        "nospace": .init(params: [.string]) { a, _ in
            // goutils works byte by byte and re-encodes each byte of a multi-byte character as
            // its own rune (mangling it); imagebot deletes white space character by character.
            var out = ""
            out.unicodeScalars.append(contentsOf: S.s(a[0]).unicodeScalars.filter { !GoCase.isSpace($0) })
            return .string(out)
        },
        "initials": .init(params: [.string]) { a, _ in
            // goutils reads bytes as runes (a multi-byte first letter comes out mangled);
            // imagebot takes whole characters.
            var out = ""
            var gap = true
            for u in S.s(a[0]).unicodeScalars {
                if GoCase.isSpace(u) {
                    gap = true
                } else if gap {
                    out.unicodeScalars.append(u)
                    gap = false
                }
            }
            return .string(out)
        },
        "trunc": .init(params: [.int, .string]) { a, _ in
            let (c, str) = (S.i(a[0]), S.s(a[1]))
            let n = str.utf8.count
            if c < 0 && n + c > 0 { return .string(S.byteSlice(str, n + c, n)) }
            if c >= 0 && n > c { return .string(S.byteSlice(str, 0, c)) }
            return .string(str)
        },
        "substr": .init(params: [.int, .int, .string]) { a, _ throws(FuncError) in
            let (start, end, str) = (S.i(a[0]), S.i(a[1]), S.s(a[2]))
            let n = str.utf8.count
            if start < 0 {
                try S.checkSlice(0, end, n)
                return .string(S.byteSlice(str, 0, end))
            }
            if end < 0 || end > n {
                try S.checkSlice(start, n, n)
                return .string(S.byteSlice(str, start, n))
            }
            try S.checkSlice(start, end, n)
            return .string(S.byteSlice(str, start, end))
        },
        "abbrev": .init(params: [.int, .string]) { a, _ in
            let (w, str) = (S.i(a[0]), S.s(a[1]))
            if w < 4 { return .string(str) }
            return .string(abbreviate(str, offset: 0, width: w) ?? "")
        },
        "abbrevboth": .init(params: [.int, .int, .string]) { a, _ in
            let (left, right, str) = (S.i(a[0]), S.i(a[1]), S.s(a[2]))
            if right < 4 || left > 0 && right < 7 { return .string(str) }
            return .string(abbreviate(str, offset: left, width: right) ?? "")
        },
        "wrap": .init(params: [.int, .string]) { a, l throws(FuncError) in
            guard let r = wrap(S.s(a[1]), S.i(a[0]), newline: "", longWords: false, limit: l.maxOutputBytes) else {
                throw S.limitError(l)
            }
            return .string(r)
        },
        "wrapWith": .init(params: [.int, .string, .string]) { a, l throws(FuncError) in
            guard let r = wrap(S.s(a[2]), S.i(a[0]), newline: S.s(a[1]), longWords: true, limit: l.maxOutputBytes)
            else { throw S.limitError(l) }
            return .string(r)
        },
        "contains": .init(params: [.string, .string]) { a, _ in
            let (sub, str) = (S.s(a[0]), S.s(a[1]))
            return .bool(S.byteIndex(of: sub, in: str) != nil)
        },
        "hasPrefix": .init(params: [.string, .string]) { a, _ in .bool(S.s(a[1]).utf8.starts(with: S.s(a[0]).utf8)) },
        "hasSuffix": .init(params: [.string, .string]) { a, _ in
            .bool(S.s(a[1]).utf8.reversed().starts(with: S.s(a[0]).utf8.reversed()))
        },
        "repeat": .init(params: [.int, .string]) { a, l throws(FuncError) in
            let (c, str) = (S.i(a[0]), S.s(a[1]))
            if c < 0 { throw FuncError("strings: negative Repeat count") }
            if c > 0 && str.utf8.count > l.maxOutputBytes / c { throw S.limitError(l) }
            return .string(String(repeating: str, count: c))
        },
        "replace": .init(params: [.string, .string, .string]) { a, l throws(FuncError) in
            let (old, new, src) = (S.s(a[0]), S.s(a[1]), S.s(a[2]))
            let occurrences = old.isEmpty ? src.unicodeScalars.count + 1 : max(0, S.split(src, old).count - 1)
            if src.utf8.count + occurrences * new.utf8.count > l.maxOutputBytes { throw S.limitError(l) }
            return .string(goReplace(src, old: old, new: new, count: -1))
        },
        "plural": .init(params: [.string, .string, .int]) { a, _ in S.i(a[2]) == 1 ? a[0] : a[1] },
        "quote": .init(params: [], variadic: .any) { a, l throws(FuncError) in
            try S.joined(a.compactMap { $0 == nil || $0 == .null ? nil : GoFormat.quote(S.strval($0!)) }, " ", l)
        },
        "squote": .init(params: [], variadic: .any) { a, l throws(FuncError) in
            try S.joined(a.compactMap { $0 == nil || $0 == .null ? nil : "'" + GoFormat.sprint($0!) + "'" }, " ", l)
        },
        "cat": .init(params: [], variadic: .any) { a, l throws(FuncError) in
            try S.joined(a.compactMap { $0 == nil || $0 == .null ? nil : GoFormat.sprint($0!) }, " ", l)
        },
        "indent": .init(params: [.int, .string]) { a, l throws(FuncError) in
            .string(try indent(S.i(a[0]), S.s(a[1]), l))
        },
        "nindent": .init(params: [.int, .string]) { a, l throws(FuncError) in
            .string("\n" + (try indent(S.i(a[0]), S.s(a[1]), l)))
        },
        "toString": .init(params: [.any]) { a, _ in .string(S.strval(a[0] ?? .null)) },
        "toStrings": .init(params: [.any]) { a, _ in .list(S.strslice(a[0] ?? .null).map { .string($0) }) },
        "join": .init(params: [.string, .any]) { a, l throws(FuncError) in
            try S.joined(S.strslice(a[1] ?? .null), S.s(a[0]), l)
        },
        "sortAlpha": .init(params: [.any]) { a, _ in
            let v = a[0] ?? .null
            guard case .list = v else { return .list([.string(S.strval(v))]) }
            return .list(S.strslice(v).sorted { BytewiseOrder.compare($0, $1) < 0 }.map { .string($0) })
        },
        "split": .init(params: [.string, .string]) { a, _ in
            splitMap(S.split(S.s(a[1]), S.s(a[0])))
        },
        "splitn": .init(params: [.string, .int, .string]) { a, _ in
            splitMap(S.split(S.s(a[2]), S.s(a[0]), limit: S.i(a[1])))
        },
        "splitList": .init(params: [.string, .string]) { a, _ in
            .list(S.split(S.s(a[1]), S.s(a[0])).map { .string($0) })
        },
    ]

    private static func splitMap(_ parts: [String]) -> TemplateValue {
        var m: [TemplateValue: TemplateValue] = [:]
        for (k, part) in parts.enumerated() { m[.string("_\(k)")] = .string(part) }
        return .map(m)
    }

    private static func indent(_ n: Int, _ str: String, _ l: TemplateLimits) throws(FuncError) -> String {
        if n < 0 { throw FuncError("strings: negative Repeat count") }
        let lines = S.split(str, "\n").count
        if n > l.maxOutputBytes || lines * n + str.utf8.count > l.maxOutputBytes { throw S.limitError(l) }
        let pad = String(repeating: " ", count: n)
        return pad + goReplace(str, old: "\n", new: "\n" + pad, count: -1)
    }

    static func trimSet(_ str: String, _ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = str.unicodeScalars
        guard let first = scalars.firstIndex(where: { !drop($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !drop($0) })!
        return String(scalars[first...last])
    }

    /// Go `strings.Trim(s, cutset)`.
    static func trimCutset(_ str: String, _ cutset: String) -> String {
        if str.isEmpty || cutset.isEmpty { return str }
        let cut = Set(cutset.unicodeScalars)
        return trimSet(str) { cut.contains($0) }
    }

    /// goutils `Uncapitalize`: lower-cases the first letter of every space-separated word.
    static func untitle(_ str: String) -> String {
        var out = ""
        var next = true
        for u in str.unicodeScalars {
            if GoCase.isSpace(u) {
                next = true
                out.unicodeScalars.append(u)
            } else if next {
                out.unicodeScalars.append(GoCase.toLower(u))
                next = false
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// goutils `SwapCase`.
    static func swapCase(_ str: String) -> String {
        var out = ""
        var whitespace = true
        for u in str.unicodeScalars {
            switch u.properties.generalCategory {
            case .uppercaseLetter, .titlecaseLetter:
                out.unicodeScalars.append(GoCase.toLower(u))
                whitespace = false
            case .lowercaseLetter:
                out.unicodeScalars.append(whitespace ? GoCase.toTitle(u) : GoCase.toUpper(u))
                whitespace = false
            default:
                out.unicodeScalars.append(u)
                whitespace = GoCase.isSpace(u)
            }
        }
        return out
    }

    private static func isConnector(_ u: Unicode.Scalar) -> Bool { u == "-" || u == "_" || GoCase.isSpace(u) }

    /// xstrings 1.5's `ToPascalCase`, Sprig 3.3.0's `camelcase`: connectors dropped, the
    /// letter after one upper-cased; a word that starts upper-case has its following capitals
    /// lowered (`ALL_CAPS` → `AllCaps`), one that starts lower-case keeps its case
    /// (`someWords` → `SomeWords`; Sprig 3.2.3's xstrings 1.3 gave `Somewords`).
    static func camelCase(_ str: String) -> String {
        var scalars = str.unicodeScalars.makeIterator()
        var out = String.UnicodeScalarView()
        var firstUpper = false
        var r0: Unicode.Scalar? = nil
        var last: Unicode.Scalar? = nil
        while let u = scalars.next() {
            last = u
            if !isConnector(u) {
                firstUpper = isUpper(u)
                r0 = GoCase.toUpper(u)
                break
            }
            out.append(u)
        }
        // Connectors only: xstrings writes the last one a second time.
        guard var current = r0 else {
            if let last { out.append(last) }
            return String(out)
        }
        while let u = scalars.next() {
            let previous = current
            current = u
            if isConnector(current) && isConnector(previous) {
                out.append(previous)
                continue
            }
            if isConnector(previous) {
                firstUpper = isUpper(current)
                current = GoCase.toUpper(current)
            } else {
                if firstUpper {
                    if isUpper(current) { current = GoCase.toLower(current) } else { firstUpper = false }
                }
                out.append(previous)
            }
        }
        out.append(current)
        return String(out)
    }

    private static func isUpper(_ u: Unicode.Scalar) -> Bool { u.properties.generalCategory == .uppercaseLetter }

    /// goutils `AbbreviateFull` (nil for its errors, which Sprig turns into "").
    static func abbreviate(_ str: String, offset: Int, width: Int) -> String? {
        let n = str.utf8.count
        if n == 0 { return "" }
        if width < 4 { return nil }
        if n <= width { return str }
        var offset = min(offset, n)
        if n - offset < width - 3 { offset = n - (width - 3) }
        if offset <= 4 { return S.byteSlice(str, 0, width - 3) + "..." }
        if width < 7 { return nil }
        if offset + width - 3 < n {
            return "..." + (abbreviate(S.byteSlice(str, offset, n), offset: 0, width: width - 3) ?? "")
        }
        return "..." + S.byteSlice(str, n - (width - 3), n)
    }

    /// goutils `WrapCustom`; nil when the result would exceed `limit` bytes.
    static func wrap(_ str: String, _ length: Int, newline: String, longWords: Bool, limit: Int) -> String? {
        if str.isEmpty { return "" }
        let nl = newline.isEmpty ? "\n" : newline
        let width = max(length, 1)
        let b = Array(str.utf8)
        let n = b.count
        var offset = 0
        var out = ""
        func piece(_ from: Int, _ to: Int) -> String { S.byteSlice(str, from, to) }
        while n - offset > width {
            if out.utf8.count > limit { return nil }
            if b[offset] == 32 {
                offset += 1
                continue
            }
            let end = min(width + offset + 1, n)
            let space = b[offset..<end].lastIndex(of: 32)
            if let space {
                out += piece(offset, space) + nl
                offset = space + 1
            } else if longWords {
                var cut = width + offset
                while cut > offset + 1 && cut < n && b[cut] & 0xC0 == 0x80 { cut -= 1 }
                out += piece(offset, cut) + nl
                offset = cut
            } else if let index = b[(width + offset)...].firstIndex(of: 32) {
                out += piece(offset, index) + nl
                offset = index + 1
            } else {
                out += piece(offset, n)
                offset = n
            }
        }
        return out + piece(offset, n)
    }
}

/// xstrings' `camelCaseToLowerCase` (snakecase, kebabcase): words split at case changes,
/// numbers and connectors, lower-cased and joined with the connector.
enum XStringsCase {
    private enum Word { case invalid, number, upper, alphabet, connector, punct, other }

    private static func isConnector(_ u: Unicode.Scalar) -> Bool { u == "-" || u == "_" || GoCase.isSpace(u) }
    private static func isUpper(_ u: Unicode.Scalar) -> Bool { u.properties.generalCategory == .uppercaseLetter }
    private static func isNumber(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }
    private static func isPunct(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }
    private static func isLetter(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }
    private static func isAlphabet(_ u: Unicode.Scalar) -> Bool {
        guard isLetter(u) else { return false }
        let v = u.value
        if v < 0x3400 { return true }
        if (0x4E00...0x9FCC).contains(v) || (0x3400...0x4D85).contains(v) || (0x20000...0x2B81D).contains(v) {
            return false
        }
        return true
    }

    /// Next word of `s` starting at `start`: its type and end index.
    private static func nextWord(_ s: [Unicode.Scalar], _ start: Int) -> (Word, Int) {
        var i = start
        let r = s[i]
        i += 1
        func scan(_ keep: (Unicode.Scalar) -> Bool) { while i < s.count, keep(s[i]) { i += 1 } }
        if isConnector(r) {
            scan(isConnector)
            return (.connector, i)
        }
        if isPunct(r) {
            scan(isPunct)
            return (.punct, i)
        }
        if isUpper(r) {
            guard i < s.count else { return (.upper, i) }
            if isUpper(s[i]) {
                var last = i
                while i < s.count, isUpper(s[i]) {
                    last = i
                    i += 1
                }
                if i < s.count, isAlphabet(s[i]) { i = last }
            } else if isAlphabet(s[i]) {
                scan { isAlphabet($0) && !isUpper($0) }
            }
            return (.upper, i)
        }
        if isAlphabet(r) {
            scan { isAlphabet($0) && !isUpper($0) }
            return (.alphabet, i)
        }
        if isNumber(r) {
            scan(isNumber)
            return (.number, i)
        }
        scan { !(isConnector($0) || isAlphabet($0) || isNumber($0) || isPunct($0)) }
        return (.other, i)
    }

    static func lowerWords(_ str: String, connector: Unicode.Scalar) -> String {
        let s = Array(str.unicodeScalars)
        if s.isEmpty { return "" }
        var out = String.UnicodeScalarView()
        func lower(_ wt: Word, _ range: Range<Int>) {
            if wt != .upper && wt != .connector {
                out.append(contentsOf: s[range])
                return
            }
            for u in s[range] {
                if isConnector(u) {
                    out.append(connector)
                } else if isUpper(u) {
                    out.append(GoCase.toLower(u))
                } else {
                    out.append(u)
                }
            }
        }
        var pos = 0
        func next() -> (Word, Range<Int>) {
            guard pos < s.count else { return (.invalid, pos..<pos) }
            let (wt, end) = nextWord(s, pos)
            defer { pos = end }
            return (wt, pos..<end)
        }
        var (wt, word) = next()
        while pos < s.count {
            if wt != .connector { lower(wt, word) }
            let prev = wt
            let last = word
            (wt, word) = next()
            switch prev {
            case .number:
                while wt == .alphabet || wt == .number {
                    lower(wt, word)
                    (wt, word) = next()
                }
                if wt != .invalid && wt != .punct && wt != .connector { out.append(connector) }
            case .connector:
                lower(prev, last)
            case .punct:
                break
            default:
                if wt != .number {
                    if wt != .connector && wt != .punct { out.append(connector) }
                    break
                }
                if pos >= s.count { break }
                let numberWord = word
                (wt, word) = next()
                if wt != .alphabet {
                    lower(.number, numberWord)
                    if wt != .connector && wt != .punct { out.append(connector) }
                    break
                }
                out.append(connector)
                lower(.number, numberWord)
                while wt == .alphabet || wt == .number {
                    lower(wt, word)
                    (wt, word) = next()
                }
                if wt != .invalid && wt != .connector && wt != .punct { out.append(connector) }
            }
        }
        lower(wt, word)
        return String(out)
    }
}

/// Go's `unicode` case mapping: one code point to one code point (UnicodeData's simple
/// mappings), unlike Swift's full mappings (`İ` lower-cases to `i`, `ß` stays `ß`).
enum GoCase {
    /// Go `unicode.IsSpace`.
    static func isSpace(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0: return true
        case 0..<0x100: return false
        default: return u.properties.isWhitespace
        }
    }

    private static func single(_ mapped: String, _ u: Unicode.Scalar) -> Unicode.Scalar? {
        let scalars = mapped.unicodeScalars
        return scalars.count == 1 ? scalars.first : nil
    }

    static func toLower(_ u: Unicode.Scalar) -> Unicode.Scalar {
        if u.value < 0x80 { return (65...90).contains(u.value) ? Unicode.Scalar(u.value + 32)! : u }
        if u.value == 0x130 { return "i" }
        return single(u.properties.lowercaseMapping, u) ?? u
    }

    static func toUpper(_ u: Unicode.Scalar) -> Unicode.Scalar {
        if u.value < 0x80 { return (97...122).contains(u.value) ? Unicode.Scalar(u.value - 32)! : u }
        if let special = ypogegrammeni(u) { return special }
        return single(u.properties.uppercaseMapping, u) ?? u
    }

    static func toTitle(_ u: Unicode.Scalar) -> Unicode.Scalar {
        if u.value < 0x80 { return toUpper(u) }
        if let special = ypogegrammeni(u) { return special }
        return single(u.properties.titlecaseMapping, u) ?? u
    }

    /// Greek letters with ypogegrammeni: full upper-casing gives two letters, the simple
    /// mapping the title-case letter with prosgegrammeni.
    private static func ypogegrammeni(_ u: Unicode.Scalar) -> Unicode.Scalar? {
        switch u.value {
        case 0x1F80...0x1F87, 0x1F90...0x1F97, 0x1FA0...0x1FA7: return Unicode.Scalar(u.value + 8)
        case 0x1FB3: return Unicode.Scalar(0x1FBC)
        case 0x1FC3: return Unicode.Scalar(0x1FCC)
        case 0x1FF3: return Unicode.Scalar(0x1FFC)
        default: return nil
        }
    }

    static func lower(_ s: String) -> String { map(s, toLower) }
    static func upper(_ s: String) -> String { map(s, toUpper) }

    private static func map(_ s: String, _ f: (Unicode.Scalar) -> Unicode.Scalar) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars { out.append(f(u)) }
        return String(out)
    }

    /// Go `strings.Title`: the first letter of each word to title case.
    static func title(_ str: String) -> String {
        var out = String.UnicodeScalarView()
        var prev: Unicode.Scalar = " "
        for u in str.unicodeScalars {
            out.append(isSeparator(prev) ? toTitle(u) : u)
            prev = u
        }
        return String(out)
    }

    private static func isSeparator(_ r: Unicode.Scalar) -> Bool {
        if r.isASCII {
            let c = r.value
            if (48...57).contains(c) || (97...122).contains(c) || (65...90).contains(c) || c == 95 { return false }
            return true
        }
        switch r.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber:
            return false
        default: return isSpace(r)
        }
    }
}
