/// Go `path.Match`-style glob for one host label: `*`, `?`, `[a-z]`, `[^…]`, `\x`.
enum Glob {
    static func match(_ pattern: String, _ name: String) -> Bool {
        matchBytes(Array(pattern.utf8)[...], Array(name.utf8)[...])
    }

    /// One pass with a single retry point, the last `*`, as Go's `path.Match` scans: every
    /// other token matches exactly one byte, so letting only the last star absorb more is
    /// complete, and the work stays O(pattern × name) however many stars the pattern has (a
    /// retry at every star took exponential time: `*a*a*a…b` against a long run of `a`s).
    private static func matchBytes(_ pattern: ArraySlice<UInt8>, _ name: ArraySlice<UInt8>) -> Bool {
        var p = pattern
        var s = name
        var retry: (p: ArraySlice<UInt8>, s: ArraySlice<UInt8>)?
        while true {
            if let c = p.first {
                if c == UInt8(ascii: "*") {
                    p = p.dropFirst()
                    if p.isEmpty { return true }
                    retry = (p, s)
                    continue
                }
                if let rest = matchOne(p, s) {
                    p = rest
                    s = s.dropFirst()
                    continue
                }
            } else if s.isEmpty {
                return true
            }
            // Mismatch: the last star takes one more byte, or there is no match.
            guard let last = retry, !last.s.isEmpty else { return false }
            p = last.p
            s = last.s.dropFirst()
            retry = (p, s)
        }
    }

    /// The pattern after its first token when that token (not `*`) matches the first byte of `s`.
    private static func matchOne(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let c = p.first, let b = s.first else { return nil }
        switch c {
        case UInt8(ascii: "?"):
            return p.dropFirst()
        case UInt8(ascii: "["):
            guard let (matched, rest) = matchClass(p.dropFirst(), b), matched else { return nil }
            return rest
        case UInt8(ascii: "\\"):
            let escaped = p.dropFirst()
            guard let e = escaped.first, b == e else { return nil }
            return escaped.dropFirst()
        default:
            return c == b ? p.dropFirst() : nil
        }
    }

    /// Matches `b` against a class body after `[`; returns (matched, pattern after `]`), nil if malformed.
    private static func matchClass(_ body: ArraySlice<UInt8>, _ b: UInt8) -> (Bool, ArraySlice<UInt8>)? {
        var p = body
        var negate = false
        if p.first == UInt8(ascii: "^") {
            negate = true
            p = p.dropFirst()
        }
        var matched = false
        var first = true
        while let c = p.first {
            if c == UInt8(ascii: "]") && !first { return (matched != negate, p.dropFirst()) }
            first = false
            var lo = c
            p = p.dropFirst()
            if lo == UInt8(ascii: "\\") {
                guard let e = p.first else { return nil }
                lo = e
                p = p.dropFirst()
            }
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
