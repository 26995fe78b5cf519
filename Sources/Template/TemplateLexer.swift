/// Tokens of Go's text/template action language.
enum TokenKind: Equatable {
    case text(String)
    case leftDelim
    case rightDelim
    case identifier(String)
    case keyword(String)  // if else end range with define template block break continue
    case boolLit(Bool)
    case nilLit
    case field(String)  // ".Name" without the dot
    case variable(String)  // "$name" including the dollar
    case dot
    case string(quoted: String, value: String)
    case number(String)
    case charConst(String)
    case pipe
    case leftParen
    case rightParen
    case comma
    /// Another printable ASCII character in an action (Go's itemChar), an error for the parser.
    case char(String)
    case declare
    case assign
    case eof
}

struct Token {
    var kind: TokenKind
    var pos: Int  // byte offset in the source
    var spaceBefore: Bool  // whitespace directly precedes the token inside an action
}

struct LexError: Error {
    var message: String
    var pos: Int
}

/// Turns template source into tokens (text, delimiters, action tokens); handles trim markers and comments.
struct TemplateLexer {
    private let src: [UInt8]
    private var i = 0
    private var tokens: [Token] = []
    private var parenDepth = 0

    init(_ source: String) { src = Array(source.utf8) }

    static let keywords: Set<String> = [
        "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
    ]

