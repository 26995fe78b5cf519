import Basics

/// Go's `encoding/json` Marshal of template values: struct tags (`json:"name,omitempty"`),
/// embedded structs inlined, map keys sorted bytewise, nil maps as `null`, and Go's errors
/// (nil result) for values JSON cannot hold (complex numbers, NaN, maps keyed by structs).
enum GoJSON {
    /// `json.Marshal(v)` (`escapeHTML`: `<`, `>`, `&` as `\u003c`...; false is
    /// `Encoder.SetEscapeHTML(false)`), `indent`: `json.MarshalIndent(v, "", indent)`.
    static func marshal(_ v: TemplateValue, escapeHTML: Bool = true, indent: String? = nil) -> String? {
        var tooLarge = false
        return marshal(v, escapeHTML: escapeHTML, indent: indent, limit: .max, tooLarge: &tooLarge)
    }

    /// `marshal`, stopped once the text passes `limit` bytes (nil, with `tooLarge` set), so a
    /// value built to blow up (a list doubled in a loop) is never encoded whole.
    static func marshal(_ v: TemplateValue, escapeHTML: Bool, indent: String?, limit: Int, tooLarge: inout Bool)
        -> String?
    {
        var out = ""
        let ok = encode(v, into: &out, escapeHTML: escapeHTML, indent: indent, level: 0, limit: limit)
        tooLarge = out.utf8.count > limit
        return ok && !tooLarge ? out : nil
    }

    private static func newline(_ out: inout String, _ indent: String?, _ level: Int) {
        guard let indent else { return }
        out += "\n"
        for _ in 0..<level { out += indent }
    }

    private static func encode(
        _ v: TemplateValue, into out: inout String, escapeHTML: Bool, indent: String?, level: Int, limit: Int
    ) -> Bool {
        if out.utf8.count > limit { return false }
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let n): out += String(n)
        case .float(let d):
            guard let text = number(d) else { return false }
            out += text
        case .complex: return false
        case .string(let s): out += quote(s, escapeHTML: escapeHTML)
        case .list(let items):
            if items.isEmpty {
                out += "[]"
                return true
            }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                guard encode(item, into: &out, escapeHTML: escapeHTML, indent: indent, level: level + 1, limit: limit)
                else { return false }
            }
            newline(&out, indent, level)
            out += "]"
        case .map, .typedMap:
            if case .typedMap(let m) = v {
                // encoding/json rejects the map's type, nil or not, unless keys are strings or integers.
                guard ["string", "int", "int64", "uint", "uint64"].contains(m.keyType) else { return false }
                if m.entries == nil {
                    out += "null"
                    return true
                }
            }
            var entries: [(key: String, value: TemplateValue)] = []
            for (k, item) in v.mapEntries ?? [:] {
                switch k {
                case .string(let s): entries.append((s, item))
                case .int(let n): entries.append((String(n), item))
                default: return false  // json: unsupported type
                }
            }
            entries.sort { BytewiseOrder.compare($0.key, $1.key) < 0 }
            return encodeObject(entries, into: &out, escapeHTML: escapeHTML, indent: indent, level: level, limit: limit)
        case .record(let r):
            let fields = visibleFields(r)
            var entries: [(key: String, value: TemplateValue)] = []
            for f in fields {
                if f.omitEmpty && isEmptyValue(f.value) { continue }
                entries.append((f.name, f.value))
            }
            return encodeObject(entries, into: &out, escapeHTML: escapeHTML, indent: indent, level: level, limit: limit)
        }
        return true
    }

    private static func encodeObject(
        _ entries: [(key: String, value: TemplateValue)], into out: inout String,
        escapeHTML: Bool, indent: String?, level: Int, limit: Int
    ) -> Bool {
        if entries.isEmpty {
            out += "{}"
            return true
        }
        out += "{"
        for (i, e) in entries.enumerated() {
            if i > 0 { out += "," }
            newline(&out, indent, level + 1)
            out += quote(e.key, escapeHTML: escapeHTML)
            out += indent == nil ? ":" : ": "
            guard encode(e.value, into: &out, escapeHTML: escapeHTML, indent: indent, level: level + 1, limit: limit)
            else { return false }
        }
        newline(&out, indent, level)
        out += "}"
        return true
    }

    private struct Field {
        var name: String
        var value: TemplateValue
        var omitEmpty: Bool
        var depth: Int
        var tagged: Bool
    }

    /// Go's `typeFields`: tagged names, `-` skipped, untagged embedded structs inlined; of several
    /// fields with one name the shallowest wins (a tagged one among equals), a tie hides them all.
    private static func visibleFields(_ r: TemplateRecord) -> [Field] {
        var all: [Field] = []
        func collect(_ r: TemplateRecord, depth: Int) {
            for name in r.fieldOrder {
                let value = r.fields[name] ?? .null
                let tag = r.jsonTags[name] ?? ""
                if tag == "-" { continue }
                let parts = tag.split(separator: ",", omittingEmptySubsequences: false)
                let tagName = parts.first.map(String.init) ?? ""
                let omitEmpty = parts.dropFirst().contains("omitempty")
                if tagName.isEmpty, r.embedded.contains(name), case .record(let inner) = value {
                    collect(inner, depth: depth + 1)
                    continue
                }
                all.append(
                    Field(
                        name: tagName.isEmpty ? name : tagName, value: value, omitEmpty: omitEmpty, depth: depth,
                        tagged: !tagName.isEmpty))
            }
        }
        collect(r, depth: 0)
        var result: [Field] = []
        for f in all {
            let rivals = all.filter { sameBytes($0.name, f.name) }
            let minDepth = rivals.map(\.depth).min() ?? f.depth
            let best = rivals.filter { $0.depth == minDepth }
            let winners = best.count > 1 ? best.filter(\.tagged) : best
            if winners.count == 1, winners[0].depth == f.depth, winners[0].tagged == f.tagged,
                !result.contains(where: { sameBytes($0.name, f.name) })
            {
                result.append(f)
            }
        }
        return result
    }

    private static func isEmptyValue(_ v: TemplateValue) -> Bool {
        switch v {
        case .null: return true
        case .bool(let b): return !b
        case .int(let n): return n == 0
        case .float(let d): return d == 0
        case .complex(let a, let b): return a == 0 && b == 0
        case .string(let s): return s.isEmpty
        case .list(let l): return l.isEmpty
        case .map(let m): return m.isEmpty
        case .typedMap(let m): return m.entries?.isEmpty ?? true
        case .record: return false
        }
    }

    /// Go's float encoding: shortest digits, exponent form below 1e-6 and from 1e21.
    static func number(_ d: Double) -> String? {
        guard d.isFinite else { return nil }
        let a = Swift.abs(d)
        let useExp = a != 0 && (a < 1e-6 || a >= 1e21)
        var b = GoFormat.formatFloat(d, useExp ? UInt8(ascii: "e") : UInt8(ascii: "f"), -1)
        if useExp {
            let n = b.count
            if n >= 4, b[n - 4] == UInt8(ascii: "e"), b[n - 3] == UInt8(ascii: "-"), b[n - 2] == 48 {
                b[n - 2] = b[n - 1]
                b.removeLast()
            }
        }
        return String(decoding: b, as: UTF8.self)
    }

    /// Go's JSON string: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other controls as `\u00XX`,
    /// U+2028/U+2029 escaped, `<`, `>`, `&` escaped when `escapeHTML`.
    static func quote(_ s: String, escapeHTML: Bool = true) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if u.value < 0x20 || (escapeHTML && (u == "<" || u == ">" || u == "&")) {
                    out += "\\u00" + Hex.byte(UInt8(u.value))
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
