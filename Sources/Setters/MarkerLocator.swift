import YAML

/// A scalar annotated by a marker comment.
struct MarkedScalar {
    /// Index into `YAMLStream.nodes`.
    var node: Int
    /// What the marker says.
    var reading: Marker.Reading
    /// 0-based line of the marker comment.
    var markerLine: Int
}

/// Attaches marker comments to scalar values, following Flux: the scalar's line comment first;
/// only when it has none, the comment line directly above its entry (`key: v` or `- v`).
struct MarkerLocator {
    let stream: YAMLStream
    let lines: LineTable
    let comments: [Int: Comment]
    /// Marker readings by 0-based line, only for comments that mention `$imagepolicy`.
    let readings: [Int: Marker.Reading]
    /// For each node that is a mapping value, the index of its key (avoids quadratic lookups).
    private let keyOfValue: [Int: Int]

    init(bytes: [UInt8], stream: YAMLStream) {
        self.stream = stream
        var keyOfValue: [Int: Int] = [:]
        for node in stream.nodes where node.kind == .mapping(.block) {
            for pair in stride(from: 1, to: node.children.count, by: 2) {
                keyOfValue[node.children[pair]] = node.children[pair - 1]
            }
        }
        self.keyOfValue = keyOfValue
        lines = LineTable(bytes)
        comments = CommentFinder.comments(
            in: bytes, lines: lines, masks: CommentFinder.scalarMasks(nodes: stream.nodes, lines: lines))
        var readings: [Int: Marker.Reading] = [:]
        for (line, comment) in comments {
            let text = Substring(decoding: bytes[comment.start..<comment.end], as: UTF8.self)
            let reading = Marker.read(comment: text)
            if reading != .notMarker { readings[line] = reading }
        }
        self.readings = readings
    }

    /// Marked scalars in document order, and the marker lines no scalar claimed.
    func locate() -> (marked: [MarkedScalar], unclaimed: [Int]) {
        var marked: [MarkedScalar] = []
        var claimed: Set<Int> = []
        for (index, node) in stream.nodes.enumerated() {
            guard let style = node.scalarStyle, let entryLine = entryLine(of: index),
                node.contentStart.offset < node.end.offset
            else { continue }
            let isBlock = style == .literal || style == .folded
            let firstLine = lines.line(of: node.contentStart.offset)
            let lastLine = isBlock ? firstLine : lines.line(of: node.end.offset - 1)
            let markerLine: Int
            if let comment = comments[lastLine],
                comment.start >= (isBlock ? node.contentStart.offset + 1 : node.end.offset)
            {
                // A line comment decides alone, marker or not.
                guard readings[lastLine] != nil else { continue }
                markerLine = lastLine
            } else if entryLine == firstLine, entryLine > 0, let head = comments[entryLine - 1], head.ownLine,
                readings[entryLine - 1] != nil
            {
                markerLine = entryLine - 1
            } else {
                continue
            }
            guard let reading = readings[markerLine], !claimed.contains(markerLine) else { continue }
            claimed.insert(markerLine)
            marked.append(MarkedScalar(node: index, reading: reading, markerLine: markerLine))
        }
        let unclaimed = readings.keys.filter { !claimed.contains($0) }.sorted()
        return (marked, unclaimed)
    }

    /// The 0-based line where the scalar's entry starts (its key's line for a mapping value, its
    /// own line for a sequence item), or nil when the scalar is not a value in a block
    /// collection (keys, flow collections and document roots are never targets).
    private func entryLine(of index: Int) -> Int? {
        let node = stream.nodes[index]
        guard let parentIndex = node.parent else { return nil }
        let parent = stream.nodes[parentIndex]
        switch parent.kind {
        case .sequence(.block):
            return lines.line(of: node.start.offset)
        case .mapping(.block):
            guard let key = keyOfValue[index] else { return nil }
            return lines.line(of: stream.nodes[key].start.offset)
        default:
            return nil
        }
    }
}