    private static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }
    private static func isAlnum(_ c: UInt8) -> Bool {
        c == 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c >= 0x80
    }

    private func has(_ s: String, at p: Int) -> Bool {
        let b = Array(s.utf8)
        return p + b.count <= src.count && src[p..<(p + b.count)].elementsEqual(b)
    }

    /// `" -}}"` (one space char, dash, delimiter) at `p`.
    private func rightTrimMarker(at p: Int) -> Bool {
        p + 3 < src.count && Self.isSpace(src[p]) && src[p + 1] == 45 && has("}}", at: p + 2)
    }

    /// The tokens before the first lexical error, ending in an EOF at the error: Go's lexer runs
    /// ahead of the parser only as far as it reads, so a parse error before that point wins.
    /// The EOF sits where the lexer stopped reading.
    func tokensBeforeError() -> [Token] {
        tokens + [Token(kind: .eof, pos: max(i, (tokens.last?.pos ?? 0) + 1), spaceBefore: false)]
    }

    mutating func tokenize() throws(LexError) -> [Token] {
        var textStart = 0
        var trimNextText = false
        while true {
            // find next "{{"
            var j = i
            while j < src.count, !has("{{", at: j) { j += 1 }
            var textEnd = j
            var leftTrim = false
            if j < src.count, j + 3 < src.count, src[j + 2] == 45, Self.isSpace(src[j + 3]) { leftTrim = true }
            var textBytes = Array(src[textStart..<textEnd])
            if trimNextText { while let f = textBytes.first, Self.isSpace(f) { textBytes.removeFirst() } }
            if leftTrim { while let l = textBytes.last, Self.isSpace(l) { textBytes.removeLast() } }
            if !textBytes.isEmpty {
                tokens.append(
                    Token(kind: .text(String(decoding: textBytes, as: UTF8.self)), pos: textStart, spaceBefore: false))
            }
            if j >= src.count {
                tokens.append(Token(kind: .eof, pos: src.count, spaceBefore: false))
                return tokens
            }
            textEnd = j
            let delimPos = j
            i = j + 2 + (leftTrim ? 2 : 0)
            // comment?
            if has("/*", at: i) {
                guard let close = findComment(from: i + 2) else {
                    throw LexError(message: "unclosed comment", pos: delimPos)
                }
                i = close + 2
                if has("}}", at: i) {
                    i += 2
                    trimNextText = false
                } else if rightTrimMarker(at: i) {
                    i += 4
                    trimNextText = true
                } else {
                    throw LexError(message: "comment ends before closing delimiter", pos: delimPos)
                }
                textStart = i
                continue
            }
            tokens.append(Token(kind: .leftDelim, pos: delimPos, spaceBefore: false))
            trimNextText = try lexInsideAction(delimPos: delimPos)
            textStart = i
        }
    }

    private func findComment(from p: Int) -> Int? {
        var k = p
        while k + 1 < src.count {
            if src[k] == 42 && src[k + 1] == 47 { return k }
            k += 1
        }
        return nil
    }

    /// Lexes until the right delimiter; returns whether it carried a trim marker.
    private mutating func lexInsideAction(delimPos: Int) throws(LexError) -> Bool {
        parenDepth = 0
        var space = false
        while true {
            if rightTrimMarker(at: i) {
                if parenDepth > 0 { throw LexError(message: "unclosed left paren", pos: i + 2) }
                tokens.append(Token(kind: .rightDelim, pos: i + 2, spaceBefore: true))
                i += 4
                return true
            }
            if has("}}", at: i) {
                if parenDepth > 0 { throw LexError(message: "unclosed left paren", pos: i) }
                tokens.append(Token(kind: .rightDelim, pos: i, spaceBefore: space))
                i += 2
                return false
            }
            guard i < src.count else { throw LexError(message: "unclosed action", pos: delimPos) }
            let c = src[i]
            let start = i
            if Self.isSpace(c) {
                space = true
                i += 1
                continue
            }
            func emit(_ k: TokenKind) { tokens.append(Token(kind: k, pos: start, spaceBefore: space)) }
            switch c {
            case UInt8(ascii: "|"):
                i += 1
                emit(.pipe)
            case UInt8(ascii: "("):
                i += 1
                parenDepth += 1
                emit(.leftParen)
            case UInt8(ascii: ")"):
                i += 1
                parenDepth -= 1
                if parenDepth < 0 {
                    // Go emits the paren before the error: the parser may stop on it first.
                    emit(.rightParen)
                    throw LexError(message: "unexpected right paren U+0029 ')'", pos: start)
                }
                emit(.rightParen)
            case UInt8(ascii: ","):
                i += 1
                emit(.comma)
            case UInt8(ascii: ":"):
                guard i + 1 < src.count, src[i + 1] == UInt8(ascii: "=") else {
                    throw LexError(message: "expected :=", pos: start)
                }
                i += 2
                emit(.declare)
            case UInt8(ascii: "="):
                i += 1
                emit(.assign)
            case UInt8(ascii: "\""): emit(try lexQuote())
            case UInt8(ascii: "`"):
                var k = i + 1
                while k < src.count, src[k] != UInt8(ascii: "`") { k += 1 }
                guard k < src.count else { throw LexError(message: "unterminated raw quoted string", pos: start) }
                let raw = String(decoding: src[(i + 1)..<k], as: UTF8.self).replacingOccurrences("\r", "")
                emit(.string(quoted: String(decoding: src[i...k], as: UTF8.self), value: raw))
                i = k + 1
            case UInt8(ascii: "'"):
                var k = i + 1
                while k < src.count, src[k] != UInt8(ascii: "'") {
                    if src[k] == UInt8(ascii: "\\") { k += 1 }
                    if k < src.count, src[k] == 10 { break }
                    k += 1
                }
                guard k < src.count, src[k] == UInt8(ascii: "'") else {
                    throw LexError(message: "unterminated character constant", pos: start)
                }
                emit(.charConst(String(decoding: src[i...k], as: UTF8.self)))
                i = k + 1
            case UInt8(ascii: "$"):
                var k = i + 1
                while k < src.count, Self.isAlnum(src[k]) { k += 1 }
                try checkTerminator(k)
                emit(.variable(String(decoding: src[i..<k], as: UTF8.self)))
                i = k
            case UInt8(ascii: "."):
                if i + 1 < src.count, src[i + 1] >= 48, src[i + 1] <= 57 {
                    emit(.number(try lexNumber()))
                } else if i + 1 < src.count, Self.isAlnum(src[i + 1]) {
                    var k = i + 1
                    while k < src.count, Self.isAlnum(src[k]) { k += 1 }
                    try checkTerminator(k)
                    emit(.field(String(decoding: src[(i + 1)..<k], as: UTF8.self)))
                    i = k
                } else {
                    try checkTerminator(i + 1)
                    i += 1
                    emit(.dot)
                }
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                emit(.number(try lexNumber()))
            default:
                if Self.isAlnum(c) {
                    var k = i
                    while k < src.count, Self.isAlnum(src[k]) { k += 1 }
                    try checkTerminator(k)
                    let word = String(decoding: src[i..<k], as: UTF8.self)
                    i = k
                    if Self.keywords.contains(word) {
                        emit(.keyword(word))
                    } else if word == "true" || word == "false" {
                        emit(.boolLit(word == "true"))
                    } else if word == "nil" {
                        emit(.nilLit)
                    } else {
                        emit(.identifier(word))
                    }
                } else if c > 0x20 && c < 0x7F {
                    i += 1
                    emit(.char(String(UnicodeScalar(c))))
                } else {
                    let scalar = String(decoding: src[i...], as: UTF8.self).unicodeScalars.first!
                    throw LexError(
                        message:
                            "unrecognized character in action: U+\(GoFormat.pad(String(scalar.value, radix: 16, uppercase: true), 4)) '\(scalar)'",
                        pos: start)
                }
            }
            space = false
        }
    }

    /// Go `atTerminator`: a word (field, variable, identifier) must be followed by space, the
    /// end, `.`, `,`, `|`, `:`, a parenthesis or the right delimiter; anything else is
    /// `bad character U+XXXX 'c'`.
    private func checkTerminator(_ k: Int) throws(LexError) {
        guard k < src.count else { return }
        let c = src[k]
        if Self.isSpace(c)
            || [
                UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: ":"),
                UInt8(ascii: ")"), UInt8(ascii: "("),
            ].contains(c) || has("}}", at: k)
        {
            return
        }
        let scalar = String(decoding: src[k...].prefix(4), as: UTF8.self).unicodeScalars.first ?? "\u{FFFD}"
        throw LexError(message: "bad character " + GoFormat.sprintf("%#U", [.int(Int(scalar.value))]), pos: k)
    }

    private mutating func lexQuote() throws(LexError) -> TokenKind {
        let start = i
        var k = i + 1
        while k < src.count, src[k] != UInt8(ascii: "\"") {
            if src[k] == UInt8(ascii: "\\") { k += 1 }
            if k >= src.count || src[k] == 10 { throw LexError(message: "unterminated quoted string", pos: start) }
            k += 1
        }
        guard k < src.count else { throw LexError(message: "unterminated quoted string", pos: start) }
        let quoted = String(decoding: src[start...k], as: UTF8.self)
        i = k + 1
        guard let value = Self.unquote(Array(src[(start + 1)..<k])) else {
            throw LexError(message: "invalid syntax", pos: start)  // strconv.ErrSyntax, as Go's parser reports it
        }
        return .string(quoted: quoted, value: value)
    }

    /// Go `strconv.Unquote` body for double-quoted strings.
    static func unquote(_ b: [UInt8]) -> String? {
        var out: [UInt8] = []
        var k = 0
        func hexVal(_ c: UInt8) -> UInt32? {
            switch c {
            case 48...57: return UInt32(c - 48)
            case 97...102: return UInt32(c - 87)
            case 65...70: return UInt32(c - 55)
            default: return nil
            }
        }
        func appendScalar(_ v: UInt32) -> Bool {
            guard let u = Unicode.Scalar(v) else { return false }
            out.append(contentsOf: Array(String(Character(u)).utf8))
            return true
        }
        while k < b.count {
            let c = b[k]
            if c != UInt8(ascii: "\\") {
                out.append(c)
                k += 1
                continue
            }
            k += 1
            guard k < b.count else { return nil }
            let e = b[k]
            k += 1
            switch e {
            case UInt8(ascii: "a"): out.append(7)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "v"): out.append(11)
            case UInt8(ascii: "\\"): out.append(92)
            case UInt8(ascii: "\""): out.append(34)
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let n = e == UInt8(ascii: "x") ? 2 : (e == UInt8(ascii: "u") ? 4 : 8)
                guard k + n <= b.count else { return nil }
                var v: UInt32 = 0
                for d in b[k..<(k + n)] {
                    guard let h = hexVal(d) else { return nil }
                    v = v * 16 + h
                }
                k += n
                if e == UInt8(ascii: "x") { out.append(UInt8(v)) } else if !appendScalar(v) { return nil }
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard k + 2 <= b.count else { return nil }
                var v = UInt32(e - 48)
                for d in b[k..<(k + 2)] {
                    guard d >= 48 && d <= 55 else { return nil }
                    v = v * 8 + UInt32(d - 48)
                }
                guard v <= 255 else { return nil }
                k += 2
                out.append(UInt8(v))
            default: return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func lexNumber() throws(LexError) -> String {
        let start = i
        func bad() -> LexError {
            LexError(
                message: "bad number syntax: \"\(String(decoding: src[start..<min(i, src.count)], as: UTF8.self))\"",
                pos: start)
        }
        guard scanNumber() else { throw bad() }
        // Complex: 1+2i (no spaces, must end in 'i').
        if i < src.count, src[i] == UInt8(ascii: "+") || src[i] == UInt8(ascii: "-") {
            guard scanNumber(), src[i - 1] == UInt8(ascii: "i") else { throw bad() }
        }
        return String(decoding: src[start..<i], as: UTF8.self)
    }

    /// Go `lexer.scanNumber`: sign, base prefix, digits, fraction, exponent, `i`; false when an
    /// alphanumeric character follows (consumed, for the message).
    private mutating func scanNumber() -> Bool {
        if i < src.count, src[i] == UInt8(ascii: "+") || src[i] == UInt8(ascii: "-") { i += 1 }
        var digits = "0123456789_"
        if i + 1 < src.count, src[i] == UInt8(ascii: "0") {
            switch src[i + 1] | 0x20 {
            case UInt8(ascii: "x"):
                i += 2
                digits = "0123456789abcdefABCDEF_"
            case UInt8(ascii: "o"):
                i += 2
                digits = "01234567_"
            case UInt8(ascii: "b"):
                i += 2
                digits = "01_"
            default: break
            }
        }
        let dset = Set(digits.utf8)
        func run() { while i < src.count, dset.contains(src[i]) { i += 1 } }
        run()
        if i < src.count, src[i] == UInt8(ascii: ".") {
            i += 1
            run()
        }
        if digits.count == 11 || digits.count > 16 {
            let expChars: Set<UInt8> =
                digits.count > 16 ? [UInt8(ascii: "p"), UInt8(ascii: "P")] : [UInt8(ascii: "e"), UInt8(ascii: "E")]
            if i < src.count, expChars.contains(src[i]) {
                i += 1
                if i < src.count, src[i] == UInt8(ascii: "+") || src[i] == UInt8(ascii: "-") { i += 1 }
                while i < src.count, (src[i] >= 48 && src[i] <= 57) || src[i] == 95 { i += 1 }
            }
        }
        if i < src.count, src[i] == UInt8(ascii: "i") { i += 1 }
        if i < src.count, Self.isAlnum(src[i]) {
            i += 1
            return false
        }
        return true
    }
}
