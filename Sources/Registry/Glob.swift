/// Go `path.Match`-style glob for one host label: `*`, `?`, `[a-z]`, `[^…]`, `\x`.
enum Glob {
    static func match(_ pattern: String, _ name: String) -> Bool {
        matchBytes(Array(pattern.utf8)[...], Array(name.utf8)[...])
    }

    private static func matchBytes(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        var p = p
        var s = s
        while let c = p.first {
            switch c {
            case UInt8(ascii: "*"):
                let rest = p.dropFirst()
                if rest.isEmpty { return true }
                var i = s.startIndex
                while true {
                    if matchBytes(rest, s[i...]) { return true }
                    if i == s.endIndex { return false }
                    i += 1
                }
            case UInt8(ascii: "?"):
                guard !s.isEmpty else { return false }
                p = p.dropFirst(); s = s.dropFirst()
            case UInt8(ascii: "["):
                guard let b = s.first, let (matched, rest) = matchClass(p.dropFirst(), b), matched else { return false }
                p = rest; s = s.dropFirst()
            case UInt8(ascii: "\\"):
                let escaped = p.dropFirst()
                guard let e = escaped.first, s.first == e else { return false }
                p = escaped.dropFirst(); s = s.dropFirst()
            default:
                guard s.first == c else { return false }
                p = p.dropFirst(); s = s.dropFirst()
            }
        }
        return s.isEmpty
    }

    /// Matches `b` against a class body after `[`; returns (matched, pattern after `]`), nil if malformed.
    private static func matchClass(_ body: ArraySlice<UInt8>, _ b: UInt8) -> (Bool, ArraySlice<UInt8>)? {
        var p = body
        var negate = false
        if p.first == UInt8(ascii: "^") { negate = true; p = p.dropFirst() }
        var matched = false
        var first = true
        while let c = p.first {
            if c == UInt8(ascii: "]") && !first { return (matched != negate, p.dropFirst()) }
            first = false
            var lo = c
            p = p.dropFirst()
            if lo == UInt8(ascii: "\\") { guard let e = p.first else { return nil }; lo = e; p = p.dropFirst() }
            var hi = lo
            if p.first == UInt8(ascii: "-"), let h = p.dropFirst().first, h != UInt8(ascii: "]") {
                hi = h
                p = p.dropFirst(2)
            }
            if lo <= b && b <= hi { matched = true }
        }
        return nil
    }
}
