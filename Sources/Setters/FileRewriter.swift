import YAML

/// What rewriting one file's bytes produced.
struct FileOutcome {
    /// New bytes when at least one value really changed and verification passed.
    var updated: [UInt8]?
    var changes: [SetterChange] = []
    var warnings: [SetterDiagnostic] = []
    var errors: [SetterDiagnostic] = []
    var referencedPolicies: Set<String> = []
    var markers: [MarkerReport] = []
}

/// One planned replacement of a scalar's bytes.
struct ScalarEdit {
    var node: Int
    var range: Range<Int>
    var text: String
    var value: String
    var style: YAMLScalarStyle
}

/// Rewrites the markers of one file in memory: locate, compute values, splice, verify.
struct FileRewriter {
    let policies: [String: ImageRef]
    /// Why some known policies have no result (a registry error, nothing selected).
    var unresolved: [String: String] = [:]
    var tagGuard: MarkerRewriter.TagGuard?
    var reportsMarkers = false
    let parser: YAMLParser

    func rewrite(_ bytes: [UInt8], file: String) -> FileOutcome {
        var outcome = FileOutcome()
        let stream: YAMLStream
        do {
            stream = try parser.parse(bytes, file: file)
        } catch {
            let text = error.problem + (error.context.map { " (\($0))" } ?? "")
            outcome.warnings.append(
                .init(
                    severity: .warning, file: file, line: error.line, column: error.column,
                    message: "skipped, invalid YAML: \(text)"))
            return outcome
        }
        let locator = MarkerLocator(bytes: bytes, stream: stream)
        for case .marker(let marker) in locator.readings.values { outcome.referencedPolicies.insert(marker.policy) }
        let (marked, unread) = locator.locate()
        for marker in unread {
            outcome.warnings.append(
                .init(severity: .warning, file: file, line: marker.line + 1, message: marker.reason))
        }
        var edits: [ScalarEdit] = []
        var identities: [Int: ObjectIdentity] = [:]
        for item in marked {
            let node = stream.nodes[item.node]
            func report(_ severity: SetterDiagnostic.Severity, _ message: String) {
                // Located at the value (as changes are), also for head-comment markers.
                let diagnostic = SetterDiagnostic(
                    severity: severity, file: file, line: node.contentStart.line, column: node.contentStart.column,
                    message: message)
                if severity == .error { outcome.errors.append(diagnostic) } else { outcome.warnings.append(diagnostic) }
            }
            let marker: Marker
            switch item.reading {
            case .notMarker: continue
            case .invalid(let reason):
                report(.warning, reason + ", ignored")
                continue
            case .marker(let m): marker = m
            }
            func record(_ result: MarkerReport.Outcome, _ proposed: String?, _ reason: String = "") {
                guard reportsMarkers else { return }
                outcome.markers.append(
                    MarkerReport(
                        file: file, line: node.contentStart.line, column: node.contentStart.column,
                        setter: marker.setter,
                        policy: marker.policy, current: node.scalarValue, proposed: proposed, outcome: result,
                        reason: reason))
            }
            guard let ref = policies[marker.policy] else {
                if let reason = unresolved[marker.policy] {
                    report(.warning, "policy \(marker.policy) has no result: \(reason)")
                    record(.noResult, nil, reason)
                } else {
                    report(.warning, "unknown policy \(marker.policy)")
                    record(.unknownPolicy, nil, "no ImagePolicy \(marker.policy) is defined")
                }
                continue
            }
            guard let newValue = marker.value(from: ref) else {
                report(.warning, "policy \(marker.policy) has no digest, \(marker.setter) left unchanged")
                record(.noDigest, nil, "the policy reflects no digest (set digestReflectionPolicy)")
                continue
            }
            guard case .scalar(let oldValue, let style) = node.kind else { continue }
            guard oldValue != newValue else {
                record(.upToDate, newValue)
                continue
            }
            if let tagGuard, let current = marker.field.tag(in: oldValue),
                let proposed = marker.field.tag(in: newValue),
                current != proposed, let reason = tagGuard(marker.policy, current, proposed)
            {
                report(.warning, "\(marker.setter): kept \(oldValue): \(reason)")
                record(.kept, newValue, reason)
                continue
            }
            if style == .literal || style == .folded {
                let reason = "cannot replace a block scalar (| or >); rewrite it as a single-line value"
                report(.error, "\(marker.setter): \(reason)")
                record(.refused, newValue, reason)
                continue
            }
            if locator.lines.line(of: node.contentStart.offset) != locator.lines.line(of: node.end.offset - 1) {
                let reason = "cannot replace a multi-line scalar; rewrite it on one line"
                report(.error, "\(marker.setter): \(reason)")
                record(.refused, newValue, reason)
                continue
            }
            if let tag = node.tag, tag != "tag:yaml.org,2002:str", tag != "!" {
                let reason = "value has tag \(tag); only untagged or !!str values are replaced"
                report(.error, "\(marker.setter): \(reason)")
                record(.refused, newValue, reason)
                continue
            }
            record(.change, newValue)
            let (text, newStyle) = Self.render(newValue, keeping: style)
            edits.append(
                ScalarEdit(node: item.node, range: node.contentByteRange, text: text, value: newValue, style: newStyle))
            let owner = Self.objectNode(containing: item.node, in: stream)
            let identity = identities[owner] ?? Self.identity(of: owner, in: stream)
            identities[owner] = identity
            outcome.changes.append(
                SetterChange(
                    file: file, line: node.contentStart.line, column: node.contentStart.column, setter: marker.setter,
                    old: oldValue, new: newValue, object: identity))
        }
        guard !edits.isEmpty else { return outcome }
        let updated = Self.splice(bytes, edits)
        if let problem = Verifier(parser: parser).check(original: stream, updated: updated, edits: edits) {
            outcome.errors.append(
                .init(severity: .error, file: file, message: "not rewritten, verification failed: \(problem)"))
            outcome.changes = []
            for index in outcome.markers.indices where outcome.markers[index].outcome == .change {
                outcome.markers[index].outcome = .refused
                outcome.markers[index].reason = "not rewritten, verification failed: \(problem)"
            }
            return outcome
        }
        outcome.updated = updated
        return outcome
    }

