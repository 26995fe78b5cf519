/// One challenge from a `WWW-Authenticate` header, e.g. `Bearer realm="…",service="…"`.
package struct AuthChallenge: Sendable, Hashable {
    /// The scheme, lowercased (`bearer`, `basic`).
    package var scheme: String
    /// Parameters with lowercased names; values unquoted and unescaped.
    package var parameters: [String: String]

    var realm: String? { parameters["realm"] }
    var service: String? { parameters["service"] }
    var scope: String? { parameters["scope"] }

    /// Longest header we parse; registries send a few hundred bytes.
    static let maxHeaderLength = 8192

    /// Parses all challenges in a header value (RFC 9110 §11.6.1). Malformed trailing input is
    /// dropped rather than guessed at; an over-long header yields no challenges.
    package static func parse(_ header: String) -> [AuthChallenge] {
        guard header.utf8.count <= maxHeaderLength else { return [] }
        var s = Scanner(Array(header.utf8))
        var result: [AuthChallenge] = []
        var current: AuthChallenge?
        while true {
            var sawComma = false
            s.skip { b in
                if b == 0x2C { sawComma = true }
                return b == 0x20 || b == 0x09 || b == 0x2C
            }
            guard !s.atEnd, let token = s.token() else { break }
            s.skip { $0 == 0x20 || $0 == 0x09 }
            guard let c = current else {
                current = AuthChallenge(scheme: token.lowercased(), parameters: [:])
                continue
            }
            let directlyAfterScheme = c.parameters.isEmpty && !sawComma
            if s.peek == 0x3D && !(directlyAfterScheme && s.isToken68Padding()) {
                // auth-param: name = ( token / quoted-string )
                s.advance()
                s.skip { $0 == 0x20 || $0 == 0x09 }
                guard let value = s.peek == 0x22 ? s.quotedString() : s.bareValue() else { break }
                current?.parameters[token.lowercased()] = value
            } else if directlyAfterScheme {
                // token68 (e.g. `Basic abc==`), kept under the empty name.
                var t = token
                while s.peek == 0x3D {
                    t += "="
                    s.advance()
                }
                current?.parameters[""] = t
            } else {
                result.append(c)
                current = AuthChallenge(scheme: token.lowercased(), parameters: [:])
            }
        }
        if let c = current { result.append(c) }
        return result
    }

    /// The challenge we act on: bearer preferred over basic, others ignored.
    static func preferred(in challenges: [AuthChallenge]) -> AuthChallenge? {
        challenges.first { $0.scheme == "bearer" } ?? challenges.first { $0.scheme == "basic" }
    }
}

/// A tiny byte scanner for header grammars.
struct Scanner {
    let bytes: [UInt8]
    var index = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[index] }
    mutating func advance() { index += 1 }
    mutating func skip(while predicate: (UInt8) -> Bool) {
        while index < bytes.count && predicate(bytes[index]) { index += 1 }
    }

    static func isTokenChar(_ b: UInt8) -> Bool {
        // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
        // plus "/" so token68 values (base64) scan as one token.
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E, 0x2F: return true
        default: return false
        }
    }

    mutating func token() -> String? {
        let start = index
        skip(while: Self.isTokenChar)
        guard index > start else { return nil }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// An unquoted parameter value. Lenient: everything up to `,` or whitespace, since some
    /// servers send unquoted URLs (`realm=https://…`), which are not RFC tokens.
    mutating func bareValue() -> String? {
        let start = index
        skip { $0 != 0x2C && $0 != 0x20 && $0 != 0x09 && $0 != 0x22 }
        guard index > start else { return nil }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A quoted-string with backslash escapes; nil when unterminated.
    mutating func quotedString() -> String? {
        guard peek == 0x22 else { return nil }
        advance()
        var out: [UInt8] = []
        while let b = peek {
            advance()
            if b == 0x22 { return String(decoding: out, as: UTF8.self) }
            if b == 0x5C {
                guard let e = peek else { return nil }
                advance()
                out.append(e)
            } else {
                out.append(b)
            }
        }
        return nil
    }

    /// True when the `=` at the cursor is base64 padding (followed by `=`, `,` or the end), not a parameter.
    func isToken68Padding() -> Bool {
        var i = index
        while i < bytes.count && bytes[i] == 0x3D { i += 1 }
        var j = i
        while j < bytes.count && (bytes[j] == 0x20 || bytes[j] == 0x09) { j += 1 }
        // "a=b": one "=" followed by a value → parameter.
        if i - index == 1 && j < bytes.count && bytes[j] != 0x2C { return false }
        return true
    }
}
