import Basics

/// Go text/template builtin functions (`and`/`or` are evaluated lazily by the executor).
enum TemplateBuiltins {
    static let all: [String: TemplateFunction] = [
        "not": TemplateFunction(params: [.value]) { a, _ in .bool(!(a[0]?.isTruthy ?? false)) },
        "len": TemplateFunction(params: [.value]) { a, _ throws(FuncError) in
            switch a[0] {
            case .string(let s)?: return .int(s.utf8.count)
            case .list(let l)?: return .int(l.count)
            case .map(let m)?: return .int(m.count)
            case .typedMap(let m)?: return .int(m.entries?.count ?? 0)
            case nil, .null?: throw FuncError("reflect: call of reflect.Value.Type on zero Value")
            case let v?: throw FuncError("len of type \(v.goTypeName)")
            }
        },
        "index": TemplateFunction(params: [.value], variadic: .value) { a, _ throws(FuncError) in
            guard var item = a[0], item != .null else { throw FuncError("index of untyped nil") }
            for idx in a.dropFirst() {
                switch item {
                case .list(let l):
                    let i = try indexArg(idx, cap: l.count)
                    guard i < l.count else { throw FuncError("index out of range: \(i)") }
                    item = l[i]
                case .string(let s):
                    let b = Array(s.utf8)
                    let i = try indexArg(idx, cap: b.count)
                    guard i < b.count else { throw FuncError("index out of range: \(i)") }
                    item = .int(Int(b[i]))
                case .map(let m):
                    // map[string]interface{}: a missing key is the nil interface (`<no value>`).
                    guard let key = idx, key != .null else { throw FuncError("value is nil; should be of type string") }
                    guard case .string = key else {
                        throw FuncError("value has type \(key.goTypeName); should be string")
                    }
                    guard let v = m[key] else { return nil }
                    item = v
                case .typedMap(let m):
                    // A missing key is the element type's zero value (`""` for map[string]string).
                    guard let key = idx, key != .null else {
                        throw FuncError("value is nil; should be of type \(mapKeyType(m))")
                    }
                    if key.goTypeName != mapKeyType(m) {
                        throw FuncError("value has type \(key.goTypeName); should be \(mapKeyType(m))")
                    }
                    item = m.entries?[key] ?? m.elementZero
                case .null:
                    throw FuncError("index of untyped nil")
                default:
                    throw FuncError("can't index item of type \(item.goTypeName)")
                }
            }
            return item
        },
        "slice": TemplateFunction(params: [.value], variadic: .value) { a, _ throws(FuncError) in
            guard let item = a[0], item != .null else { throw FuncError("slice of untyped nil") }
            let idx = Array(a.dropFirst())
            if idx.count > 3 { throw FuncError("too many slice indexes: \(idx.count)") }
            switch item {
            case .string(let s):
                if idx.count == 3 { throw FuncError("cannot 3-index slice a string") }
                let b = Array(s.utf8)
                let (i, j, _) = try sliceBounds(idx, count: b.count)
                return .string(String(decoding: b[i..<j], as: UTF8.self))
            case .list(let l):
                let (i, j, _) = try sliceBounds(idx, count: l.count)
                return .list(Array(l[i..<j]))
            default:
                throw FuncError("can't slice item of type \(item.goTypeName)")
            }
        },
        "print": TemplateFunction(params: [], variadic: .any) { a, _ in
            .string(GoFormat.sprintArgs(a.map { $0 ?? .null }))
        },
        "println": TemplateFunction(params: [], variadic: .any) { a, _ in
            .string(GoFormat.sprintln(a.map { $0 ?? .null }))
        },
        "printf": TemplateFunction(params: [.string], variadic: .any) { a, _ in
            guard case .string(let f)? = a[0] else { return .string("") }
            return .string(GoFormat.sprintf(f, a.dropFirst().map { $0 ?? .null }))
        },
        "html": TemplateFunction(params: [], variadic: .any) { a, _ in .string(htmlEscape(escapeArgs(a))) },
        "js": TemplateFunction(params: [], variadic: .any) { a, _ in .string(jsEscape(escapeArgs(a))) },
        "urlquery": TemplateFunction(params: [], variadic: .any) { a, _ in .string(queryEscape(escapeArgs(a))) },
        "call": TemplateFunction(params: [.value], variadic: .value) { a, _ throws(FuncError) in
            guard let fn = a[0], fn != .null else { throw FuncError("call of nil") }
            throw FuncError("non-function of type \(fn.goTypeName)")
        },
        "eq": TemplateFunction(params: [.value], variadic: .value) { a, _ throws(FuncError) in
            guard a.count > 1 else { throw FuncError("missing argument for comparison") }
            for other in a.dropFirst() where try equal(a[0], other) { return .bool(true) }
            return .bool(false)
        },
        "ne": TemplateFunction(params: [.value, .value]) { a, _ throws(FuncError) in .bool(!(try equal(a[0], a[1]))) },
        "lt": TemplateFunction(params: [.value, .value]) { a, _ throws(FuncError) in .bool(try less(a[0], a[1])) },
        "le": TemplateFunction(params: [.value, .value]) { a, _ throws(FuncError) in
            try lessOrEqual(a[0], a[1]) ? .bool(true) : .bool(false)
        },
        "gt": TemplateFunction(params: [.value, .value]) { a, _ throws(FuncError) in
            try lessOrEqual(a[0], a[1]) ? .bool(false) : .bool(true)
        },
        "ge": TemplateFunction(params: [.value, .value]) { a, _ throws(FuncError) in .bool(!(try less(a[0], a[1]))) },
    ]

    private static func mapKeyType(_ m: TypedMap) -> String { m.keyType }

