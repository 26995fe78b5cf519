import YAML

/// Re-parses rewritten bytes and checks that only the intended values changed.
struct Verifier {
    let parser: YAMLParser

    /// nil when the update is exactly the intended one, else a description of the first difference.
    func check(original: YAMLStream, updated: [UInt8], edits: [ScalarEdit]) -> String? {
        let reparsed: YAMLStream
        do {
            reparsed = try parser.parse(updated)
        } catch {
            return "result does not parse: \(error)"
        }
        guard reparsed.documents.count == original.documents.count, reparsed.nodes.count == original.nodes.count else {
            return "document structure changed"
        }
        let intended = Dictionary(edits.map { ($0.node, $0) }, uniquingKeysWith: { first, _ in first })
        for (index, (before, after)) in zip(original.nodes, reparsed.nodes).enumerated() {
            guard before.tag == after.tag, before.anchor == after.anchor, before.parent == after.parent,
                before.children == after.children
            else { return "structure changed at line \(after.start.line)" }
            if let edit = intended[index] {
                guard after.kind == .scalar(value: edit.value, style: edit.style) else {
                    return
                        "value at line \(after.start.line) reads back as "
                        + (after.scalarValue.map { "\"\($0)\"" } ?? "a non-scalar")
                }
            } else if before.kind != after.kind {
                return "unedited node changed at line \(after.start.line)"
            }
        }
        return nil
    }
}
