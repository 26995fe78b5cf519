import Basics

/// A value the template sees (Go's reflect values, as far as Flux templates need them).
///
/// `.null` stored inside a list, map or record is Go's nil interface (`<nil>` when printed,
/// an error when a field is read from it). A *missing* map key is a different thing in Go
/// (an invalid value, printed as `<no value>`); the engine tracks that internally.
///
/// Equality, hashing and ordering compare strings by their UTF-8 bytes, as Go does: `"\u{E9}"`
/// and `"e\u{301}"` are different values and different map keys (Swift's `String ==` would
/// merge them).
public indirect enum TemplateValue: Sendable, Hashable {
    /// Go nil (a nil interface value).
    case null
    /// A Go string.
    case string(String)
    /// A Go int.
    case int(Int)
    /// A Go float64.
    case float(Double)
    /// A Go bool.
    case bool(Bool)
    /// A Go slice (`[]interface{}`).
    case list([TemplateValue])
    /// A Go map (`map[string]interface{}` and the like); `range` and printing visit keys in
    /// Go's sorted order.
    case map([TemplateValue: TemplateValue])
    /// A Go struct.
    case record(TemplateRecord)
    /// A Go complex128 (real, imaginary), from constants such as `1i`.
    case complex(Double, Double)
    /// A Go map with a declared type (e.g. Flux's `map[string]string`), which may be nil.
    case typedMap(TypedMap)

    public static func == (lhs: TemplateValue, rhs: TemplateValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.int(let a), .int(let b)): return a == b
        case (.float(let a), .float(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.list(let a), .list(let b)): return a == b
        case (.map(let a), .map(let b)): return a == b
        case (.record(let a), .record(let b)): return a == b
        case (.complex(let a, let b), .complex(let c, let d)): return a == c && b == d
        case (.typedMap(let a), .typedMap(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .string(let s):
            hasher.combine(1)
            hashBytes(s, into: &hasher)
        case .int(let i):
            hasher.combine(2)
            hasher.combine(i)
        case .float(let d):
            hasher.combine(3)
            hasher.combine(d)
        case .bool(let b):
            hasher.combine(4)
            hasher.combine(b)
        case .list(let l):
            hasher.combine(5)
            hasher.combine(l)
        case .map(let m):
            hasher.combine(6)
            hasher.combine(m)
        case .record(let r):
            hasher.combine(7)
            hasher.combine(r)
        case .complex(let a, let b):
            hasher.combine(8)
            hasher.combine(a)
            hasher.combine(b)
        case .typedMap(let m):
            hasher.combine(9)
            hasher.combine(m)
        }
    }
}

/// Hashes a string's UTF-8 bytes (String's own hash is over canonical equivalence).
func hashBytes(_ s: String, into hasher: inout Hasher) {
    hasher.combine(s.utf8.count)
    let done: Void? = s.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    if done == nil { for b in s.utf8 { hasher.combine(b) } }
}

/// Bytewise string equality.
func sameBytes(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

/// A string that compares and hashes by its UTF-8 bytes, as Go's names do (template names,
/// variables): `"\u{E9}"` and `"e\u{301}"` are different names.
struct ByteName: Hashable, Sendable {
    let text: String
    init(_ text: String) { self.text = text }
    static func == (lhs: ByteName, rhs: ByteName) -> Bool { sameBytes(lhs.text, rhs.text) }
    func hash(into hasher: inout Hasher) { hashBytes(text, into: &hasher) }
}

/// A Go map value whose Go type is not `map[string]interface{}`: printing (`%#v`, `%T`),
/// `index` of a missing key (the element type's zero value), Sprig's parameter checks and JSON
/// (`null` for a nil map) depend on it.
public struct TypedMap: Sendable, Hashable {
    /// Go type, e.g. `map[string]string` or `update.ObjectChanges`.
    public var typeName: String
    /// Go key type, e.g. `string` or `update.ObjectIdentifier`; a field name (`.key`) reads a
    /// key only when this is `string`.
    public var keyType: String
    /// Go element type, e.g. `string` or `[]update.Change` (the header `%#v` prints for list elements).
    public var elementType: String
    /// What `index` returns for a missing key (Go's zero value of the element type).
    public var elementZero: TemplateValue
    /// The entries; `nil` is Go's nil map (prints `map[]`, JSON `null`).
    public let entries: [TemplateValue: TemplateValue]?
    /// The entries in Go's key order, sorted once: a template ranges over the same map many
    /// times (the sort was half of rendering a long template over 1,000 changes).
    let sortedEntries: [(key: TemplateValue, value: TemplateValue)]

    /// Creates a typed map.
    public init(
        typeName: String, keyType: String, elementType: String, elementZero: TemplateValue,
        entries: [TemplateValue: TemplateValue]?
    ) {
        self.typeName = typeName
        self.keyType = keyType
        self.elementType = elementType
        self.elementZero = elementZero
        self.entries = entries
        sortedEntries = (entries ?? [:]).sorted { goLess($0.key, $1.key) }.map { (key: $0.key, value: $0.value) }
    }

    public static func == (lhs: TypedMap, rhs: TypedMap) -> Bool {
        sameBytes(lhs.typeName, rhs.typeName) && lhs.entries == rhs.entries
    }

    public func hash(into hasher: inout Hasher) {
        hashBytes(typeName, into: &hasher)
        hasher.combine(entries)
    }
}

/// A Go struct value: named fields in declaration order.
public struct TemplateRecord: Sendable, Hashable {
    /// Go type name, used in error messages and by `%T`/`%#v` (e.g. `update.Change`).
    public var typeName: String
    /// Field (and niladic method) values by name; promoted fields of embedded structs are listed
    /// here too (not in `fieldOrder`), so `.Name` reaches an embedded struct's `Name`.
    public var fields: [String: TemplateValue]
    /// Struct fields in declaration order; printing, ordering and JSON use this order.
    /// Entries of `fields` not listed here behave like Go methods: readable, never printed.
    public var fieldOrder: [String]
    /// Result of a Go `String()` method; used whenever the value is printed with `%v %s %q %x %X`.
    public var stringValue: String?
    /// Fields the data model no longer has, with the error a template reading one gets
    /// (`.removedField`), e.g. Flux's message for `.Updated`.
    public var removedFields: [String: String]
    /// Go struct tags' `json` values by field (`"name,omitempty"`, `",inline"`); a field without one
    /// is encoded under its own name.
    public var jsonTags: [String: String]
    /// Embedded (anonymous) fields: `encoding/json` inlines their fields when their tag has no name.
    public var embedded: Set<String>

    /// Creates a record.
    public init(
        typeName: String, fields: [String: TemplateValue], fieldOrder: [String], stringValue: String? = nil,
        removedFields: [String: String] = [:], jsonTags: [String: String] = [:], embedded: Set<String> = []
    ) {
        self.typeName = typeName
        self.fields = fields
        self.fieldOrder = fieldOrder
        self.stringValue = stringValue
        self.removedFields = removedFields
        self.jsonTags = jsonTags
        self.embedded = embedded
    }

    /// Go's `==` on structs: same type, every field equal (bytewise for strings).
    public static func == (lhs: TemplateRecord, rhs: TemplateRecord) -> Bool {
        guard sameBytes(lhs.typeName, rhs.typeName), lhs.fieldOrder.count == rhs.fieldOrder.count else { return false }
        for (a, b) in zip(lhs.fieldOrder, rhs.fieldOrder) {
            guard sameBytes(a, b), lhs.fields[a] == rhs.fields[b] else { return false }
        }
        if lhs.fieldOrder.isEmpty { return lhs.fields == rhs.fields }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hashBytes(typeName, into: &hasher)
        for name in fieldOrder { hasher.combine(fields[name]) }
    }
}

/// Resource limits applied while rendering.
public struct TemplateLimits: Sendable {
    /// Maximum size of the rendered output in bytes (default 64 KiB).
    public var maxOutputBytes: Int
    /// Maximum nesting of template calls and `range` loops, and of lists, maps and records a
    /// function returns (default 100).
    public var maxDepth: Int
    /// Maximum number of evaluation steps (default 1 000 000); each node of a list, map or
    /// record a function returns counts as one.
    public var maxSteps: Int

    /// Creates limits; the defaults suit commit messages.
    public init(maxOutputBytes: Int = 64 * 1024, maxDepth: Int = 100, maxSteps: Int = 1_000_000) {
        self.maxOutputBytes = maxOutputBytes
        self.maxDepth = maxDepth
        self.maxSteps = maxSteps
    }
}

/// An error from parsing or executing a template.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Hashable {
        /// The template text is malformed.
        case parse
        /// Evaluation failed (wrong types, nil field access, function errors, ...).
        case execute
        /// The template reads a field the data model removed (`TemplateRecord.removedFields`).
        case removedField
        /// A `TemplateLimits` bound was exceeded.
        case limit
    }
    /// The error class.
    public var kind: Kind
    /// The complete one-line message (same as `description`).
    public var message: String
    /// 1-based line of the offending construct (0 when unknown).
    public var line: Int
    /// 0-based byte column within `line`, as Go reports it.
    public var column: Int

    /// Creates an error.
    public init(kind: Kind, message: String, line: Int, column: Int) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
    }

    /// The message, formatted like Go's `template: name:line:col: ...`.
    public var description: String { message }
}

