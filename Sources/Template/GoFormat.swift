import Basics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Go `fmt` formatting of template values (the subset templates need).
enum GoFormat {
    /// `fmt.Sprint(v)` / `%v`.
    static func sprint(_ v: TemplateValue) -> String {
        switch v {
        case .null: return "<nil>"
        case .string(let s): return s
        case .int(let i): return String(i)
        case .float(let d): return formatG(d)
        case .bool(let b): return b ? "true" : "false"
        case .list(let l): return "[" + l.map(sprint).joined(separator: " ") + "]"
        case .map:
            return "map[" + v.sortedEntries.map { sprint($0.key) + ":" + sprint($0.value) }.joined(separator: " ") + "]"
        case .record(let r):
            if let s = r.stringValue { return s }
            return "{" + r.fieldOrder.map { sprint(r.fields[$0] ?? .null) }.joined(separator: " ") + "}"
        }
    }

    /// `fmt.Sprint(args...)`: a space between operands when neither is a string.
    static func sprintArgs(_ args: [TemplateValue]) -> String {
        var out = ""
        var prevString = false
        for (i, a) in args.enumerated() {
            let isString: Bool
            if case .string = a { isString = true } else { isString = false }
            if i > 0 && !isString && !prevString { out += " " }
            out += sprint(a)
            prevString = isString
        }
        return out
    }

    /// `fmt.Sprintln(args...)`.
    static func sprintln(_ args: [TemplateValue]) -> String {
        args.map(sprint).joined(separator: " ") + "\n"
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
            if c == UInt8(ascii: ".") { seenPoint = true; continue }
            digits.append(c - 48)
            if !seenPoint { point += 1 }
        }
        // strip leading zeros
        while let f = digits.first, f == 0, digits.count > 1 { digits.removeFirst(); point -= 1 }
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

