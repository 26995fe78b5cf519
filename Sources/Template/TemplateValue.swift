import Basics
/// A value the template sees (Go's reflect values, as far as Flux templates need them).
///
/// `.null` stored inside a list, map or record is Go's nil interface (`<nil>` when printed,
/// an error when a field is read from it). A *missing* map key is a different thing in Go
/// (an invalid value, printed as `<no value>`); the engine tracks that internally.
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
    /// A Go map; `range` and printing visit keys in Go's sorted order.
    case map([TemplateValue: TemplateValue])
    /// A Go struct.
    case record(TemplateRecord)
}

/// A Go struct value: named fields in declaration order.
public struct TemplateRecord: Sendable, Hashable {
    /// Go type name, used in error messages (e.g. `update.Change`).
    public var typeName: String
    /// Field (and niladic method) values by name.
    public var fields: [String: TemplateValue]
    /// Struct fields in declaration order; printing, ordering and JSON use this order.
    /// Entries of `fields` not listed here behave like Go methods: readable, never printed.
    public var fieldOrder: [String]
    /// Result of a Go `String()` method; used whenever the value is printed.
    public var stringValue: String?
    /// Fields the data model no longer has, with the error a template reading one gets
    /// (`.removedField`), e.g. Flux's message for `.Updated`.
    public var removedFields: [String: String]

    /// Creates a record.
    public init(typeName: String, fields: [String: TemplateValue], fieldOrder: [String], stringValue: String? = nil,
                removedFields: [String: String] = [:]) {
        self.typeName = typeName
        self.fields = fields
        self.fieldOrder = fieldOrder
        self.stringValue = stringValue
        self.removedFields = removedFields
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
        }
    }

    /// Go type name for messages.
    var goTypeName: String {
        switch self {
        case .null: return "interface {}"
        case .string: return "string"
        case .int: return "int"
        case .float: return "float64"
        case .bool: return "bool"
        case .list: return "[]interface {}"
        case .map: return "map"
        case .record(let r): return r.typeName
        }
    }

    /// Map entries in Go's sorted key order.
    var sortedEntries: [(key: TemplateValue, value: TemplateValue)] {
        guard case .map(let m) = self else { return [] }
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
    case .string: return 4
    case .record: return 5
    case .list: return 6
    case .map: return 7
    }
}

func goCompare(_ a: TemplateValue, _ b: TemplateValue) -> Int {
    switch (a, b) {
    case (.string(let x), .string(let y)):
        return BytewiseOrder.compare(x, y)
    case (.int(let x), .int(let y)): return x < y ? -1 : (x > y ? 1 : 0)
    case (.float(let x), .float(let y)): return x < y ? -1 : (x > y ? 1 : 0)
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