    private static func indexArg(_ v: EvalValue, cap: Int) throws(FuncError) -> Int {
        guard case .int(let i)? = v else {
            if v == nil || v == .null { throw FuncError("cannot index slice/array with nil") }
            throw FuncError("cannot index slice/array with type \(v!.goTypeName)")
        }
        if i < 0 || i > cap { throw FuncError("index out of range: \(i)") }
        return i
    }

    private static func sliceBounds(_ idx: [EvalValue], count: Int) throws(FuncError) -> (Int, Int, Int) {
        var b = [0, count, count]
        for (k, v) in idx.enumerated() {
            b[k] = try indexArg(v, cap: count)
        }
        if idx.count < 2 { b[1] = count }
        if b[0] > b[1] { throw FuncError("invalid slice index: \(b[0]) > \(b[1])") }
        if idx.count == 3 && b[1] > b[2] { throw FuncError("invalid slice index: \(b[1]) > \(b[2])") }
        return (b[0], b[1], b[2])
    }

    private enum BasicKind { case invalid, bool, int, float, complex, string, other }
    private static func kind(_ v: EvalValue) -> BasicKind {
        switch v {
        case nil, .null?: return .invalid
        case .bool?: return .bool
        case .int?: return .int
        case .float?: return .float
        case .complex?: return .complex
        case .string?: return .string
        default: return .other
        }
    }

    /// Go's `eq` for one pair: basic kinds compare by value; everything else (nil, slices,
    /// maps, structs) by Go's interface rules, where only nil maps and structs of comparable
    /// fields compare.
    static func equal(_ a: EvalValue, _ b: EvalValue) throws(FuncError) -> Bool {
        func basic(_ k: BasicKind) -> BasicKind { k == .other ? .invalid : k }
        let (ka, kb) = (basic(kind(a)), basic(kind(b)))
        func isZero(_ v: EvalValue) -> Bool { v == nil || v == .null }
        if ka != kb {
            if !isZero(a) && !isZero(b) { throw FuncError("incompatible types for comparison") }
            return false
        }
        guard ka == .invalid else { return a == b }
        enum ReflectKind { case invalid, slice, map, record }
        func reflectKind(_ v: EvalValue) -> ReflectKind {
            switch v {
            case .list?: return .slice
            case .map?, .typedMap?: return .map
            case .record?: return .record
            default: return .invalid
            }
        }
        func isNil(_ v: EvalValue) -> Bool {
            if isZero(v) { return true }
            if case .typedMap(let m)? = v { return m.entries == nil }
            return false
        }
        func comparable(_ v: TemplateValue) -> Bool {
            switch v {
            case .list, .map, .typedMap: return false
            case .record(let r): return r.fieldOrder.allSatisfy { comparable(r.fields[$0] ?? .null) }
            default: return true
            }
        }
        let (ra, rb) = (reflectKind(a), reflectKind(b))
        if ra != rb && ra != .invalid && rb != .invalid {
            throw FuncError(
                "non-comparable types \(GoFormat.sprint(a!)): \(a!.goTypeName), \(b!.goTypeName): \(GoFormat.sprint(b!))"
            )
        }
        if isNil(a) || isNil(b) { return isNil(a) == isNil(b) }
        // Go formats the value with %s here, so its numbers read `%!s(int=1)`.
        if !comparable(b!) {
            throw FuncError("non-comparable type \(GoFormat.sprintf("%s", [b!])): \(b!.goTypeName)")
        }
        return a == b
    }

    static func lessOrEqual(_ a: EvalValue, _ b: EvalValue) throws(FuncError) -> Bool {
        if try less(a, b) { return true }
        return try equal(a, b)
    }

    /// Go's `lt`.
    static func less(_ a: EvalValue, _ b: EvalValue) throws(FuncError) -> Bool {
        switch (a, b) {
        case (.int(let x)?, .int(let y)?): return x < y
        case (.float(let x)?, .float(let y)?): return x < y
        case (.string(let x)?, .string(let y)?): return BytewiseOrder.compare(x, y) < 0
        default:
            let (ka, kb) = (kind(a), kind(b))
            if ka == .other || ka == .invalid || kb == .other || kb == .invalid {
                throw FuncError("invalid type for comparison")
            }
            if ka != kb { throw FuncError("incompatible types for comparison") }
            throw FuncError("invalid type for comparison")
        }
    }

    /// text/template `evalArgs`: a lone string is used as-is, anything else is `fmt.Sprint`ed.
    static func escapeArgs(_ a: [EvalValue]) -> String {
        if a.count == 1, case .string(let s)? = a[0] { return s }
        let printable: [TemplateValue] = a.map { v in
            if v == nil || v == .null { return .string("<no value>") }
            return v!
        }
        return GoFormat.sprintArgs(printable)
    }

    /// `template.HTMLEscapeString`.
    static func htmlEscape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\0": out += "\u{FFFD}"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// `template.JSEscapeString`.
    static func jsEscape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\"": out += "\\\""
            case "<": out += "\\u003C"
            case ">": out += "\\u003E"
            case "&": out += "\\u0026"
            case "=": out += "\\u003D"
            default:
                if u.value < 0x20 {
                    out += "\\u00" + Hex.byte(UInt8(u.value), uppercase: true)
                } else if !u.isASCII && !GoFormat.isGoPrint(u) {
                    out += "\\u" + GoFormat.pad(String(u.value, radix: 16, uppercase: true), 4)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// `url.QueryEscape`.
    static func queryEscape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: " "): out += "+"
            default: out += "%" + Hex.byte(b, uppercase: true)
            }
        }
        return out
    }
}