// MARK: - Go semantics helpers

extension TemplateValue {
    /// Go's template truthiness.
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case .string(let s): return !s.isEmpty
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .bool(let b): return b
        case .list(let l): return !l.isEmpty
        case .map(let m): return !m.isEmpty
        case .record: return true
        case .complex(let r, let i): return r != 0 || i != 0
        case .typedMap(let m): return !(m.entries?.isEmpty ?? true)
        }
    }

    /// Go type name (`reflect.Type.String()`), for `%T` and messages.
    var goTypeName: String {
        switch self {
        case .null: return "interface {}"
        case .string: return "string"
        case .int: return "int"
        case .float: return "float64"
        case .bool: return "bool"
        case .list: return "[]interface {}"
        case .map: return "map[string]interface {}"
        case .record(let r): return r.typeName
        case .complex: return "complex128"
        case .typedMap(let m): return m.typeName
        }
    }

    /// The entries of either kind of map (`[:]` for a nil typed map); nil when not a map.
    var mapEntries: [TemplateValue: TemplateValue]? {
        switch self {
        case .map(let m): return m
        case .typedMap(let m): return m.entries ?? [:]
        default: return nil
        }
    }

    /// Map entries in Go's sorted key order.
    var sortedEntries: [(key: TemplateValue, value: TemplateValue)] {
        if case .typedMap(let m) = self { return m.sortedEntries }
        guard let m = mapEntries else { return [] }
        return m.sorted { goLess($0.key, $1.key) }.map { (key: $0.key, value: $0.value) }
    }
}

