#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Go's `strconv.ParseFloat(s, 64)`, which Flux's numerical policy applies to every tag:
/// decimal (`1e3`, `.5`, `5.`, `0012`), hexadecimal with a mandatory `p` exponent (`0x1p4`),
/// `_` between digits (`1_000`), `inf`/`infinity`/`nan` in any case (sign allowed on inf).
/// Anything else, and a finite value too large for a double, is not a number.
enum GoFloat {
    static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8(parse)
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        if let special = special(bytes) { return special }
        guard wellFormed(bytes) else { return nil }
        // strtod reads the same grammar once underscores are gone; it needs a C string.
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
            var count = 0
            for byte in bytes where byte != UInt8(ascii: "_") {
                buffer[count] = CChar(bitPattern: byte)
                count += 1
            }
            buffer[count] = 0
            guard let base = buffer.baseAddress else { return Double.infinity }  // capacity >= 1: never
            return strtod(base, nil)
        }
        return value.isInfinite ? nil : value  // Go reports overflow as ErrRange
    }

    private static func lower(_ byte: UInt8) -> UInt8 { byte | 0x20 }

    private static func special(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            index = 1
        }
        // Only words starting with i or n can be special; skip the string work for numbers.
        guard index < bytes.count, [UInt8(ascii: "i"), UInt8(ascii: "n")].contains(lower(bytes[index])) else {
            return nil
        }
        let rest = String(decoding: bytes[index...], as: UTF8.self).lowercased()
        if rest == "inf" || rest == "infinity" { return negative ? -.infinity : .infinity }
        if index == 0, rest == "nan" { return .nan }
        return nil
    }

    /// The grammar of Go's `readFloat` plus its `underscoreOK` rule.
    private static func wellFormed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        var hex = false
        if i + 1 < n, bytes[i] == UInt8(ascii: "0"), lower(bytes[i + 1]) == UInt8(ascii: "x") {
            hex = true
            i += 2
        }
        var sawDigits = false
        var sawDot = false
        var underscores = false
        mantissa: while i < n {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "_"):
                underscores = true
            case UInt8(ascii: "."):
                if sawDot { break mantissa }
                sawDot = true
            case _ where isDigit(c):
                sawDigits = true
            case _ where hex && lower(c) >= UInt8(ascii: "a") && lower(c) <= UInt8(ascii: "f"):
                sawDigits = true
            default:
                break mantissa
            }
            i += 1
        }
        guard sawDigits else { return false }
        let exponentChar = hex ? UInt8(ascii: "p") : UInt8(ascii: "e")
        var sawExponent = false
        if i < n, lower(bytes[i]) == exponentChar {
            i += 1
            if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, isDigit(bytes[i]) else { return false }
            while i < n, isDigit(bytes[i]) || bytes[i] == UInt8(ascii: "_") {
                if bytes[i] == UInt8(ascii: "_") { underscores = true }
                i += 1
            }
            sawExponent = true
        }
        if hex && !sawExponent { return false }
        guard i == n else { return false }
        return !underscores || underscoresAllowed(bytes)
    }

    /// Go's `underscoreOK`: each `_` sits between digits (or after a base prefix).
    private static func underscoresAllowed(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        enum Saw { case start, digit, underscore, other }
        var saw = Saw.start
        var i = 0
        let n = bytes.count
        if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        var hex = false
        if i + 1 < n, bytes[i] == UInt8(ascii: "0"),
            [UInt8(ascii: "b"), UInt8(ascii: "o"), UInt8(ascii: "x")].contains(lower(bytes[i + 1]))
        {
            hex = lower(bytes[i + 1]) == UInt8(ascii: "x")
            saw = .digit
            i += 2
        }
        while i < n {
            let c = bytes[i]
            if isDigit(c) || (hex && lower(c) >= UInt8(ascii: "a") && lower(c) <= UInt8(ascii: "f")) {
                saw = .digit
            } else if c == UInt8(ascii: "_") {
                if saw != .digit { return false }
                saw = .underscore
            } else {
                if saw == .underscore { return false }
                saw = .other
            }
            i += 1
        }
        return saw != .underscore
    }
}
