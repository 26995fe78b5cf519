import Basics

/// Go's `encoding/json` Unmarshal into `interface{}` (numbers become float64) for Sprig's
/// `fromJson`; encoding is `GoJSON`.
enum SprigJSON {
    // MARK: Decoding

    /// `json.Unmarshal` into `interface{}`, with Go's error texts.
    static func decode(_ text: String) -> Result<TemplateValue, FuncError> {
        var p = Parser(Array(text.utf8))
        do throws(FuncError) {
            p.skipSpace()
            let v = try p.value()
            p.skipSpace()
            if p.pos < p.b.count { throw p.unexpected("after top-level value") }
            return .success(v)
        } catch {
            return .failure(error)
        }
    }

    private struct Parser {
        let b: [UInt8]
        var pos = 0
        init(_ b: [UInt8]) { self.b = b }

        mutating func skipSpace() {
            while pos < b.count, b[pos] == 32 || b[pos] == 9 || b[pos] == 10 || b[pos] == 13 { pos += 1 }
        }

        func unexpected(_ context: String) -> FuncError {
            guard pos < b.count else { return FuncError("unexpected end of JSON input") }
            return FuncError("invalid character \(quoteChar(b[pos])) \(context)")
        }

        /// Inside a literal or number Go's scanner ends the input with a space, so running
        /// out of input is reported as an invalid ' '.
        func unexpectedInToken(_ context: String) -> FuncError {
            guard pos < b.count else { return FuncError("invalid character ' ' \(context)") }
            return FuncError("invalid character \(quoteChar(b[pos])) \(context)")
        }

