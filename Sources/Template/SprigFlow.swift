import Basics

/// Sprig's defaults, flow control and reflection (defaults.go, reflect.go, functions.go).
enum SprigFlow {
    typealias S = TemplateSprig

    static let functions: [String: TemplateFunction] = [
        "default": .init(params: [.any], variadic: .any) { a, _ in
            if a.count < 2 || S.isEmpty(a[1]) { return a[0] }
            return a[1]
        },
        "empty": .init(params: [.any]) { a, _ in .bool(S.isEmpty(a[0])) },
        "hello": .init(params: []) { _, _ in .string("Hello!") },
        "coalesce": .init(params: [], variadic: .any) { a, _ in
            for v in a where !S.isEmpty(v) { return v }
            return nil
        },
        "all": .init(params: [], variadic: .any) { a, _ in .bool(a.allSatisfy { !S.isEmpty($0) }) },
        "any": .init(params: [], variadic: .any) { a, _ in .bool(a.contains { !S.isEmpty($0) }) },
        "ternary": .init(params: [.any, .any, .bool]) { a, _ in
            if case .bool(true)? = a[2] { return a[0] }
            return a[1]
        },
        "fail": .init(params: [.string]) { a, _ throws(FuncError) in throw FuncError(S.s(a[0])) },
        "typeOf": .init(params: [.any]) { a, _ in .string(S.typeName(a[0] ?? .null)) },
        "typeIs": .init(params: [.string, .any]) { a, _ in .bool(S.s(a[0]) == S.typeName(a[1] ?? .null)) },
        "typeIsLike": .init(params: [.string, .any]) { a, _ in
            let t = S.typeName(a[1] ?? .null)
            return .bool(S.s(a[0]) == t || "*" + S.s(a[0]) == t)
        },
        "kindOf": .init(params: [.any]) { a, _ in .string(S.kindName(a[0] ?? .null)) },
        "kindIs": .init(params: [.string, .any]) { a, _ in .bool(S.s(a[0]) == S.kindName(a[1] ?? .null)) },
        "deepEqual": .init(params: [.any, .any]) { a, _ in .bool((a[0] ?? .null) == (a[1] ?? .null)) },
    ]
}

/// Sprig's path functions (Go `path`; `filepath` is the same on Linux) and URL functions.
enum SprigPaths {
    typealias S = TemplateSprig

    static let functions: [String: TemplateFunction] = {
        var t: [String: TemplateFunction] = [:]
        for prefix in ["", "os"] {
            func name(_ n: String) -> String { prefix.isEmpty ? n : prefix + n.prefix(1).uppercased() + n.dropFirst() }
            t[name("base")] = .init(params: [.string]) { a, _ in .string(base(S.s(a[0]))) }
            t[name("dir")] = .init(params: [.string]) { a, _ in .string(dir(S.s(a[0]))) }
            t[name("clean")] = .init(params: [.string]) { a, _ in .string(clean(S.s(a[0]))) }
            t[name("ext")] = .init(params: [.string]) { a, _ in .string(ext(S.s(a[0]))) }
            t[name("isAbs")] = .init(params: [.string]) { a, _ in .bool(S.s(a[0]).hasPrefix("/")) }
        }
        t["urlParse"] = .init(params: [.string]) { a, _ throws(FuncError) in .map(try GoURL.parse(S.s(a[0]))) }
        t["urlJoin"] = .init(params: [.stringMap]) { a, _ throws(FuncError) in
            guard case .map(let m)? = a[0] else { return .string("") }
            return .string(try GoURL.join(m))
        }
        return t
    }()

