import Basics
/// The hermetic Sprig v3 functions Flux commit templates use.
enum TemplateSprig {
    private static func s(_ v: EvalValue) -> String { if case .string(let x)? = v { return x } else { return "" } }
    private static func i(_ v: EvalValue) -> Int { if case .int(let x)? = v { return x } else { return 0 } }

    /// Sprig `strval`.
    static func strval(_ v: TemplateValue) -> String { GoFormat.sprint(v) }

    /// Sprig `strslice`.
    static func strslice(_ v: TemplateValue) -> [String] {
        switch v {
        case .list(let l): return l.compactMap { $0 == .null ? nil : strval($0) }
        case .null: return []
        default: return [strval(v)]
        }
    }

    /// Sprig `empty`.
    static func isEmpty(_ v: EvalValue) -> Bool {
        guard let v else { return true }
        if case .record = v { return false }
        return !v.isTruthy
    }

    private static func checked(_ r: String, _ limits: TemplateLimits) throws(FuncError) -> EvalValue {
        if r.utf8.count > limits.maxOutputBytes {
            throw FuncError("result exceeds the output limit of \(limits.maxOutputBytes) bytes", kind: .limit)
        }
        return .string(r)
    }

    private static func isSpace(_ u: Unicode.Scalar) -> Bool { u.properties.isWhitespace }

    private static func trimSet(_ str: String, _ drop: (Unicode.Scalar) -> Bool) -> String {
        var scalars = Array(str.unicodeScalars)
        while let f = scalars.first, drop(f) { scalars.removeFirst() }
        while let l = scalars.last, drop(l) { scalars.removeLast() }
        var out = ""
        out.unicodeScalars.append(contentsOf: scalars)
        return out
    }

    /// Go `strings.Title`.
    static func title(_ str: String) -> String {
        var out = ""
        var prev: Unicode.Scalar = " "
        func isSeparator(_ r: Unicode.Scalar) -> Bool {
            if r.isASCII {
                let c = r.value
                if (48...57).contains(c) || (97...122).contains(c) || (65...90).contains(c) || c == 95 { return false }
                return true
            }
            if r.properties.isAlphabetic || r.properties.numericType != nil { return false }
            return r.properties.isWhitespace
        }
        for u in str.unicodeScalars {
            if isSeparator(prev) {
                out += String(u).uppercased() == String(u) ? String(u) : titleCase(u)
            } else {
                out.unicodeScalars.append(u)
            }
            prev = u
        }
        return out
    }

    private static func titleCase(_ u: Unicode.Scalar) -> String {
        let t = u.properties.titlecaseMapping
        return t.unicodeScalars.count == 1 ? t : String(u).uppercased()
    }

    /// Go `strings.Split`.
    static func split(_ str: String, _ sep: String) -> [String] {
        if sep.isEmpty { return str.unicodeScalars.map { String($0) } }
        let sb = Array(str.utf8), pb = Array(sep.utf8)
        var parts: [String] = []
        var start = 0, k = 0
        while k + pb.count <= sb.count {
            if sb[k..<(k + pb.count)].elementsEqual(pb) {
                parts.append(String(decoding: sb[start..<k], as: UTF8.self))
                k += pb.count
                start = k
            } else { k += 1 }
        }
        parts.append(String(decoding: sb[start...], as: UTF8.self))
        return parts
    }

    private static func listItems(_ v: EvalValue, _ fn: String) throws(FuncError) -> [TemplateValue] {
        if case .list(let l)? = v { return l }
        throw FuncError("Cannot find \(fn) on type \(v?.goTypeName ?? "<nil>")")
    }

