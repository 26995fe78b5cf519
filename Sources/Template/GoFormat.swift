import Basics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Go `fmt` formatting of template values: `Sprint`, `Sprintln` and `Sprintf` with every verb,
/// flag, width, precision and argument index Go's `fmt` applies to the values templates hold.
enum GoFormat {
    /// `fmt.Sprint(v)` / `%v`.
    static func sprint(_ v: TemplateValue) -> String {
        var p = GoPrinter()
        p.printArg(v, "v")
        return p.string
    }

    /// `fmt.Sprint(args...)`: a space between operands when neither is a string.
    static func sprintArgs(_ args: [TemplateValue]) -> String {
        var p = GoPrinter()
        var prevString = false
        for (i, a) in args.enumerated() {
            let isString: Bool
            if case .string = a { isString = true } else { isString = false }
            if i > 0 && !isString && !prevString { p.buf.append(32) }
            p.printArg(a, "v")
            prevString = isString
        }
        return p.string
    }

    /// `fmt.Sprintln(args...)`.
    static func sprintln(_ args: [TemplateValue]) -> String {
        var p = GoPrinter()
        for (i, a) in args.enumerated() {
            if i > 0 { p.buf.append(32) }
            p.printArg(a, "v")
        }
        p.buf.append(10)
        return p.string
    }

    /// `fmt.Sprintf(format, args...)`.
    static func sprintf(_ format: String, _ args: [TemplateValue]) -> String {
        var p = GoPrinter()
        p.doPrintf(Array(format.utf8), args)
        return p.string
    }

    // MARK: floats