        private func quoteChar(_ c: UInt8) -> String {
            if c == UInt8(ascii: "'") { return #"'\''"# }
            if c == UInt8(ascii: "\"") { return #"'"'"# }
            if c >= 0x80 {
                // Go names the rune starting here.
                var end = pos + 1
                while end < b.count, b[end] & 0xC0 == 0x80 { end += 1 }
                return "'" + String(decoding: b[pos..<end], as: UTF8.self) + "'"
            }
            let q = GoFormat.quote(String(UnicodeScalar(c)))
            return "'" + q.dropFirst().dropLast() + "'"
        }

        mutating func value() throws(FuncError) -> TemplateValue {
            guard pos < b.count else { throw FuncError("unexpected end of JSON input") }
            switch b[pos] {
            case UInt8(ascii: "{"):
                pos += 1
                var m: [TemplateValue: TemplateValue] = [:]
                skipSpace()
                if pos < b.count, b[pos] == UInt8(ascii: "}") {
                    pos += 1
                    return .map(m)
                }
                while true {
                    skipSpace()
                    guard pos < b.count, b[pos] == UInt8(ascii: "\"") else {
                        throw unexpected("looking for beginning of object key string")
                    }
                    let key = try string()
                    skipSpace()
                    guard pos < b.count, b[pos] == UInt8(ascii: ":") else { throw unexpected("after object key") }
                    pos += 1
                    skipSpace()
                    m[.string(key)] = try value()
                    skipSpace()
                    guard pos < b.count else { throw FuncError("unexpected end of JSON input") }
                    if b[pos] == UInt8(ascii: ",") {
                        pos += 1
                        continue
                    }
                    if b[pos] == UInt8(ascii: "}") {
                        pos += 1
                        return .map(m)
                    }
                    throw unexpected("after object key:value pair")
                }
            case UInt8(ascii: "["):
                pos += 1
                var l: [TemplateValue] = []
                skipSpace()
                if pos < b.count, b[pos] == UInt8(ascii: "]") {
                    pos += 1
                    return .list(l)
                }
                while true {
                    skipSpace()
                    l.append(try value())
                    skipSpace()
                    guard pos < b.count else { throw FuncError("unexpected end of JSON input") }
                    if b[pos] == UInt8(ascii: ",") {
                        pos += 1
                        continue
                    }
                    if b[pos] == UInt8(ascii: "]") {
                        pos += 1
                        return .list(l)
                    }
                    throw unexpected("after array element")
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            case UInt8(ascii: "-"), 48...57:
                return .float(try number())
            default:
                throw unexpected("looking for beginning of value")
            }
        }

        mutating func literal(_ word: String) throws(FuncError) {
            for c in word.utf8 {
                if pos >= b.count || b[pos] != c {
                    throw unexpectedInToken("in literal \(word) (expecting \(quoteChar(c)))")
                }
                pos += 1
            }
        }

        mutating func number() throws(FuncError) -> Double {
            let start = pos
            if b[pos] == UInt8(ascii: "-") {
                pos += 1
                guard pos < b.count, (48...57).contains(b[pos]) else { throw unexpectedInToken("in numeric literal") }
            }
            if b[pos] == UInt8(ascii: "0") {
                pos += 1
            } else {
                while pos < b.count, (48...57).contains(b[pos]) { pos += 1 }
            }
            if pos < b.count, b[pos] == UInt8(ascii: ".") {
                pos += 1
                guard pos < b.count, (48...57).contains(b[pos]) else {
                    throw unexpectedInToken("after decimal point in numeric literal")
                }
                while pos < b.count, (48...57).contains(b[pos]) { pos += 1 }
            }
            if pos < b.count, b[pos] | 0x20 == UInt8(ascii: "e") {
                pos += 1
                if pos < b.count, b[pos] == UInt8(ascii: "+") || b[pos] == UInt8(ascii: "-") { pos += 1 }
                guard pos < b.count, (48...57).contains(b[pos]) else {
                    throw unexpectedInToken("in exponent of numeric literal")
                }
                while pos < b.count, (48...57).contains(b[pos]) { pos += 1 }
            }
            let text = String(decoding: b[start..<pos], as: UTF8.self)
            guard let d = Double(text), d.isFinite else {
                throw FuncError("json: cannot unmarshal number \(text) into Go value of type float64")
            }
            return d
        }

        mutating func string() throws(FuncError) -> String {
            pos += 1
            var out: [UInt8] = []
            while true {
                guard pos < b.count else { throw FuncError("unexpected end of JSON input") }
                let c = b[pos]
                if c == UInt8(ascii: "\"") {
                    pos += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if c < 0x20 { throw unexpected("in string literal") }
                if c != UInt8(ascii: "\\") {
                    out.append(c)
                    pos += 1
                    continue
                }
                pos += 1
                guard pos < b.count else { throw FuncError("unexpected end of JSON input") }
                switch b[pos] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(b[pos])
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), pos + 6 < b.count, b[pos + 1] == UInt8(ascii: "\\"),
                        b[pos + 2] == UInt8(ascii: "u")
                    {
                        let save = pos
                        pos += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + (code - 0xD800) << 10 + (low - 0xDC00)
                        } else {
                            pos = save
                            code = 0xFFFD
                        }
                    } else if (0xD800..<0xE000).contains(code) {
                        code = 0xFFFD
                    }
                    out += Array(String(Unicode.Scalar(code).map { Character($0) } ?? "\u{FFFD}").utf8)
                default: throw unexpected("in string escape code")
                }
                pos += 1
            }
        }

        /// Reads the four hex digits after `\u` (pos at the `u`; leaves pos on the last digit).
        mutating func hex4() throws(FuncError) -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 {
                pos += 1
                guard pos < b.count else { throw FuncError("unexpected end of JSON input") }
                let c = b[pos]
                let d: UInt32
                switch c {
                case 48...57: d = UInt32(c - 48)
                case 97...102: d = UInt32(c - 87)
                case 65...70: d = UInt32(c - 55)
                default: throw unexpected("in \\u hexadecimal character escape")
                }
                v = v << 4 | d
            }
            return v
        }
    }
}
