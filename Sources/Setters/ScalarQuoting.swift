/// Decides how a new value is written so it reads back as the same string.
enum ScalarQuoting {
    /// Whether `value` can be written as a plain scalar in block context and still be read as
    /// that string by YAML 1.1 and 1.2 readers (Kubernetes uses YAML 1.1 resolution).
    static func isSafePlain(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else { return false }
        if " \t".unicodeScalars.contains(first) || " \t".unicodeScalars.contains(last) { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) { return false }
        if value.contains(": ") || value.contains(" #") || value.hasSuffix(":") { return false }
        if value.unicodeScalars.contains(where: { !isPlainSafeCharacter($0) }) { return false }
        return !resolvesToNonString(value)
    }

    /// Printable, single-line, no tab; everything else goes in double quotes with escapes.
    static func isPlainSafeCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isPrintable(scalar) && scalar != "\t"
    }

    /// YAML's printable set minus line breaks (NEL, LS, PS) and the BOM.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E: true
        case 0x09: true
        case 0xA0...0xD7FF: scalar.value != 0x2028 && scalar.value != 0x2029
        case 0xE000...0xFFFD: scalar.value != 0xFEFF
        case 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// YAML 1.1 (and 1.2 core) implicit types: null, bool, int, float, timestamp, merge, value.
    static func resolvesToNonString(_ value: String) -> Bool {
        if yaml11Keywords.contains(value) { return true }
        let bytes = Array(value.utf8)
        return isNumber(bytes) || isTimestamp(bytes)
    }

    private static let yaml11Keywords: Set<String> = [
        "~", "null", "Null", "NULL",
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
        ".nan", ".NaN", ".NAN", "<<", "=",
    ]

    /// Ints (decimal, `0b`, `0o`, `0x`, leading-zero octal, sexagesimal `1:20`, `_` separators)
    /// and floats (`1.10`, `.5`, `1e3`, `1.5e-3`, `1:20.5`). Several dots (`1.0.1`) is a
    /// string for every real-world resolver (go-yaml, PyYAML, libyaml users), so it stays plain.
    static func isNumber(_ bytes: [UInt8]) -> Bool {
        var body = bytes[...]
        if let sign = body.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { body = body.dropFirst() }
        guard !body.isEmpty else { return false }
        func all(_ s: ArraySlice<UInt8>, _ allowed: (UInt8) -> Bool) -> Bool {
            !s.isEmpty && s.allSatisfy { allowed($0) || $0 == UInt8(ascii: "_") } && s.contains(where: allowed)
        }
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        let isHex = { (b: UInt8) in isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x66) }
        if body.count > 2, body.first == UInt8(ascii: "0") {
            let radix = body[body.startIndex + 1] | 0x20
            let digits = body.dropFirst(2)
            if radix == UInt8(ascii: "x") { return all(digits, isHex) }
            if radix == UInt8(ascii: "o") { return all(digits) { $0 >= 0x30 && $0 <= 0x37 } }
            if radix == UInt8(ascii: "b") { return all(digits) { $0 == 0x30 || $0 == 0x31 } }
        }
        // Sexagesimal: digits(:digits)+ optionally followed by a fraction.
        if body.contains(UInt8(ascii: ":")) {
            let parts = body.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            guard let head = parts.first, all(head, isDigit) else { return false }
            for (i, part) in parts.dropFirst().enumerated() {
                let isLast = i == parts.count - 2
                let whole =
                    isLast
                    ? (part.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false).first
                        ?? part) : part
                guard all(whole, isDigit), whole.count <= 2 else { return false }
                if isLast, whole.count < part.count,
                    !part.dropFirst(whole.count + 1).allSatisfy({ isDigit($0) || $0 == UInt8(ascii: "_") })
                {
                    return false
                }
            }
            return true
        }
        // Mantissa and optional exponent.
        var mantissa = body
        if let e = body.firstIndex(where: { $0 | 0x20 == UInt8(ascii: "e") }) {
            mantissa = body[..<e]
            var exponent = body[(e + 1)...]
            if let sign = exponent.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponent = exponent.dropFirst()
            }
            guard !exponent.isEmpty, exponent.allSatisfy(isDigit) else { return false }
        }
        let pieces = mantissa.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        switch pieces.count {
        case 1: return all(pieces[0], isDigit)
        case 2:
            let (whole, fraction) = (pieces[0], pieces[1])
            let wholeOK = whole.isEmpty || all(whole, isDigit)
            let fractionOK = fraction.isEmpty || all(fraction, isDigit)
            return wholeOK && fractionOK && (whole.contains(where: isDigit) || fraction.contains(where: isDigit))
        default: return false
        }
    }

    /// `YYYY-MM-DD` optionally followed by a time: YAML 1.1 timestamps.
    static func isTimestamp(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        let parts = bytes.prefix(10).split(separator: UInt8(ascii: "-"), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), parts[0].allSatisfy(isDigit),
            parts[1].allSatisfy(isDigit)
        else { return false }
        let day = parts[2].prefix { isDigit($0) }
        guard (1...2).contains(day.count) else { return false }
        let rest = bytes.dropFirst(parts[0].count + parts[1].count + day.count + 2)
        guard let next = rest.first else { return true }
        return next == UInt8(ascii: "T") || next == UInt8(ascii: "t") || next == UInt8(ascii: " ")
            || next == UInt8(ascii: "\t")
    }

    /// A double-quoted scalar for `value`, escaping `\`, `"` and everything not printable.
    static func doubleQuoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\0": out += "\\0"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{0B}": out += "\\v"
            case "\u{0C}": out += "\\f"
            case "\r": out += "\\r"
            case "\u{1B}": out += "\\e"
            case "\u{85}": out += "\\N"
            case "\u{A0}": out += "\\_"
            case "\u{2028}": out += "\\L"
            case "\u{2029}": out += "\\P"
            default:
                if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFF {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value <= 0xFFFF {
                    out += "\\u" + hex(scalar.value, width: 4)
                } else {
                    out += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        return out + "\""
    }

    /// A single-quoted scalar, or nil when `value` needs escapes single quotes cannot express.
    static func singleQuoted(_ value: String) -> String? {
        guard value.unicodeScalars.allSatisfy({ isPrintable($0) && $0 != "\t" }) else { return nil }
        var out = "'"
        for scalar in value.unicodeScalars {
            if scalar == "'" { out += "''" } else { out.unicodeScalars.append(scalar) }
        }
        return out + "'"
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