    /// Decimal digits and exponent of the shortest round-trip representation:
    /// value = 0.d1d2d3... × 10^decimalPoint.
    static func shortestDigits(_ d: Double) -> (digits: [UInt8], point: Int) {
        let text = "\(Swift.abs(d))"
        var mantissa = Substring(text)
        var exp = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exp = Int(text[text.index(after: e)...].replacingOccurrences("+", "")) ?? 0
        }
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        for c in mantissa.utf8 {
            if c == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(c - 48)
            if !seenPoint { point += 1 }
        }
        // strip leading zeros
        while let f = digits.first, f == 0, digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while let l = digits.last, l == 0, digits.count > 1 { digits.removeLast() }
        if digits == [0] { return ([0], 1) }
        return (digits, point + exp)
    }

    /// `%v` / `strconv.FormatFloat(d, 'g', -1, 64)`.
    static func formatG(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        let sign = d.sign == .minus ? "-" : ""
        if d == 0 { return sign + "0" }
        let (digits, point) = shortestDigits(d)
        let exp = point - 1
        let ds = digits.map { String($0) }.joined()
        if exp < -4 || exp >= 6 {
            var m = String(ds.first!)
            if ds.count > 1 { m += "." + ds.dropFirst() }
            let e = Swift.abs(exp)
            return sign + m + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + ds }
        if point >= digits.count { return sign + ds + String(repeating: "0", count: point - digits.count) }
        let idx = ds.index(ds.startIndex, offsetBy: point)
        return sign + ds[..<idx] + "." + ds[idx...]
    }

    /// C's exact decimal conversion (`%.*e` or `%.*f`) as Go's decimal digits: no leading or
    /// trailing zeros; value = 0.d1d2... × 10^point; zero has no digits.
    static func fixedDigits(_ d: Double, conv: Character, precision: Int) -> (digits: [UInt8], point: Int) {
        let format = "%.\(precision)\(conv)"
        let magnitude = Swift.abs(d)
        let size = withVaList([magnitude]) { vsnprintf(nil, 0, format, $0) }
        var buf = [CChar](repeating: 0, count: Int(size) + 1)
        _ = withVaList([magnitude]) { va in
            buf.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, Int(size) + 1, format, va) }
        }
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        var exp = 0
        var k = 0
        while k < Int(size) {
            let c = UInt8(bitPattern: buf[k])
            if c == UInt8(ascii: ".") {
                seenPoint = true
            } else if c == UInt8(ascii: "e") {
                exp = Int(String(decoding: buf[(k + 1)..<Int(size)].map { UInt8(bitPattern: $0) }, as: UTF8.self)) ?? 0
                break
            } else {
                digits.append(c - 48)
                if !seenPoint { point += 1 }
            }
            k += 1
        }
        while let f = digits.first, f == 0 {
            digits.removeFirst()
            point -= 1
        }
        while let l = digits.last, l == 0 { digits.removeLast() }
        if digits.isEmpty { return ([], 0) }
        return (digits, point + exp)
    }

    /// `strconv.FormatFloat(d, fmt, prec, 64)` for `e E f g G b x X` (prec < 0: shortest).
    static func formatFloat(_ d: Double, _ fmt: UInt8, _ precision: Int) -> [UInt8] {
        if d.isNaN { return Array("NaN".utf8) }
        if d.isInfinite { return Array((d < 0 ? "-Inf" : "+Inf").utf8) }
        let neg = d.sign == .minus
        var out: [UInt8] = []
        switch fmt {
        case UInt8(ascii: "b"):
            let bits = d.bitPattern
            var exp = Int((bits >> 52) & 0x7FF)
            var mant = bits & ((1 << 52) - 1)
            if exp == 0 { exp += 1 } else { mant |= 1 << 52 }
            exp += -1023 - 52
            if neg { out.append(UInt8(ascii: "-")) }
            out += Array(String(mant).utf8)
            out.append(UInt8(ascii: "p"))
            if exp >= 0 { out.append(UInt8(ascii: "+")) }
            out += Array(String(exp).utf8)
            return out
        case UInt8(ascii: "x"), UInt8(ascii: "X"):
            return hexFloat(d, fmt, precision)
        default: break
        }
        var prec = precision
        let shortest = prec < 0
        var digs: (digits: [UInt8], point: Int)
        if shortest {
            digs = d == 0 ? ([], 0) : shortestDigits(d)
            switch fmt {
            case UInt8(ascii: "e"), UInt8(ascii: "E"): prec = max(digs.digits.count - 1, 0)
            case UInt8(ascii: "f"): prec = max(digs.digits.count - digs.point, 0)
            default: prec = digs.digits.count
            }
        } else {
            switch fmt {
            case UInt8(ascii: "e"), UInt8(ascii: "E"): digs = fixedDigits(d, conv: "e", precision: prec)
            case UInt8(ascii: "f"): digs = fixedDigits(d, conv: "f", precision: prec)
            default:
                if prec == 0 { prec = 1 }
                digs = fixedDigits(d, conv: "e", precision: prec - 1)
            }
        }
        let (digits, dp) = digs
        let nd = digits.count
        func fmtE(_ prec: Int, _ e: UInt8) {
            if neg { out.append(UInt8(ascii: "-")) }
            out.append(nd != 0 ? digits[0] + 48 : 48)
            if prec > 0 {
                out.append(UInt8(ascii: "."))
                var i = 1
                while i < min(nd, prec + 1) {
                    out.append(digits[i] + 48)
                    i += 1
                }
                while i <= prec {
                    out.append(48)
                    i += 1
                }
            }
            out.append(e)
            var exp = nd == 0 ? 0 : dp - 1
            out.append(exp < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            exp = Swift.abs(exp)
            if exp < 10 {
                out.append(48)
                out.append(UInt8(exp) + 48)
            } else {
                out += Array(String(exp).utf8)
            }
        }
        func fmtF(_ prec: Int) {
            if neg { out.append(UInt8(ascii: "-")) }
            if dp > 0 {
                var m = min(nd, dp)
                for i in 0..<m { out.append(digits[i] + 48) }
                while m < dp {
                    out.append(48)
                    m += 1
                }
            } else {
                out.append(48)
            }
            if prec > 0 {
                out.append(UInt8(ascii: "."))
                for i in 0..<prec {
                    let j = dp + i
                    out.append(j >= 0 && j < nd ? digits[j] + 48 : 48)
                }
            }
        }
        switch fmt {
        case UInt8(ascii: "e"), UInt8(ascii: "E"): fmtE(prec, fmt)
        case UInt8(ascii: "f"): fmtF(prec)
        default:
            var eprec = prec
            if eprec > nd && nd >= dp { eprec = nd }
            if shortest { eprec = 6 }
            let exp = dp - 1
            if exp < -4 || exp >= eprec {
                fmtE(min(prec, nd) - 1, fmt == UInt8(ascii: "g") ? UInt8(ascii: "e") : UInt8(ascii: "E"))
            } else {
                fmtF(max((prec > dp ? nd : prec) - dp, 0))
            }
        }
        return out
    }

    /// `strconv.FormatFloat(d, 'x'|'X', prec, 64)`: normalised hexadecimal mantissa, binary exponent.
    private static func hexFloat(_ d: Double, _ fmt: UInt8, _ prec: Int) -> [UInt8] {
        let bits = d.bitPattern
        var exp = Int((bits >> 52) & 0x7FF)
        var mant = bits & ((1 << 52) - 1)
        if exp == 0 { exp += 1 } else { mant |= 1 << 52 }
        exp -= 1023
        if mant == 0 { exp = 0 }
        mant <<= 60 - 52
        while mant != 0 && mant & (1 << 60) == 0 {
            mant <<= 1
            exp -= 1
        }
        if prec >= 0 && prec < 15 {
            let shift = UInt64(prec * 4)
            let extra = (mant << shift) & ((1 << 60) - 1)
            mant >>= 60 - shift
            if extra | (mant & 1) > 1 << 59 { mant += 1 }
            mant <<= 60 - shift
            if mant & (1 << 61) != 0 {
                mant >>= 1
                exp += 1
            }
        }
        let hex = Array((fmt == UInt8(ascii: "X") ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out: [UInt8] = []
        if d.sign == .minus { out.append(UInt8(ascii: "-")) }
        out += [48, fmt, 48 + UInt8((mant >> 60) & 1)]
        mant <<= 4
        if prec < 0 && mant != 0 {
            out.append(UInt8(ascii: "."))
            while mant != 0 {
                out.append(hex[Int((mant >> 60) & 15)])
                mant <<= 4
            }
        } else if prec > 0 {
            out.append(UInt8(ascii: "."))
            for _ in 0..<prec {
                out.append(hex[Int((mant >> 60) & 15)])
                mant <<= 4
            }
        }
        out.append(fmt == UInt8(ascii: "X") ? UInt8(ascii: "P") : UInt8(ascii: "p"))
        out.append(exp < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        exp = Swift.abs(exp)
        if exp < 10 { out.append(48) }
        out += Array(String(exp).utf8)
        return out
    }

    // MARK: quoting

    /// `strconv.Quote` (`asciiOnly`: `strconv.QuoteToASCII`).
    static func quote(_ s: String, asciiOnly: Bool = false) -> String {
        var out = "\""
        for u in s.unicodeScalars { appendEscaped(&out, u, quote: "\"", asciiOnly: asciiOnly) }
        return out + "\""
    }

    /// `strconv.QuoteRune` (`asciiOnly`: `QuoteRuneToASCII`).
    static func quoteRune(_ u: Unicode.Scalar, asciiOnly: Bool = false) -> String {
        var out = "'"
        appendEscaped(&out, u, quote: "'", asciiOnly: asciiOnly)
        return out + "'"
    }

    /// `strconv.CanBackquote`.
    static func canBackquote(_ s: String) -> Bool {
        for u in s.unicodeScalars {
            if u == "\u{FEFF}" || (u.value < 0x20 && u != "\t") || u == "`" || u.value == 0x7F { return false }
        }
        return true
    }

    private static func appendEscaped(_ out: inout String, _ u: Unicode.Scalar, quote: Unicode.Scalar, asciiOnly: Bool)
    {
        if u == quote || u == "\\" {
            out += "\\"
            out.unicodeScalars.append(u)
            return
        }
        if asciiOnly ? (u.isASCII && isGoPrint(u)) : isGoPrint(u) {
            out.unicodeScalars.append(u)
            return
        }
        switch u {
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        default:
            if u.value < 0x20 || u.value == 0x7F {
                out += "\\x" + hex2(UInt8(u.value))
            } else if u.value < 0x10000 {
                out += "\\u" + pad(String(u.value, radix: 16), 4)
            } else {
                out += "\\U" + pad(String(u.value, radix: 16), 8)
            }
        }
    }

    /// Go `unicode.IsPrint`: categories L, M, N, P, S and the ASCII space.
    static func isGoPrint(_ u: Unicode.Scalar) -> Bool {
        if u == " " { return true }
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark,
            .decimalNumber, .letterNumber, .otherNumber,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    /// Go `strings.ToLower`/`ToUpper`: per-scalar simple case mapping (multi-scalar mappings keep the scalar).
    static func mapCase(_ s: String, upper: Bool) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if u.isASCII {
                let v = u.value
                if upper, (97...122).contains(v) {
                    out.unicodeScalars.append(Unicode.Scalar(v - 32)!)
                } else if !upper, (65...90).contains(v) {
                    out.unicodeScalars.append(Unicode.Scalar(v + 32)!)
                } else {
                    out.unicodeScalars.append(u)
                }
                continue
            }
            let m = upper ? u.properties.uppercaseMapping : u.properties.lowercaseMapping
            if m.unicodeScalars.count == 1 { out += m } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    static func hex2(_ b: UInt8) -> String {
        Hex.byte(b)
    }

    static func pad(_ s: String, _ n: Int) -> String {
        String(repeating: "0", count: max(0, n - s.count)) + s
    }

}

extension StringProtocol {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        goReplace(String(self), old: target, new: replacement, count: -1)
    }
}

/// Go `strings.Replace(s, old, new, n)` (n < 0: all).
func goReplace(_ s: String, old: String, new: String, count: Int) -> String {
    if count == 0 { return s }
    if old.isEmpty {
        var out = ""
        var done = 0
        for ch in s.unicodeScalars {
            if count < 0 || done < count {
                out += new
                done += 1
            }
            out.unicodeScalars.append(ch)
        }
        if count < 0 || done < count { out += new }
        return out
    }
    let sb = Array(s.utf8)
    let ob = Array(old.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(sb.count)
    var i = 0
    var done = 0
    while i < sb.count {
        if count < 0 || done < count, i + ob.count <= sb.count, sb[i..<(i + ob.count)].elementsEqual(ob) {
            out.append(contentsOf: new.utf8)
            i += ob.count
            done += 1
        } else {
            out.append(sb[i])
            i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Go's `fmt` printer state (`pp` and `fmt` in Go's sources) for one `Sprint`/`Sprintf` call.
struct GoPrinter {
    var buf: [UInt8] = []
    private var plus = false, minus = false, sharp = false, space = false, zero = false
    private var plusV = false, sharpV = false
    private var wid = 0, widPresent = false
    private var prec = 0, precPresent = false
    private var erroring = false

    var string: String { String(decoding: buf, as: UTF8.self) }

    private mutating func clearFlags() {
        plus = false
        minus = false
        sharp = false
        space = false
        zero = false
        plusV = false
        sharpV = false
        wid = 0
        widPresent = false
        prec = 0
        precPresent = false
    }

    private mutating func write(_ s: String) { buf.append(contentsOf: s.utf8) }

    // MARK: padding (Go `fmt.pad`)

    private mutating func writePadding(_ n: Int) {
        guard n > 0 else { return }
        buf.append(contentsOf: repeatElement(zero ? UInt8(ascii: "0") : UInt8(ascii: " "), count: n))
    }

    private static func runeCount(_ b: [UInt8]) -> Int { b.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }

    private mutating func pad(_ b: [UInt8]) {
        if !widPresent || wid == 0 {
            buf.append(contentsOf: b)
            return
        }
        let width = wid - Self.runeCount(b)
        if !minus {
            writePadding(width)
            buf.append(contentsOf: b)
        } else {
            buf.append(contentsOf: b)
            writePadding(width)
        }
    }

    private mutating func padString(_ s: String) { pad(Array(s.utf8)) }

    private func truncate(_ s: String) -> String {
        guard precPresent else { return s }
        var n = 0
        var out = ""
        for u in s.unicodeScalars {
            if n == prec { break }
            out.unicodeScalars.append(u)
            n += 1
        }
        return out
    }

    // MARK: primitive formatting (Go `fmt.fmtX`)

    private mutating func fmtBoolean(_ b: Bool) { padString(b ? "true" : "false") }

    private mutating func fmtInteger(_ value: UInt64, base: Int, signed: Bool, verb: Unicode.Scalar, upper: Bool) {
        let negative = signed && Int64(bitPattern: value) < 0
        var u = negative ? 0 &- value : value
        var precision = 0
        if precPresent {
            precision = prec
            if precision == 0 && u == 0 {
                let oldZero = zero
                zero = false
                writePadding(wid)
                zero = oldZero
                return
            }
        } else if zero && widPresent {
            precision = wid
            if negative || plus || space { precision -= 1 }
        }
        let digits = Array((upper ? "0123456789ABCDEFX" : "0123456789abcdefx").utf8)
        var out: [UInt8] = []
        let b = UInt64(base)
        repeat {
            out.append(digits[Int(u % b)])
            u /= b
        } while u > 0
        while out.count < precision { out.append(48) }
        if sharp {
            switch base {
            case 2:
                out.append(UInt8(ascii: "b"))
                out.append(48)
            case 8: if out.last != 48 { out.append(48) }
            case 16:
                out.append(digits[16])
                out.append(48)
            default: break
            }
        }
        if verb == "O" {
            out.append(UInt8(ascii: "o"))
            out.append(48)
        }
        if negative {
            out.append(UInt8(ascii: "-"))
        } else if plus {
            out.append(UInt8(ascii: "+"))
        } else if space {
            out.append(32)
        }
        let oldZero = zero
        zero = false
        pad(out.reversed())
        zero = oldZero
    }

    private static func scalar(_ c: UInt64) -> Unicode.Scalar {
        c > 0x10FFFF ? "\u{FFFD}" : (Unicode.Scalar(UInt32(c)) ?? "\u{FFFD}")
    }

    private mutating func fmtUnicode(_ value: UInt64) {
        var u = value
        var precision = 4
        if precPresent && prec > 4 { precision = prec }
        var out: [UInt8] = []
        if sharp, u <= 0x10FFFF, let r = Unicode.Scalar(UInt32(u)), GoFormat.isGoPrint(r) {
            out.append(UInt8(ascii: "'"))
            out.append(contentsOf: String(Character(r)).utf8.reversed())
            out.append(UInt8(ascii: "'"))
            out.append(32)
        }
        let digits = Array("0123456789ABCDEF".utf8)
        while u >= 16 {
            out.append(digits[Int(u & 15)])
            precision -= 1
            u >>= 4
        }
        out.append(digits[Int(u)])
        precision -= 1
        while precision > 0 {
            out.append(48)
            precision -= 1
        }
        out.append(UInt8(ascii: "+"))
        out.append(UInt8(ascii: "U"))
        let oldZero = zero
        zero = false
        pad(out.reversed())
        zero = oldZero
    }

    private mutating func fmtFloat(_ v: Double, verb: UInt8, defaultPrecision: Int) {
        let precision = precPresent ? prec : defaultPrecision
        var num = GoFormat.formatFloat(v, verb, precision)
        if num[0] == UInt8(ascii: "-") || num[0] == UInt8(ascii: "+") {
            // keep
        } else {
            num.insert(UInt8(ascii: "+"), at: 0)
        }
        if space && num[0] == UInt8(ascii: "+") && !plus { num[0] = 32 }
        if num[1] == UInt8(ascii: "I") || num[1] == UInt8(ascii: "N") {
            let oldZero = zero
            zero = false
            if num[1] == UInt8(ascii: "N") && !space && !plus { num.removeFirst() }
            pad(num)
            zero = oldZero
            return
        }
        if sharp && verb != UInt8(ascii: "b") {
            var digits = 0
            switch verb {
            case UInt8(ascii: "v"), UInt8(ascii: "g"), UInt8(ascii: "G"), UInt8(ascii: "x"):
                digits = precision == -1 ? 6 : precision
            default: break
            }
            var tail: [UInt8] = []
            var hasDecimalPoint = false
            var sawNonzeroDigit = false
            var i = 1
            scan: while i < num.count {
                switch num[i] {
                case UInt8(ascii: "."): hasDecimalPoint = true
                case UInt8(ascii: "p"), UInt8(ascii: "P"):
                    tail = Array(num[i...])
                    num.removeSubrange(i...)
                    break scan
                case UInt8(ascii: "e"),
                    UInt8(ascii: "E") where verb != UInt8(ascii: "x") && verb != UInt8(ascii: "X"):
                    tail = Array(num[i...])
                    num.removeSubrange(i...)
                    break scan
                default:
                    if num[i] != 48 { sawNonzeroDigit = true }
                    if sawNonzeroDigit { digits -= 1 }
                }
                i += 1
            }
            if !hasDecimalPoint {
                if num.count == 2 && num[1] == 48 { digits -= 1 }
                num.append(UInt8(ascii: "."))
            }
            while digits > 0 {
                num.append(48)
                digits -= 1
            }
            num += tail
        }
        if plus || num[0] != UInt8(ascii: "+") {
            if zero && widPresent && wid > num.count {
                buf.append(num[0])
                writePadding(wid - num.count)
                buf.append(contentsOf: num[1...])
                return
            }
            pad(num)
            return
        }
        pad(Array(num[1...]))
    }

    private mutating func fmtSx(_ s: String, upper: Bool) {
        let digits = Array((upper ? "0123456789ABCDEFX" : "0123456789abcdefx").utf8)
        let bytes = Array(s.utf8)
        var length = bytes.count
        if precPresent && prec < length { length = prec }
        var width = 2 * length
        if width > 0 {
            if space {
                if sharp { width *= 2 }
                width += length - 1
            } else if sharp {
                width += 2
            }
        } else {
            if widPresent { writePadding(wid) }
            return
        }
        if widPresent && wid > width && !minus { writePadding(wid - width) }
        if sharp {
            buf.append(48)
            buf.append(digits[16])
        }
        for i in 0..<length {
            if space && i > 0 {
                buf.append(32)
                if sharp {
                    buf.append(48)
                    buf.append(digits[16])
                }
            }
            buf.append(digits[Int(bytes[i] >> 4)])
            buf.append(digits[Int(bytes[i] & 15)])
        }
        if widPresent && wid > width && minus { writePadding(wid - width) }
    }

    private mutating func fmtQ(_ s: String) {
        let t = truncate(s)
        if sharp && GoFormat.canBackquote(t) {
            padString("`" + t + "`")
            return
        }
        padString(GoFormat.quote(t, asciiOnly: plus))
    }

    // MARK: values (Go `pp.printArg` / `pp.printValue`)

    private mutating func fmtString(_ s: String, _ verb: Unicode.Scalar, _ value: TemplateValue) {
        switch verb {
        case "v": if sharpV { fmtQ(s) } else { padString(truncate(s)) }
        case "s": padString(truncate(s))
        case "x": fmtSx(s, upper: false)
        case "X": fmtSx(s, upper: true)
        case "q": fmtQ(s)
        default: badVerb(verb, value)
        }
    }

    private mutating func fmtIntegerVerb(_ n: Int, _ verb: Unicode.Scalar, _ value: TemplateValue) {
        let u = UInt64(bitPattern: Int64(n))
        switch verb {
        case "v", "d": fmtInteger(u, base: 10, signed: true, verb: verb, upper: false)
        case "b": fmtInteger(u, base: 2, signed: true, verb: verb, upper: false)
        case "o", "O": fmtInteger(u, base: 8, signed: true, verb: verb, upper: false)
        case "x": fmtInteger(u, base: 16, signed: true, verb: verb, upper: false)
        case "X": fmtInteger(u, base: 16, signed: true, verb: verb, upper: true)
        case "c": pad(Array(String(Character(Self.scalar(u))).utf8))
        case "q": padString(GoFormat.quoteRune(Self.scalar(u), asciiOnly: plus))
        case "U": fmtUnicode(u)
        default: badVerb(verb, value)
        }
    }

    private mutating func fmtFloatVerb(_ d: Double, _ verb: Unicode.Scalar, _ value: TemplateValue) {
        switch verb {
        case "v": fmtFloat(d, verb: UInt8(ascii: "g"), defaultPrecision: -1)
        case "b", "g", "G", "x", "X": fmtFloat(d, verb: UInt8(verb.value), defaultPrecision: -1)
        case "f", "e", "E": fmtFloat(d, verb: UInt8(verb.value), defaultPrecision: 6)
        case "F": fmtFloat(d, verb: UInt8(ascii: "f"), defaultPrecision: 6)
        default: badVerb(verb, value)
        }
    }

    private mutating func fmtComplex(_ re: Double, _ im: Double, _ verb: Unicode.Scalar, _ value: TemplateValue) {
        switch verb {
        case "v", "b", "g", "G", "x", "X", "f", "F", "e", "E":
            let oldPlus = plus
            buf.append(UInt8(ascii: "("))
            fmtFloatVerb(re, verb, value)
            plus = true
            fmtFloatVerb(im, verb, value)
            write("i)")
            plus = oldPlus
        default: badVerb(verb, value)
        }
    }

    private mutating func badVerb(_ verb: Unicode.Scalar, _ value: TemplateValue?) {
        erroring = true
        write("%!")
        write(String(Character(verb)))
        buf.append(UInt8(ascii: "("))
        if let value, value != .null {
            write(value.goTypeName)
            buf.append(UInt8(ascii: "="))
            printArg(value, "v")
        } else {
            write("<nil>")
        }
        buf.append(UInt8(ascii: ")"))
        erroring = false
    }

    /// Go's `handleMethods` for the one method our values carry: `String()`.
    private mutating func handleMethods(_ value: TemplateValue, _ verb: Unicode.Scalar) -> Bool {
        guard !erroring, !sharpV, case .record(let r) = value, let s = r.stringValue else { return false }
        switch verb {
        case "v", "s", "x", "X", "q":
            fmtString(s, verb, .string(s))
            return true
        default:
            return false
        }
    }

    mutating func printArg(_ value: TemplateValue, _ verb: Unicode.Scalar) {
        if case .null = value {
            if verb == "T" || verb == "v" { padString("<nil>") } else { badVerb(verb, nil) }
            return
        }
        if verb == "T" {
            padString(truncate(value.goTypeName))
            return
        }
        if verb == "p" {
            badVerb(verb, value)
            return
        }
        switch value {
        case .bool(let b): if verb == "t" || verb == "v" { fmtBoolean(b) } else { badVerb(verb, value) }
        case .int(let n): fmtIntegerVerb(n, verb, value)
        case .float(let d): fmtFloatVerb(d, verb, value)
        case .complex(let re, let im): fmtComplex(re, im, verb, value)
        case .string(let s): fmtString(s, verb, value)
        default:
            if !handleMethods(value, verb) { printValue(value, verb, depth: 0) }
        }
    }

    /// `listType`: the static type of a list held in a typed container (`%#v` prints it).
    private mutating func printValue(
        _ value: TemplateValue, _ verb: Unicode.Scalar, depth: Int, listType: String? = nil
    ) {
        if depth > 0 && handleMethods(value, verb) { return }
        switch value {
        case .null:
            write(sharpV ? "interface {}(nil)" : "<nil>")
        case .bool(let b): if verb == "t" || verb == "v" { fmtBoolean(b) } else { badVerb(verb, value) }
        case .int(let n): fmtIntegerVerb(n, verb, value)
        case .float(let d): fmtFloatVerb(d, verb, value)
        case .complex(let re, let im): fmtComplex(re, im, verb, value)
        case .string(let s): fmtString(s, verb, value)
        case .map, .typedMap:
            var elementType: String? = nil
            if sharpV {
                write(value.goTypeName)
                if case .typedMap(let m) = value {
                    if m.entries == nil {
                        write("(nil)")
                        return
                    }
                    elementType = m.elementType
                }
                buf.append(UInt8(ascii: "{"))
            } else {
                write("map[")
            }
            for (i, entry) in value.sortedEntries.enumerated() {
                if i > 0 { if sharpV { write(", ") } else { buf.append(32) } }
                printValue(entry.key, verb, depth: depth + 1)
                buf.append(UInt8(ascii: ":"))
                printValue(entry.value, verb, depth: depth + 1, listType: elementType)
            }
            buf.append(sharpV ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        case .record(let r):
            if sharpV { write(r.typeName) }
            buf.append(UInt8(ascii: "{"))
            for (i, name) in r.fieldOrder.enumerated() {
                if i > 0 { if sharpV { write(", ") } else { buf.append(32) } }
                if plusV || sharpV {
                    write(name)
                    buf.append(UInt8(ascii: ":"))
                }
                printValue(r.fields[name] ?? .null, verb, depth: depth + 1)
            }
            buf.append(UInt8(ascii: "}"))
        case .list(let items):
            if sharpV {
                write(listType ?? value.goTypeName)
                buf.append(UInt8(ascii: "{"))
                for (i, item) in items.enumerated() {
                    if i > 0 { write(", ") }
                    printValue(item, verb, depth: depth + 1)
                }
                buf.append(UInt8(ascii: "}"))
            } else {
                buf.append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { buf.append(32) }
                    printValue(item, verb, depth: depth + 1)
                }
                buf.append(UInt8(ascii: "]"))
            }
        }
    }

    // MARK: Sprintf (Go `pp.doPrintf`)

    private static func tooLarge(_ n: Int) -> Bool { n > 1_000_000 || n < -1_000_000 }

    private static func parseNum(_ s: [UInt8], _ start: Int, _ end: Int) -> (num: Int, isNum: Bool, next: Int) {
        guard start < end else { return (0, false, end) }
        var num = 0
        var isNum = false
        var i = start
        while i < end, s[i] >= 48, s[i] <= 57 {
            if tooLarge(num) { return (0, false, end) }
            num = num * 10 + Int(s[i] - 48)
            isNum = true
            i += 1
        }
        return (num, isNum, i)
    }

    private static func intFromArg(_ args: [TemplateValue], _ argNum: Int) -> (num: Int, isInt: Bool, next: Int) {
        guard argNum < args.count else { return (0, false, argNum) }
        if case .int(let n) = args[argNum], !tooLarge(n) { return (n, true, argNum + 1) }
        return (0, false, argNum + 1)
    }

    private mutating func argNumber(
        _ argNum: Int, _ format: [UInt8], _ i: Int, _ numArgs: Int, _ reordered: inout Bool, _ goodArgNum: inout Bool
    ) -> (argNum: Int, i: Int, found: Bool) {
        guard i < format.count, format[i] == UInt8(ascii: "[") else { return (argNum, i, false) }
        reordered = true
        // parseArgNumber
        var index = 0
        var width = 1
        var ok = false
        if format.count - i >= 3 {
            var j = i + 1
            while j < format.count {
                if format[j] == UInt8(ascii: "]") {
                    let (n, isNum, next) = Self.parseNum(format, i + 1, j)
                    if !isNum || next != j {
                        width = j - i + 1
                        ok = false
                    } else {
                        index = n - 1
                        width = j - i + 1
                        ok = true
                    }
                    break
                }
                j += 1
            }
        }
        if ok && index >= 0 && index < numArgs { return (index, i + width, true) }
        goodArgNum = false
        return (argNum, i + width, ok)
    }

    mutating func doPrintf(_ format: [UInt8], _ args: [TemplateValue]) {
        let end = format.count
        var argNum = 0
        var afterIndex = false
        var reordered = false
        var i = 0
        formatLoop: while i < end {
            var goodArgNum = true
            let last = i
            while i < end && format[i] != UInt8(ascii: "%") { i += 1 }
            if i > last { buf.append(contentsOf: format[last..<i]) }
            if i >= end { break }
            i += 1
            clearFlags()
            simple: while i < end {
                let c = format[i]
                switch c {
                case UInt8(ascii: "#"): sharp = true
                case UInt8(ascii: "0"): zero = !minus
                case UInt8(ascii: "+"): plus = true
                case UInt8(ascii: "-"):
                    minus = true
                    zero = false
                case UInt8(ascii: " "): space = true
                default:
                    if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") && argNum < args.count {
                        if c == UInt8(ascii: "v") {
                            sharpV = sharp
                            sharp = false
                            plusV = plus
                            plus = false
                        }
                        printArg(args[argNum], Unicode.Scalar(c))
                        argNum += 1
                        i += 1
                        continue formatLoop
                    }
                    break simple
                }
                i += 1
            }
            (argNum, i, afterIndex) = argNumber(argNum, format, i, args.count, &reordered, &goodArgNum)
            if i < end && format[i] == UInt8(ascii: "*") {
                i += 1
                (wid, widPresent, argNum) = Self.intFromArg(args, argNum)
                if !widPresent { write("%!(BADWIDTH)") }
                if wid < 0 {
                    wid = -wid
                    minus = true
                    zero = false
                }
                afterIndex = false
            } else {
                (wid, widPresent, i) = Self.parseNum(format, i, end)
                if afterIndex && widPresent { goodArgNum = false }
            }
            if i + 1 < end && format[i] == UInt8(ascii: ".") {
                i += 1
                if afterIndex { goodArgNum = false }
                (argNum, i, afterIndex) = argNumber(argNum, format, i, args.count, &reordered, &goodArgNum)
                if i < end && format[i] == UInt8(ascii: "*") {
                    i += 1
                    (prec, precPresent, argNum) = Self.intFromArg(args, argNum)
                    if prec < 0 {
                        prec = 0
                        precPresent = false
                    }
                    if !precPresent { write("%!(BADPREC)") }
                    afterIndex = false
                } else {
                    (prec, precPresent, i) = Self.parseNum(format, i, end)
                    if !precPresent {
                        prec = 0
                        precPresent = true
                    }
                }
            }
            if !afterIndex {
                (argNum, i, afterIndex) = argNumber(argNum, format, i, args.count, &reordered, &goodArgNum)
            }
            if i >= end {
                write("%!(NOVERB)")
                break
            }
            // Decode one UTF-8 scalar as the verb.
            var verb = Unicode.Scalar(format[i])
            var size = 1
            if format[i] >= 0x80 {
                var n = 1
                while i + n < end && format[i + n] & 0xC0 == 0x80 && n < 4 { n += 1 }
                let text = String(decoding: format[i..<(i + n)], as: UTF8.self)
                if let u = text.unicodeScalars.first {
                    verb = u
                    size = String(u).utf8.count
                }
            }
            i += size
            if verb == "%" {
                buf.append(UInt8(ascii: "%"))
                continue
            }
            if !goodArgNum {
                write("%!")
                write(String(Character(verb)))
                write("(BADINDEX)")
                continue
            }
            if argNum >= args.count {
                write("%!")
                write(String(Character(verb)))
                write("(MISSING)")
                continue
            }
            if verb == "v" {
                sharpV = sharp
                sharp = false
                plusV = plus
                plus = false
            }
            printArg(args[argNum], verb)
            argNum += 1
        }
        if !reordered && argNum < args.count {
            clearFlags()
            write("%!(EXTRA ")
            for (k, arg) in args[argNum...].enumerated() {
                if k > 0 { write(", ") }
                if case .null = arg {
                    write("<nil>")
                } else {
                    write(arg.goTypeName)
                    buf.append(UInt8(ascii: "="))
                    printArg(arg, "v")
                }
            }
            buf.append(UInt8(ascii: ")"))
        }
    }
}