    /// The replacement text for `value` in a scalar of `style`: plain stays plain unless YAML
    /// would read it differently (then double quotes, as Flux does); quotes keep their kind.
    static func render(_ value: String, keeping style: YAMLScalarStyle) -> (String, YAMLScalarStyle) {
        switch style {
        case .plain where ScalarQuoting.isSafePlain(value):
            return (value, .plain)
        case .singleQuoted:
            if let text = ScalarQuoting.singleQuoted(value) { return (text, .singleQuoted) }
            return (ScalarQuoting.doubleQuoted(value), .doubleQuoted)
        default:
            return (ScalarQuoting.doubleQuoted(value), .doubleQuoted)
        }
    }

    /// Replaces each edit's byte range; edits do not overlap.
    static func splice(_ bytes: [UInt8], _ edits: [ScalarEdit]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + edits.reduce(0) { $0 + $1.text.utf8.count })
        var cursor = 0
        for edit in edits.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            out += bytes[cursor..<edit.range.lowerBound]
            out += Array(edit.text.utf8)
            cursor = edit.range.upperBound
        }
        out += bytes[cursor...]
        return out
    }

    /// The mapping whose identity a change reports: the document's top-level mapping, or for
    /// a `kind: List` document (which kyaml unwraps) the `items` entry holding the node.
    static func objectNode(containing node: Int, in stream: YAMLStream) -> Int {
        guard stream.documents.indices.contains(stream.nodes[node].document),
            let root = stream.documents[stream.nodes[node].document].root
        else { return node }
        guard stream.scalar(atPath: ["kind"], from: root)?.hasSuffix("List") == true,
            let items = stream.value(forKey: "items", in: root)
        else { return root }
        var child = node
        while let parent = stream.nodes[child].parent {
            if parent == items { return child }
            child = parent
        }
        return root
    }

    /// apiVersion/kind/metadata.namespace/metadata.name of an object mapping (empty if absent).
    static func identity(of object: Int, in stream: YAMLStream) -> ObjectIdentity {
        ObjectIdentity(
            apiVersion: stream.scalar(atPath: ["apiVersion"], from: object) ?? "",
            kind: stream.scalar(atPath: ["kind"], from: object) ?? "",
            namespace: stream.scalar(atPath: ["metadata", "namespace"], from: object) ?? "",
            name: stream.scalar(atPath: ["metadata", "name"], from: object) ?? "")
    }
}
