/// A `filterTags.extract` template, parsed once, expanded with Go `Regexp.Expand` rules:
///
/// - `$name` takes the longest run of letters, digits and `_` as the name, so `$1x` names
///   group "1x" (which does not exist and expands to nothing) while `${1}x` is group 1 then `x`;
/// - a name of decimal digits without a leading zero is a group number, `$0` the whole match;
/// - `$$` is a literal `$`; a `$` not followed by a valid name (or `${` without `}`) is literal;
/// - unknown groups and groups that did not take part in the match expand to nothing.
struct ExtractTemplate: Sendable {
    enum Piece: Sendable, Equatable {
        case literal([UInt8])
        /// Candidate group numbers, first participating one wins (Go scans names in order).
        case groups([Int])
    }

    let pieces: [Piece]

    init(_ template: String, for pattern: CompiledPattern) {
        pieces = Self.parse(Array(template.utf8), groupCount: pattern.groupCount, names: pattern.groupNumbers)
    }

    /// Appends the expansion for the last match of `matcher` over `subject` to `output`.
    func expand(into output: inout [UInt8], subject: UnsafeBufferPointer<UInt8>, matcher: PatternMatcher) {
        for piece in pieces {
            switch piece {
            case .literal(let bytes):
                output.append(contentsOf: bytes)
            case .groups(let numbers):
                for number in numbers {
                    if let range = matcher.range(ofGroup: number) {
                        output.append(contentsOf: subject[range])
                        break
                    }
                }
            }
        }
    }

    private static func parse(_ bytes: [UInt8], groupCount: Int, names: [String: [Int]]) -> [Piece] {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        var index = 0
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal.removeAll()
        }
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "$") else {
                literal.append(byte)
                index += 1
                continue
            }
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "$") {
                literal.append(UInt8(ascii: "$"))
                index += 1
                continue
            }
            guard let (name, next) = readName(bytes, from: index) else {
                literal.append(UInt8(ascii: "$"))  // malformed: the `$` is plain text
                continue
            }
            index = next
            flush()
            if let number = groupNumber(name) {
                pieces.append(.groups(number <= groupCount ? [number] : []))
            } else {
                pieces.append(.groups(names[name] ?? []))
            }
        }
        flush()
        return pieces
    }

    /// Reads `name` or `{name}` at `start`; returns the name and the index after it.
    private static func readName(_ bytes: [UInt8], from start: Int) -> (String, Int)? {
        var index = start
        let braced = index < bytes.count && bytes[index] == UInt8(ascii: "{")
        if braced { index += 1 }
        let nameStart = index
        // Decode scalar by scalar: Go accepts any Unicode letter or digit in a name.
        while index < bytes.count {
            let (scalar, width) = decodeScalar(bytes, at: index)
            guard let scalar, scalar == "_" || isGoLetterOrDigit(scalar) else { break }
            index += width
        }
        guard index > nameStart else { return nil }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        if braced {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "}") else { return nil }
            index += 1
        }
        return (name, index)
    }

    /// Go's rule: all ASCII digits, no leading zero, below 1e8.
    private static func groupNumber(_ name: String) -> Int? {
        let digits = Array(name.utf8)
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), digits.count <= 8 else {
            return nil
        }
        if digits.count > 1, digits[0] == UInt8(ascii: "0") { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// Go's `unicode.IsLetter` (category L) or `unicode.IsDigit` (category Nd).
    private static func isGoLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return true
        default:
            return false
        }
    }

    private static func decodeScalar(_ bytes: [UInt8], at index: Int) -> (Unicode.Scalar?, Int) {
        var iterator = bytes[index...].makeIterator()
        var decoder = UTF8()
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar): return (scalar, UTF8.width(scalar))
        default: return (nil, 1)
        }
    }
}