    /// Go `path.Clean`.
    static func clean(_ p: String) -> String {
        if p.isEmpty { return "." }
        let rooted = p.hasPrefix("/")
        var parts: [Substring] = []
        for part in p.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." { parts.removeLast() } else if !rooted { parts.append(part) }
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// Go `path.Base`.
    static func base(_ p: String) -> String {
        if p.isEmpty { return "." }
        var s = Substring(p)
        while s.count > 1 && s.hasSuffix("/") { s = s.dropLast() }
        if s == "/" { return "/" }
        if let i = s.lastIndex(of: "/") { s = s[s.index(after: i)...] }
        return s.isEmpty ? "/" : String(s)
    }

    /// Go `path.Dir`.
    static func dir(_ p: String) -> String {
        let upTo = p.lastIndex(of: "/").map { p[...$0] } ?? ""
        return clean(String(upTo))
    }

    /// Go `path.Ext`.
    static func ext(_ p: String) -> String {
        for i in p.indices.reversed() {
            if p[i] == "/" { break }
            if p[i] == "." { return String(p[i...]) }
        }
        return ""
    }
}

/// The parts of Go's `net/url` that Sprig's `urlParse`/`urlJoin` expose.
enum GoURL {
    typealias S = TemplateSprig

    static func parse(_ raw: String) throws(FuncError) -> [TemplateValue: TemplateValue] {
        var rest = Substring(raw)
        var fragment = ""
        if let h = rest.firstIndex(of: "#") {
            fragment = try unescape(String(rest[rest.index(after: h)...]), raw)
            rest = rest[..<h]
        }
        var scheme = ""
        if let c = rest.firstIndex(of: ":"), let f = rest.first, f.isASCII && f.isLetter,
            rest[..<c].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        {
            scheme = rest[..<c].lowercased()
            rest = rest[rest.index(after: c)...]
        } else if rest.first == ":" {
            throw FuncError("unable to parse url: parse \(GoFormat.quote(raw)): missing protocol scheme")
        }
        var query = ""
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        var opaque = ""
        var host = ""
        var userinfo = ""
        var path = ""
        if !scheme.isEmpty && !rest.hasPrefix("/") {
            opaque = String(rest)
        } else {
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                let end = rest.firstIndex(of: "/") ?? rest.endIndex
                var authority = rest[..<end]
                rest = rest[end...]
                if let at = authority.lastIndex(of: "@") {
                    userinfo = String(authority[..<at])
                    authority = authority[authority.index(after: at)...]
                }
                host = String(authority)
                // net/url: an IP literal must close its bracket.
                if host.hasPrefix("["), !host.contains("]") {
                    throw FuncError("unable to parse url: parse \(GoFormat.quote(raw)): missing ']' in host")
                }
            }
            path = try unescape(String(rest), raw)
        }
        var hostname = host
        if hostname.hasPrefix("["), let close = hostname.firstIndex(of: "]") {
            hostname = String(hostname[hostname.index(after: hostname.startIndex)..<close])
        } else if let colon = hostname.lastIndex(of: ":") {
            hostname = String(hostname[..<colon])
        }
        return [
            .string("scheme"): .string(scheme), .string("host"): .string(host), .string("hostname"): .string(hostname),
            .string("path"): .string(path), .string("query"): .string(query), .string("opaque"): .string(opaque),
            .string("fragment"): .string(fragment), .string("userinfo"): .string(userinfo),
        ]
    }

