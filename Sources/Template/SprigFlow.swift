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
           rest[..<c].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) {
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
        var opaque = "", host = "", userinfo = "", path = ""
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
                    throw FuncError("unable to parse url: parse \(GoFormat.quote(raw)): invalid URL escape \(GoFormat.quote(bad))")
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
        let scheme = try field(m, "scheme"), host = try field(m, "host"), path = try field(m, "path")
        let query = try field(m, "query"), opaque = try field(m, "opaque"), fragment = try field(m, "fragment")
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
        let hex = Array("0123456789ABCDEF")
        for b in s.utf8 {
            let c = Unicode.Scalar(b)
            if c.isASCII && (c.properties.isAlphabetic || (48...57).contains(b) || "-_.~$&+,/:;=@!*'()".unicodeScalars.contains(c)) {
                out.unicodeScalars.append(c)
            } else {
                out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
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
            },
        ]
        for name in ["ago", "durationRound", "toDate", "mustToDate", "unixEpoch", "dateModify", "mustDateModify", "must_date_modify"] {
            t[name] = SprigCrypto.unsupported(name, "Go time values")
        }
        return t
    }()

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
        for name in ["bcrypt", "htpasswd", "genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert",
                     "genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey", "buildCustomCert", "encryptAES"] {
            t[name] = unsupported(name, "it needs random keys, salts or IVs")
        }
        for name in ["derivePassword", "decryptAES"] {
            t[name] = unsupported(name, "imagebot has no scrypt or AES")
        }
        return t
    }()
}