    /// C-style formatting of one double with a single conversion (`%.*f`, `%.*e`).
    static func cFormat(_ d: Double, conv: Character, precision: Int) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
        var buf = [CChar](repeating: 0, count: 512)
        let fmt = "%.\(min(precision, 300))\(conv)"
        let n = withVaList([d]) { va in
            buf.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 512, fmt, va) }
        }
        if n >= 512 { return fmt }
        return String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: quoting

    /// `strconv.Quote`.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
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
                } else if !isGoPrint(u) {
                    out += u.value <= 0xFFFF ? "\\u" + pad(String(u.value, radix: 16), 4) : "\\U" + pad(String(u.value, radix: 16), 8)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
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
                if upper, (97...122).contains(v) { out.unicodeScalars.append(Unicode.Scalar(v - 32)!) }
                else if !upper, (65...90).contains(v) { out.unicodeScalars.append(Unicode.Scalar(v + 32)!) }
                else { out.unicodeScalars.append(u) }
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

    // MARK: printf

    /// Go `fmt.Sprintf` for the verbs `%v %s %d %q %x %X %f %F %e %g %t %c %%`.
    static func sprintf(_ format: String, _ args: [TemplateValue]) -> String {
        var out = ""
        var argIndex = 0
        let chars = Array(format.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c != "%" { out.unicodeScalars.append(c); i += 1; continue }
            i += 1
            var minus = false, plus = false, zero = false, space = false, sharp = false
            flags: while i < chars.count {
                switch chars[i] {
                case "-": minus = true
                case "+": plus = true
                case "0": zero = true
                case " ": space = true
                case "#": sharp = true
                default: break flags
                }
                i += 1
            }
            func number() -> Int? {
                var n: Int? = nil
                if i < chars.count, chars[i] == "*" {
                    i += 1
                    if argIndex < args.count, case .int(let v) = args[argIndex] { argIndex += 1; return v }
                    return nil
                }
                while i < chars.count, let d = Int(String(chars[i])), chars[i].isASCII {
                    n = (n ?? 0) * 10 + d
                    i += 1
                    if n! > 1_000_000 { n = 1_000_000 }
                }
                return n
            }
            var width = number()
            var precision: Int? = nil
            if i < chars.count, chars[i] == "." {
                i += 1
                precision = number() ?? 0
            }
            if let w = width, w < 0 { minus = true; width = -w }
            guard i < chars.count else { out += "%!(NOVERB)"; break }
            let verb = chars[i]
            i += 1
            if verb == "%" { out += "%"; continue }
            guard argIndex < args.count else { out += "%!\(verb)(MISSING)"; continue }
            let arg = args[argIndex]
            argIndex += 1
            var body: String
            var numeric = false
            switch (verb, arg) {
            case ("v", _):
                body = sprint(arg)
                if case .int = arg { numeric = true } else if case .float = arg { numeric = true }
                if let p = precision, case .float(let d) = arg { body = cFormat(d, conv: "g", precision: p) }
                if plus, case .int(let n) = arg, n >= 0 { body = "+" + body }
            case ("s", .string(let s)):
                body = s
                if let p = precision { body = String(s.unicodeScalars.prefix(p).map(Character.init)) }
            case ("s", .list), ("s", .map), ("s", .record), ("v", .null):
                body = sprint(arg)
            case ("d", .int(let n)):
                body = String(n); numeric = true
                if plus && n >= 0 { body = "+" + body } else if space && n >= 0 { body = " " + body }
            case ("x", .int(let n)), ("X", .int(let n)):
                body = (n < 0 ? "-" : "") + (sharp ? "0x" : "") + String(n.magnitude, radix: 16, uppercase: verb == "X"); numeric = true
            case ("x", .string(let s)), ("X", .string(let s)):
                body = s.utf8.map { hex2($0) }.joined()
                if verb == "X" { body = body.uppercased() }
            case ("q", .string(let s)):
                body = quote(s)
            case ("q", .int(let n)):
                if let u = Unicode.Scalar(UInt32(clamping: max(0, n))) { body = "'" + String(Character(u)) + "'" } else { body = "'\u{FFFD}'" }
            case ("c", .int(let n)):
                body = Unicode.Scalar(UInt32(clamping: max(0, n))).map { String(Character($0)) } ?? "\u{FFFD}"
            case ("t", .bool(let b)):
                body = b ? "true" : "false"
            case ("f", .float(let d)), ("F", .float(let d)):
                body = cFormat(d, conv: "f", precision: precision ?? 6); numeric = true
                if plus && d >= 0 { body = "+" + body }
            case ("e", .float(let d)), ("E", .float(let d)):
                body = cFormat(d, conv: verb == "e" ? "e" : "E", precision: precision ?? 6); numeric = true
            case ("g", .float(let d)):
                body = precision.map { cFormat(d, conv: "g", precision: $0) } ?? formatG(d); numeric = true
            default:
                out += arg == .null ? "%!\(verb)(<nil>)" : "%!\(verb)(\(arg.goTypeName)=\(sprint(arg)))"
                continue
            }
            if let w = width {
                let len = body.unicodeScalars.count
                if len < w {
                    if minus {
                        body += String(repeating: " ", count: w - len)
                    } else if zero && numeric {
                        var sign = ""
                        if let f = body.first, f == "-" || f == "+" { sign = String(f); body.removeFirst() }
                        body = sign + String(repeating: "0", count: w - len) + body
                    } else {
                        body = String(repeating: " ", count: w - len) + body
                    }
                }
            }
            out += body
        }
        if argIndex < args.count {
            out += "%!(EXTRA " + args[argIndex...].map { "\($0.goTypeName)=\(sprint($0))" }.joined(separator: ", ") + ")"
        }
        return out
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
            if count < 0 || done < count { out += new; done += 1 }
            out.unicodeScalars.append(ch)
        }
        if count < 0 || done < count { out += new }
        return out
    }
    let sb = Array(s.utf8), ob = Array(old.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(sb.count)
    var i = 0, done = 0
    while i < sb.count {
        if (count < 0 || done < count), i + ob.count <= sb.count, sb[i..<(i + ob.count)].elementsEqual(ob) {
            out.append(contentsOf: new.utf8)
            i += ob.count
            done += 1
        } else {
            out.append(sb[i]); i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}