    private static func unescape(_ s: String, _ raw: String) throws(FuncError) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        var k = 0
        while k < b.count {
            if b[k] == UInt8(ascii: "%") {
                guard k + 2 < b.count, let v = UInt8(S.bytesString(b[(k + 1)...(k + 2)]), radix: 16) else {
                    let bad = S.bytesString(b[k..<min(k + 3, b.count)])
                    throw FuncError(
                        "unable to parse url: parse \(GoFormat.quote(raw)): invalid URL escape \(GoFormat.quote(bad))")
                }
                out.append(v)
                k += 3
            } else {
                out.append(b[k])
                k += 1
            }
        }
        return S.bytesString(out)
    }

    private static func field(_ m: [TemplateValue: TemplateValue], _ key: String) throws(FuncError) -> String {
        guard let v = m[.string(key)] else { return "" }
        guard case .string(let s) = v else {
            if v == .null { throw S.nilDereference }
            throw FuncError("unable to parse \(key) key, must be of type string, but \(S.kindName(v)) found")
        }
        return s
    }

    /// `url.URL.String()` for the dict's parts.
    static func join(_ m: [TemplateValue: TemplateValue]) throws(FuncError) -> String {
        let scheme = try field(m, "scheme")
        let host = try field(m, "host")
        let path = try field(m, "path")
        let query = try field(m, "query")
        let opaque = try field(m, "opaque")
        let fragment = try field(m, "fragment")
        let userinfo = try field(m, "userinfo")
        var out = ""
        if !scheme.isEmpty { out += scheme + ":" }
        if !opaque.isEmpty {
            out += opaque
        } else {
            if !scheme.isEmpty || !host.isEmpty || !userinfo.isEmpty {
                if !host.isEmpty || !path.isEmpty || !userinfo.isEmpty { out += "//" }
                if !userinfo.isEmpty { out += userinfo + "@" }
                out += host
            }
            if !path.isEmpty && !path.hasPrefix("/") && !host.isEmpty { out += "/" }
            if out.isEmpty, let colon = path.firstIndex(of: ":"), !path[..<colon].contains("/") { out += "./" }
            out += escapePath(path)
        }
        if !query.isEmpty { out += "?" + query }
        if !fragment.isEmpty { out += "#" + escapePath(fragment) }
        return out
    }

    private static func escapePath(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Unicode.Scalar(b)
            if c.isASCII
                && (c.properties.isAlphabetic || (48...57).contains(b)
                    || "-_.~$&+,/:;=@!*'()".unicodeScalars.contains(c))
            {
                out.unicodeScalars.append(c)
            } else {
                out += "%" + Hex.byte(b, uppercase: true)
            }
        }
        return out
    }
}

/// Sprig's date functions that stay in the hermetic map. `duration` is implemented; the rest
/// take or return Go `time.Time` values, which imagebot's templates do not have.
enum SprigDates {
    typealias S = TemplateSprig

    static let functions: [String: TemplateFunction] = {
        var t: [String: TemplateFunction] = [
            // Sprig reads only strings and int64 values; a template's integer constants are
            // Go ints, which it treats as 0.
            "duration": .init(params: [.any]) { a, _ in
                var seconds = 0
                if case .string(let s)? = a[0] { seconds = SprigNumbers.parseInt(s, base: 10) ?? 0 }
                return .string(goDuration(seconds: seconds))
            }
        ]
        // Sprig reads a duration string (`time.ParseDuration`) or an int64 of nanoseconds; a
        // template's integer constants are Go ints, which it treats as 0.
        t["durationRound"] = .init(params: [.any]) { a, _ in
            var nanos: Int64 = 0
            if case .string(let s)? = a[0] { nanos = parseDuration(s) ?? 0 }
            return .string(roundDuration(nanos))
        }
        for name in ["ago", "toDate", "mustToDate", "unixEpoch", "dateModify", "mustDateModify", "must_date_modify"] {
            t[name] = SprigCrypto.unsupported(name, "it needs Go time values or the local time zone")
        }
        return t
    }()

