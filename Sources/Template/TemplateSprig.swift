import Basics

/// Sprig v3.3.0's `HermeticTxtFuncMap` — the function table Flux's image-automation-controller
/// renders commit messages with — split by family into `Sprig*.swift`.
///
/// Go's `text/template` recovers a panicking function and reports `error calling <fn>: <panic>`;
/// Sprig's non-`must` variants panic where their `must` twins return an error, so both throw
/// the same `FuncError` here.
enum TemplateSprig {
    static let all: [String: TemplateFunction] = {
        var table: [String: TemplateFunction] = [:]
        for family in [
            SprigStrings.functions, SprigLists.functions, SprigDicts.functions, SprigNumbers.functions,
            SprigRegex.functions, SprigSemver.functions, SprigEncoding.functions, SprigFlow.functions,
            SprigPaths.functions, SprigDates.functions, SprigCrypto.functions,
        ] {
            table.merge(family) { first, _ in first }
        }
        return table
    }()

    // MARK: Argument access

    static func s(_ v: EvalValue) -> String { if case .string(let x)? = v { return x } else { return "" } }
    static func i(_ v: EvalValue) -> Int { if case .int(let x)? = v { return x } else { return 0 } }

    // MARK: Go errors

    /// A nil `interface{}` reaching `reflect.TypeOf(x).Kind()`.
    static let nilDereference = FuncError("runtime error: invalid memory address or nil pointer dereference")

    static func limitError(_ l: TemplateLimits) -> FuncError {
        FuncError("result exceeds the output limit of \(l.maxOutputBytes) bytes", kind: .limit)
    }

    static func checked(_ r: String, _ limits: TemplateLimits) throws(FuncError) -> EvalValue {
        if r.utf8.count > limits.maxOutputBytes { throw limitError(limits) }
        return .string(r)
    }

    /// `strings.Join`, refusing before it allocates a result over the output limit.
    static func joined(_ parts: [String], _ separator: String, _ limits: TemplateLimits) throws(FuncError) -> EvalValue
    {
        var total = max(0, parts.count - 1) * separator.utf8.count
        for p in parts {
            total += p.utf8.count
            if total > limits.maxOutputBytes { throw limitError(limits) }
        }
        if total > limits.maxOutputBytes { throw limitError(limits) }
        return .string(parts.joined(separator: separator))
    }

    /// Go's bounds check for `s[from:to]` on a string of `count` bytes, with its panic text.
    static func checkSlice(_ from: Int, _ to: Int, _ count: Int) throws(FuncError) {
        if to < 0 || to > count {
            throw FuncError("runtime error: slice bounds out of range [:\(to)] with length \(count)")
        }
        if from < 0 || from > to { throw FuncError("runtime error: slice bounds out of range [\(from):\(to)]") }
    }

    // MARK: Go values

    /// Sprig `strval`: strings as they are, Stringers through `String()`, the rest `%v`.
    static func strval(_ v: TemplateValue) -> String {
        switch v {
        case .string(let x): return x
        case .record(let r): return r.stringValue ?? GoFormat.sprint(v)
        default: return GoFormat.sprint(v)
        }
    }

    /// Sprig `strslice`.
    static func strslice(_ v: TemplateValue) -> [String] {
        switch v {
        case .list(let l): return l.compactMap { $0 == .null ? nil : strval($0) }
        case .null: return []
        default: return [strval(v)]
        }
    }

    /// Sprig `empty` (reflect's zero test; structs are never empty).
    static func isEmpty(_ v: EvalValue) -> Bool {
        guard let v else { return true }
        switch v {
        case .record: return false
        default: return !v.isTruthy
        }
    }

    /// `reflect.Kind` name of a non-nil value.
    static func kindName(_ v: TemplateValue) -> String {
        switch v {
        case .null: return "invalid"
        case .string: return "string"
        case .int: return "int"
        case .float: return "float64"
        case .bool: return "bool"
        case .list: return "slice"
        case .map, .typedMap: return "map"
        case .complex: return "complex128"
        case .record(let r): return r.typeName.hasPrefix("*") ? "ptr" : "struct"
        }
    }