/// Go's `fmtsort` ordering of map keys.
func goLess(_ a: TemplateValue, _ b: TemplateValue) -> Bool { goCompare(a, b) < 0 }

private func rank(_ v: TemplateValue) -> Int {
    switch v {
    case .null: return 0
    case .bool: return 1
    case .int: return 2
    case .float: return 3
    case .complex: return 4
    case .string: return 5
    case .record: return 6
    case .list: return 7
    case .map, .typedMap: return 8
    }
}

private func compareFloats(_ x: Double, _ y: Double) -> Int {
    // fmtsort: NaNs sort before numbers.
    if x < y { return -1 }
    if x > y { return 1 }
    if x.isNaN && !y.isNaN { return -1 }
    if !x.isNaN && y.isNaN { return 1 }
    return 0
}

func goCompare(_ a: TemplateValue, _ b: TemplateValue) -> Int {
    switch (a, b) {
    case (.string(let x), .string(let y)):
        return BytewiseOrder.compare(x, y)
    case (.int(let x), .int(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.float(let x), .float(let y)): return compareFloats(x, y)
    case (.complex(let p, let q), .complex(let r, let s)):
        let c = compareFloats(p, r)
        return c != 0 ? c : compareFloats(q, s)
    case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
    case (.record(let x), .record(let y)):
        for name in x.fieldOrder {
            let c = goCompare(x.fields[name] ?? .null, y.fields[name] ?? .null)
            if c != 0 { return c }
        }
        return 0
    case (.list(let x), .list(let y)):
        for (p, q) in zip(x, y) {
            let c = goCompare(p, q)
            if c != 0 { return c }
        }
        return x.count < y.count ? -1 : (x.count > y.count ? 1 : 0)
    default:
        let (ra, rb) = (rank(a), rank(b))
        return ra < rb ? -1 : (ra > rb ? 1 : 0)
    }
}