    /// Go `time.ParseDuration` (nanoseconds), nil where Go reports an error.
    static func parseDuration(_ text: String) -> Int64? {
        var s = Array(text.unicodeScalars)[...]
        var negative = false
        if let c = s.first, c == "-" || c == "+" {
            negative = c == "-"
            s = s.dropFirst()
        }
        if s.count == 1 && s.first == "0" { return 0 }
        if s.isEmpty { return nil }
        func isDigit(_ u: Unicode.Scalar) -> Bool { ("0"..."9").contains(u) }
        let units: [String: UInt64] = [
            "ns": 1, "us": 1_000, "\u{B5}s": 1_000, "\u{3BC}s": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
            "m": 60_000_000_000, "h": 3_600_000_000_000,
        ]
        var total: UInt64 = 0
        while !s.isEmpty {
            guard let c = s.first, c == "." || isDigit(c) else { return nil }
            var whole: UInt64 = 0
            var pre = false
            while let d = s.first, isDigit(d) {
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (n, o2) = m.addingReportingOverflow(UInt64(d.value - 48))
                if o1 || o2 { return nil }
                whole = n
                pre = true
                s = s.dropFirst()
            }
            var fraction: UInt64 = 0
            var scale: Double = 1
            var post = false
            if s.first == "." {
                s = s.dropFirst()
                var overflow = false
                while let d = s.first, isDigit(d) {
                    post = true
                    if !overflow {
                        if fraction > (UInt64(1) << 63 - 1) / 10 {
                            overflow = true
                        } else {
                            fraction = fraction * 10 + UInt64(d.value - 48)
                            scale *= 10
                        }
                    }
                    s = s.dropFirst()
                }
            }
            if !pre && !post { return nil }
            var unitEnd = s.startIndex
            while unitEnd < s.endIndex, s[unitEnd] != ".", !isDigit(s[unitEnd]) { unitEnd += 1 }
            guard unitEnd > s.startIndex, let unit = units[String(String.UnicodeScalarView(s[..<unitEnd]))] else {
                return nil
            }
            s = s[unitEnd...]
            let (v, o) = whole.multipliedReportingOverflow(by: unit)
            if o || v > UInt64(1) << 63 { return nil }
            var value = v
            if fraction > 0 {
                value &+= UInt64(Double(fraction) * (Double(unit) / scale))
                if value > UInt64(1) << 63 { return nil }
            }
            total &+= value
            if total > UInt64(1) << 63 { return nil }
        }
        if negative { return Int64(truncatingIfNeeded: 0 &- total) }
        if total > UInt64(Int64.max) { return nil }
        return Int64(total)
    }

    /// Sprig `durationRound`: the largest whole unit (y = 365 d, mo = 30 d) the duration exceeds.
    static func roundDuration(_ nanos: Int64) -> String {
        let u = nanos.magnitude
        let second: UInt64 = 1_000_000_000
        let steps: [(UInt64, String)] = [
            (second * 3600 * 24 * 365, "y"), (second * 3600 * 24 * 30, "mo"), (second * 3600 * 24, "d"),
            (second * 3600, "h"), (second * 60, "m"), (second, "s"),
        ]
        for (size, suffix) in steps where u > size { return "\(u / size)\(suffix)" }
        return "0s"
    }

    /// Go `time.Duration.String()` for whole seconds.
    static func goDuration(seconds: Int) -> String {
        if seconds == 0 { return "0s" }
        let m = seconds.magnitude
        var out = ""
        let (h, rem) = m.quotientAndRemainder(dividingBy: 3600)
        let (mi, s) = rem.quotientAndRemainder(dividingBy: 60)
        if h > 0 { out += "\(h)h\(mi)m" } else if mi > 0 { out += "\(mi)m" }
        out += "\(s)s"
        return (seconds < 0 ? "-" : "") + out
    }
}

/// Sprig's crypto functions: random keys, certificates, salts and IVs, or heavy key
/// derivation. imagebot does not implement them; a template calling one fails naming it.
enum SprigCrypto {
    static func unsupported(_ name: String, _ why: String) -> TemplateFunction {
        TemplateFunction(params: [], variadic: .any) { _, _ throws(FuncError) in
            throw FuncError("\(name) is not supported in imagebot commit templates (\(why))")
        }
    }

    static let functions: [String: TemplateFunction] = {
        var t: [String: TemplateFunction] = [:]
        for name in [
            "bcrypt", "htpasswd", "genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert",
            "genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey", "buildCustomCert", "encryptAES",
        ] {
            t[name] = unsupported(name, "it needs random keys, salts or IVs")
        }
        for name in ["derivePassword", "decryptAES"] {
            t[name] = unsupported(name, "imagebot has no scrypt or AES")
        }
        return t
    }()
}
