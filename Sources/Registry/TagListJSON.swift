/// Reads a tag list page, `{"name": "...", "tags": ["...", ...]}`, straight from the bytes.
///
/// Strict JSON (RFC 8259) for the whole document, but only `tags` is materialised: other
/// members are validated and skipped. `tags` may be `null` (an empty repository). Foundation's
/// JSONDecoder built a full value tree for every page; this keeps scanning cheap.
package enum TagListJSON {
    package struct Failure: Error {
        /// `invalid JSON: …` or `wrong type at .tags…`, in the words the tests and users see.
        package let reason: String
    }

    static let maxDepth = 64

    package static func tags(in bytes: [UInt8]) throws(Failure) -> [String] {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        guard reader.consume(UInt8(ascii: "{")) else { throw reader.invalid("expected an object") }
        var tags: [String] = []
        reader.skipWhitespace()
        if !reader.consume(UInt8(ascii: "}")) {
            while true {
                reader.skipWhitespace()
                let key = try reader.string()
                reader.skipWhitespace()
                guard reader.consume(UInt8(ascii: ":")) else { throw reader.invalid("expected ':'") }
                reader.skipWhitespace()
                if key == "tags" {
                    tags = try reader.tagArray()
                } else {
                    try reader.skipValue(depth: 1)
                }
                reader.skipWhitespace()
                if reader.consume(UInt8(ascii: ",")) { continue }
                guard reader.consume(UInt8(ascii: "}")) else { throw reader.invalid("expected ',' or '}'") }
                break
            }
        }
        reader.skipWhitespace()
        guard reader.atEnd else { throw reader.invalid("unexpected data after the object") }
        return tags
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index >= bytes.count }

        func invalid(_ what: String) -> Failure {
            Failure(
                reason: atEnd
                    ? "invalid JSON: \(what), found the end of the data" : "invalid JSON: \(what) at byte \(index)")
        }

        mutating func skipWhitespace() {
            while index < bytes.count,
                bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
            {
                index += 1
            }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func consume(_ word: String) -> Bool {
            let utf8 = Array(word.utf8)
            guard bytes.count - index >= utf8.count, bytes[index..<index + utf8.count].elementsEqual(utf8) else {
                return false
            }
            index += utf8.count
            return true
        }

        mutating func tagArray() throws(Failure) -> [String] {
            if consume("null") { return [] }
            guard consume(UInt8(ascii: "[")) else {
                throw Failure(reason: "wrong type at .tags: expected an array of strings")
            }
            var tags: [String] = []
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { return tags }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    if atEnd { throw invalid("expected a string") }
                    throw Failure(reason: "wrong type at .tags[\(tags.count)]: expected a string")
                }
                tags.append(try string())
                skipWhitespace()
                if consume(UInt8(ascii: ",")) { continue }
                guard consume(UInt8(ascii: "]")) else { throw invalid("expected ',' or ']'") }
                return tags
            }
        }

        /// A JSON string; the common case (no escapes) is one copy of the bytes.
        mutating func string() throws(Failure) -> String {
            guard consume(UInt8(ascii: "\"")) else { throw invalid("expected a string") }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: bytes[start..<index - 1], as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
                guard byte >= 0x20 else { throw invalid("control character in a string") }
                index += 1
            }
            throw invalid("unterminated string")
        }

        private mutating func escapedString(from start: Int) throws(Failure) -> String {
            var output = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: output, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { throw invalid("unterminated escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
                    case UInt8(ascii: "b"): output.append(0x08)
                    case UInt8(ascii: "f"): output.append(0x0C)
                    case UInt8(ascii: "n"): output.append(0x0A)
                    case UInt8(ascii: "r"): output.append(0x0D)
                    case UInt8(ascii: "t"): output.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar), consume("\\u") {
                            let low = try hex4()
                            if (0xDC00..<0xE000).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            }
                        }
                        output.append(
                            contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                    default:
                        throw invalid("invalid escape")
                    }
                default:
                    guard byte >= 0x20 else { throw invalid("control character in a string") }
                    output.append(byte)
                }
            }
            throw invalid("unterminated string")
        }

        private mutating func hex4() throws(Failure) -> UInt32 {
            guard bytes.count - index >= 4 else { throw invalid("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw invalid("invalid \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        /// Validates and skips any JSON value.
        mutating func skipValue(depth: Int) throws(Failure) {
            guard depth <= TagListJSON.maxDepth else {
                throw invalid("nested deeper than \(TagListJSON.maxDepth) levels")
            }
            guard index < bytes.count else { throw invalid("expected a value") }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                _ = try string()
            case UInt8(ascii: "{"):
                index += 1
                skipWhitespace()
                if consume(UInt8(ascii: "}")) { return }
                while true {
                    skipWhitespace()
                    _ = try string()
                    skipWhitespace()
                    guard consume(UInt8(ascii: ":")) else { throw invalid("expected ':'") }
                    skipWhitespace()
                    try skipValue(depth: depth + 1)
                    skipWhitespace()
                    if consume(UInt8(ascii: ",")) { continue }
                    guard consume(UInt8(ascii: "}")) else { throw invalid("expected ',' or '}'") }
                    return
                }
            case UInt8(ascii: "["):
                index += 1
                skipWhitespace()
                if consume(UInt8(ascii: "]")) { return }
                while true {
                    skipWhitespace()
                    try skipValue(depth: depth + 1)
                    skipWhitespace()
                    if consume(UInt8(ascii: ",")) { continue }
                    guard consume(UInt8(ascii: "]")) else { throw invalid("expected ',' or ']'") }
                    return
                }
            default:
                if consume("true") || consume("false") || consume("null") { return }
                try skipNumber()
            }
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        private mutating func skipNumber() throws(Failure) {
            func digits() -> Int {
                let start = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                return index - start
            }
            _ = consume(UInt8(ascii: "-"))
            if consume(UInt8(ascii: "0")) {
            } else if digits() == 0 {
                throw invalid("expected a value")
            }
            if consume(UInt8(ascii: ".")), digits() == 0 { throw invalid("expected digits after '.'") }
            if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
                index += 1
                if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
                if digits() == 0 { throw invalid("expected exponent digits") }
            }
        }
    }
}
