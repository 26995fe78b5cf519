import YAML

/// Reads one YAML document as a Kubernetes manifest: typed field access that records a
/// diagnostic with file:line:column for every wrong type, missing required field and unknown
/// field, and keeps going so one pass reports every problem.
struct ManifestReader {
    let stream: YAMLStream
    let file: String
    /// `Kind namespace/name` once known, for messages.
    var object = ""
    private(set) var diagnostics: [ConfigDiagnostic] = []

    init(stream: YAMLStream, file: String) {
        self.stream = stream
        self.file = file
    }

    func location(_ node: Int) -> SourceLocation {
        let mark = stream.nodes[node].contentStart
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    mutating func error(_ node: Int, _ message: String) {
        diagnostics.append(ConfigDiagnostic(.error, location(node), object: object, message))
    }

    mutating func warning(_ node: Int, _ message: String) {
        diagnostics.append(ConfigDiagnostic(.warning, location(node), object: object, message))
    }

    /// The mapping at `node`, warning about keys outside `known` (nil: do not check keys).
    mutating func mapping(_ node: Int, path: String, known: Set<String>?) -> Int? {
        guard case .mapping = stream.nodes[node].kind else {
            error(node, "\(path) must be a mapping, found \(describe(node))")
            return nil
        }
        if let known {
            for pair in stream.pairs(of: node) {
                guard let key = stream.nodes[pair.key].scalarValue else {
                    error(pair.key, "\(path) has a key that is not a string")
                    continue
                }
                if !known.contains(key) { warning(pair.key, "unknown field \(path).\(key) (ignored)") }
            }
        }
        return node
    }

    /// The value node for `key` in `mapping`; reports a missing required field.
    mutating func field(_ mapping: Int, _ key: String, path: String, required: Bool = false) -> Int? {
        if let value = stream.value(forKey: key, in: mapping) {
            // `key:` with nothing after it is null, the same as absent.
            if stream.nodes[value].isNull { return nil }
            return value
        }
        if required { error(mapping, "\(path).\(key) is required") }
        return nil
    }

    mutating func string(_ mapping: Int, _ key: String, path: String, required: Bool = false) -> String? {
        guard let node = field(mapping, key, path: path, required: required) else { return nil }
        guard let value = stream.nodes[node].scalarValue else {
            error(node, "\(path).\(key) must be a string, found \(describe(node))")
            return nil
        }
        if required && value.isEmpty { error(node, "\(path).\(key) must not be empty") }
        return value
    }

    mutating func bool(_ mapping: Int, _ key: String, path: String) -> Bool? {
        guard let node = field(mapping, key, path: path) else { return nil }
        let value = stream.nodes[node]
        if value.scalarStyle == .plain, let text = value.scalarValue {
            if ["true", "True", "TRUE"].contains(text) { return true }
            if ["false", "False", "FALSE"].contains(text) { return false }
        }
        error(node, "\(path).\(key) must be true or false, found \(describe(node))")
        return nil
    }

    mutating func duration(_ mapping: Int, _ key: String, path: String, required: Bool = false, allowHours: Bool = true)
        -> GoDuration?
    {
        guard let node = field(mapping, key, path: path, required: required) else { return nil }
        guard let text = stream.nodes[node].scalarValue,
            let duration = GoDuration(parsing: text, allowHours: allowHours)
        else {
            let units = allowHours ? "ms, s, m or h" : "ms, s or m"
            error(
                node, "\(path).\(key) must be a duration such as 5m or 1m30s (units \(units)), found \(describe(node))")
            return nil
        }
        return duration
    }

    mutating func stringList(_ mapping: Int, _ key: String, path: String) -> [String]? {
        guard let node = field(mapping, key, path: path) else { return nil }
        guard case .sequence = stream.nodes[node].kind else {
            error(node, "\(path).\(key) must be a list, found \(describe(node))")
            return nil
        }
        var values: [String] = []
        for (index, item) in stream.nodes[node].children.enumerated() {
            guard let value = stream.nodes[item].scalarValue else {
                error(item, "\(path).\(key)[\(index)] must be a string, found \(describe(item))")
                continue
            }
            values.append(value)
        }
        return values
    }

    mutating func stringMap(_ mapping: Int, _ key: String, path: String) -> [String: String]? {
        guard let node = field(mapping, key, path: path) else { return nil }
        guard self.mapping(node, path: "\(path).\(key)", known: nil) != nil else { return nil }
        var values: [String: String] = [:]
        for pair in stream.pairs(of: node) {
            guard let name = stream.nodes[pair.key].scalarValue, let value = stream.nodes[pair.value].scalarValue else {
                error(pair.value, "\(path).\(key) must map strings to strings")
                continue
            }
            values[name] = value
        }
        return values
    }

    /// A `{name: …}` reference object (LocalObjectReference).
    mutating func referenceName(_ mapping: Int, _ key: String, path: String) -> String? {
        guard let node = field(mapping, key, path: path),
            let reference = self.mapping(node, path: "\(path).\(key)", known: ["name"])
        else { return nil }
        return string(reference, "name", path: "\(path).\(key)", required: true)
    }

    /// One of `allowed`, compared case-sensitively as the CRD enums are.
    mutating func enumeration<T: RawRepresentable & CaseIterable>(
        _ mapping: Int, _ key: String, path: String, as type: T.Type
    ) -> T? where T.RawValue == String {
        guard let node = field(mapping, key, path: path), let text = string(mapping, key, path: path) else {
            return nil
        }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            error(node, "\(path).\(key) must be one of \(allowed), found '\(text)'")
            return nil
        }
        return value
    }

    func describe(_ node: Int) -> String {
        switch stream.nodes[node].kind {
        case .scalar(let value, _): return "'\(value.count > 40 ? String(value.prefix(40)) + "…" : value)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias(let anchor): return "an alias *\(anchor)"
        }
    }
}

extension YAMLNode {
    /// A plain `~`, `null` or empty scalar (YAML's null), which Kubernetes treats as absent.
    var isNull: Bool {
        guard case .scalar(let value, .plain) = kind, tag == nil else { return false }
        return value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL"
    }
}