    /// `fmt.Sprintf("%T")` of a value.
    static func typeName(_ v: TemplateValue) -> String {
        switch v {
        case .null: return "<nil>"
        case .map: return "map[string]interface {}"
        default: return v.goTypeName
        }
    }

    /// Sprig's list functions: the items of a slice, an error naming the kind otherwise, and
    /// Go's nil dereference for nil.
    static func listItems(_ v: EvalValue, _ message: (String) -> String) throws(FuncError) -> [TemplateValue] {
        guard let v, v != .null else { throw nilDereference }
        if case .list(let l) = v { return l }
        throw FuncError(message(kindName(v)))
    }

    // MARK: Bytes

    static func bytesString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: Array(bytes), as: UTF8.self)
    }

    /// `s[from:to]` in bytes. Where Go would cut a multi-byte character (leaving invalid
    /// UTF-8 in the commit message), the cut leaves the whole character out: the start moves
    /// forward and the end back to a character boundary, so the result never has more bytes.
    static func byteSlice(_ s: String, _ from: Int, _ to: Int) -> String {
        let b = Array(s.utf8)
        func isContinuation(_ k: Int) -> Bool { k > 0 && k < b.count && b[k] & 0xC0 == 0x80 }
        var start = max(0, min(from, b.count))
        while isContinuation(start) { start += 1 }
        var end = max(0, min(to, b.count))
        while isContinuation(end) { end -= 1 }
        return start < end ? bytesString(b[start..<end]) : ""
    }

    /// Byte offset of the first `needle` in `haystack` (Go `strings.Index`).
    static func byteIndex(of needle: String, in haystack: String, from: Int = 0) -> Int? {
        let h = Array(haystack.utf8)
        let n = Array(needle.utf8)
        if n.isEmpty { return from <= h.count ? from : nil }
        var k = from
        while k + n.count <= h.count {
            if h[k] == n[0] && h[k..<(k + n.count)].elementsEqual(n) { return k }
            k += 1
        }
        return nil
    }

    /// Go `strings.SplitN` (`limit` < 0: all).
    static func split(_ str: String, _ sep: String, limit: Int = -1) -> [String] {
        if limit == 0 { return [] }
        if sep.isEmpty {
            let scalars = Array(str.unicodeScalars)
            if limit < 0 || scalars.count <= limit { return scalars.map { String($0) } }
            var parts = scalars[0..<(limit - 1)].map { String($0) }
            parts.append(String(String.UnicodeScalarView(scalars[(limit - 1)...])))
            return parts
        }
        let sb = Array(str.utf8)
        let pb = Array(sep.utf8)
        var parts: [String] = []
        var start = 0
        var k = 0
        while k + pb.count <= sb.count {
            if limit > 0 && parts.count == limit - 1 { break }
            if sb[k] == pb[0] && sb[k..<(k + pb.count)].elementsEqual(pb) {
                parts.append(bytesString(sb[start..<k]))
                k += pb.count
                start = k
            } else {
                k += 1
            }
        }
        parts.append(bytesString(sb[start...]))
        return parts
    }

    /// Go `encoding/json` Marshal (`GoJSON`), bounded by the output limit; nil for values Go
    /// cannot encode (NaN, infinities, complex numbers).
    static func json(
        _ v: TemplateValue, escapeHTML: Bool = true, indent: String? = nil,
        limits: TemplateLimits
    ) throws(FuncError) -> String? {
        var tooLarge = false
        let result = GoJSON.marshal(
            v, escapeHTML: escapeHTML, indent: indent, limit: limits.maxOutputBytes, tooLarge: &tooLarge)
        if tooLarge { throw limitError(limits) }
        return result
    }
}