    /// Go `encoding/json` Marshal (HTML-safe escaping, sorted map keys).
    static func json(_ v: TemplateValue) -> String? {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let n): return String(n)
        case .float(let d):
            if !d.isFinite { return nil }
            let a = Swift.abs(d)
            if a != 0 && (a < 1e-6 || a >= 1e21) {
                let (digits, point) = GoFormat.shortestDigits(d)
                let exp = point - 1
                var m = String(digits[0])
                if digits.count > 1 { m += "." + digits.dropFirst().map(String.init).joined() }
                return (d < 0 ? "-" : "") + m + "e" + (exp < 0 ? "-" : "+") + String(Swift.abs(exp))
            }
            let (digits, point) = GoFormat.shortestDigits(d)
            let ds = digits.map(String.init).joined()
            let sign = d < 0 ? "-" : ""
            if d == 0 { return "0" }
            if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + ds }
            if point >= digits.count { return sign + ds + String(repeating: "0", count: point - digits.count) }
            let idx = ds.index(ds.startIndex, offsetBy: point)
            return sign + ds[..<idx] + "." + ds[idx...]
        case .string(let str): return jsonString(str)
        case .list(let l):
            var parts: [String] = []
            for e in l { guard let j = json(e) else { return nil }; parts.append(j) }
            return "[" + parts.joined(separator: ",") + "]"
        case .map:
            var parts: [String] = []
            for (k, e) in v.sortedEntries {
                let key: String
                switch k {
                case .string(let ks): key = ks
                case .int(let n): key = String(n)
                default: return nil
                }
                guard let j = json(e) else { return nil }
                parts.append(jsonString(key) + ":" + j)
            }
            return "{" + parts.joined(separator: ",") + "}"
        case .record(let r):
            var parts: [String] = []
            for name in r.fieldOrder {
                guard let j = json(r.fields[name] ?? .null) else { return nil }
                parts.append(jsonString(name) + ":" + j)
            }
            return "{" + parts.joined(separator: ",") + "}"
        default:
            return GoJSON.marshal(v)
        }
    }

    private static func jsonString(_ str: String) -> String {
        var out = "\""
        let hex = Array("0123456789abcdef")
        for u in str.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                out += "\\u" + GoFormat.pad(String(u.value, radix: 16), 4)
            default:
                if u.value < 0x20 {
                    out += "\\u00" + String(hex[Int(u.value >> 4)]) + String(hex[Int(u.value & 15)])
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    static let all: [String: TemplateFunction] = [
        "lower": TemplateFunction(params: [.string]) { a, _ in .string(GoFormat.mapCase(s(a[0]), upper: false)) },
        "upper": TemplateFunction(params: [.string]) { a, _ in .string(GoFormat.mapCase(s(a[0]), upper: true)) },
        "title": TemplateFunction(params: [.string]) { a, _ in .string(title(s(a[0]))) },
        "trim": TemplateFunction(params: [.string]) { a, _ in .string(trimSet(s(a[0]), isSpace)) },
        "trimAll": TemplateFunction(params: [.string, .string]) { a, _ in
            let cut = Set(s(a[0]).unicodeScalars)
            return .string(trimSet(s(a[1])) { cut.contains($0) })
        },
        "trimPrefix": TemplateFunction(params: [.string, .string]) { a, _ in
            let (p, str) = (s(a[0]), s(a[1]))
            return .string(str.utf8.starts(with: p.utf8) ? String(decoding: Array(str.utf8).dropFirst(p.utf8.count), as: UTF8.self) : str)
        },
        "trimSuffix": TemplateFunction(params: [.string, .string]) { a, _ in
            let (p, str) = (s(a[0]), s(a[1]))
            return .string(str.utf8.reversed().starts(with: p.utf8.reversed()) ? String(decoding: Array(str.utf8).dropLast(p.utf8.count), as: UTF8.self) : str)
        },
        "replace": TemplateFunction(params: [.string, .string, .string]) { a, l throws(FuncError) in
            let (old, new, src) = (s(a[0]), s(a[1]), s(a[2]))
            let occurrences = old.isEmpty ? src.unicodeScalars.count + 1 : max(0, split(src, old).count - 1)
            if src.utf8.count + occurrences * new.utf8.count > l.maxOutputBytes {
                throw FuncError("result exceeds the output limit of \(l.maxOutputBytes) bytes", kind: .limit)
            }
            return .string(goReplace(src, old: old, new: new, count: -1))
        },
        "trunc": TemplateFunction(params: [.int, .string]) { a, _ in
            let (c, b) = (i(a[0]), Array(s(a[1]).utf8))
            if c < 0 && b.count + c > 0 { return .string(String(decoding: b[(b.count + c)...], as: UTF8.self)) }
            if c >= 0 && b.count > c { return .string(String(decoding: b[..<c], as: UTF8.self)) }
            return .string(s(a[1]))
        },
        "contains": TemplateFunction(params: [.string, .string]) { a, _ in
            let (sub, str) = (s(a[0]), s(a[1]))
            return .bool(sub.isEmpty || split(str, sub).count > 1)
        },
        "hasPrefix": TemplateFunction(params: [.string, .string]) { a, _ in .bool(s(a[1]).utf8.starts(with: s(a[0]).utf8)) },
        "hasSuffix": TemplateFunction(params: [.string, .string]) { a, _ in
            .bool(s(a[1]).utf8.reversed().starts(with: s(a[0]).utf8.reversed()))
        },
        "repeat": TemplateFunction(params: [.int, .string]) { a, l throws(FuncError) in
            let (c, str) = (i(a[0]), s(a[1]))
            if c < 0 { throw FuncError("strings: negative Repeat count") }
            if c > 0 && str.utf8.count > l.maxOutputBytes / c {
                throw FuncError("result exceeds the output limit of \(l.maxOutputBytes) bytes", kind: .limit)
            }
            return .string(String(repeating: str, count: c))
        },
        "quote": TemplateFunction(params: [], variadic: .any) { a, _ in
            .string(a.compactMap { $0 == nil || $0 == .null ? nil : GoFormat.quote(strval($0!)) }.joined(separator: " "))
        },
        "squote": TemplateFunction(params: [], variadic: .any) { a, _ in
            .string(a.compactMap { $0 == nil || $0 == .null ? nil : "'" + strval($0!) + "'" }.joined(separator: " "))
        },
        "cat": TemplateFunction(params: [], variadic: .any) { a, _ in
            .string(a.compactMap { $0 == nil || $0 == .null ? nil : strval($0!) }.joined(separator: " "))
        },
        "nospace": TemplateFunction(params: [.string]) { a, _ in
            var out = ""
            out.unicodeScalars.append(contentsOf: s(a[0]).unicodeScalars.filter { !isSpace($0) })
            return .string(out)
        },
        "indent": TemplateFunction(params: [.int, .string]) { a, l throws(FuncError) in
            let (n, str) = (i(a[0]), s(a[1]))
            if n < 0 { throw FuncError("strings: negative Repeat count") }
            let lines = split(str, "\n").count
            if n > l.maxOutputBytes || lines * n + str.utf8.count > l.maxOutputBytes {
                throw FuncError("result exceeds the output limit of \(l.maxOutputBytes) bytes", kind: .limit)
            }
            let pad = String(repeating: " ", count: n)
            return .string(pad + goReplace(str, old: "\n", new: "\n" + pad, count: -1))
        },
        "nindent": TemplateFunction(params: [.int, .string]) { a, l throws(FuncError) in
            let (n, str) = (i(a[0]), s(a[1]))
            if n < 0 { throw FuncError("strings: negative Repeat count") }
            let lines = split(str, "\n").count
            if n > l.maxOutputBytes || lines * n + str.utf8.count > l.maxOutputBytes {
                throw FuncError("result exceeds the output limit of \(l.maxOutputBytes) bytes", kind: .limit)
            }
            let pad = String(repeating: " ", count: n)
            return .string("\n" + pad + goReplace(str, old: "\n", new: "\n" + pad, count: -1))
        },
        "sha1sum": TemplateFunction(params: [.string]) { a, _ in .string(SHA1.hex(Array(s(a[0]).utf8))) },
        "sha256sum": TemplateFunction(params: [.string]) { a, _ in .string(SHA256.hex(Array(s(a[0]).utf8))) },
        "b64enc": TemplateFunction(params: [.string]) { a, _ in .string(Base64.encode(Array(s(a[0]).utf8))) },
        "b64dec": TemplateFunction(params: [.string]) { a, _ in
            switch Base64.decode(s(a[0])) {
            case .success(let bytes): return .string(String(decoding: bytes, as: UTF8.self))
            case .failure(let e): return .string(e.description)  // Sprig returns the error text
            }
        },
        "toString": TemplateFunction(params: [.any]) { a, _ in .string(strval(a[0] ?? .null)) },
        "toJson": TemplateFunction(params: [.any]) { a, _ in .string(GoJSON.marshal(a[0] ?? .null) ?? "") },
        "default": TemplateFunction(params: [.any], variadic: .any) { a, _ in
            if a.count < 2 || isEmpty(a[1]) { return a[0] }
            return a[1]
        },
        "empty": TemplateFunction(params: [.any]) { a, _ in .bool(isEmpty(a[0])) },
        "coalesce": TemplateFunction(params: [], variadic: .any) { a, _ in
            for v in a where !isEmpty(v) { return v }
            return .null
        },
        "ternary": TemplateFunction(params: [.any, .any, .bool]) { a, _ in
            if case .bool(true)? = a[2] { return a[0] }
            return a[1]
        },
        "list": TemplateFunction(params: [], variadic: .any) { a, _ in .list(a.map { $0 ?? .null }) },
        "first": TemplateFunction(params: [.any]) { a, _ throws(FuncError) in
            let l = try listItems(a[0], "first")
            return l.first ?? .null
        },
        "last": TemplateFunction(params: [.any]) { a, _ throws(FuncError) in
            let l = try listItems(a[0], "last")
            return l.last ?? .null
        },
        "uniq": TemplateFunction(params: [.any]) { a, _ throws(FuncError) in
            var out: [TemplateValue] = []
            for e in try listItems(a[0], "uniq") where !out.contains(e) { out.append(e) }
            return .list(out)
        },
        "sortAlpha": TemplateFunction(params: [.any]) { a, _ in
            let v = a[0] ?? .null
            guard case .list = v else { return .list([.string(strval(v))]) }
            return .list(strslice(v).sorted { BytewiseOrder.compare($0, $1) < 0 }.map { .string($0) })
        },
        "join": TemplateFunction(params: [.string, .any]) { a, l throws(FuncError) in
            try checked(strslice(a[1] ?? .null).joined(separator: s(a[0])), l)
        },
        "split": TemplateFunction(params: [.string, .string]) { a, _ in
            var m: [TemplateValue: TemplateValue] = [:]
            for (k, part) in split(s(a[1]), s(a[0])).enumerated() { m[.string("_\(k)")] = .string(part) }
            return .map(m)
        },
        "splitList": TemplateFunction(params: [.string, .string]) { a, _ in
            .list(split(s(a[1]), s(a[0])).map { .string($0) })
        },
        "keys": TemplateFunction(params: [], variadic: .stringMap) { a, _ in
            var out: [TemplateValue] = []
            for d in a { if case .map = d! { out.append(contentsOf: d!.sortedEntries.map(\.key)) } }
            return .list(out)
        },
        "dict": TemplateFunction(params: [], variadic: .any) { a, _ in
            var m: [TemplateValue: TemplateValue] = [:]
            var k = 0
            while k < a.count {
                let key = TemplateValue.string(strval(a[k] ?? .null))
                m[key] = k + 1 < a.count ? (a[k + 1] ?? .null) : .string("")
                k += 2
            }
            return .map(m)
        },
        "get": TemplateFunction(params: [.stringMap, .string]) { a, _ in
            if case .map(let m)? = a[0], let v = m[.string(s(a[1]))] { return v }
            return .string("")
        },
        "hasKey": TemplateFunction(params: [.stringMap, .string]) { a, _ in
            if case .map(let m)? = a[0] { return .bool(m[.string(s(a[1]))] != nil) }
            return .bool(false)
        },
    ]
}
