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

/// A marker-shaped comment that no value gets, and why (for warnings: Flux ignores these
/// silently, users who wrote one should learn why nothing changes).
struct UnreadMarker {
    /// 0-based line of the marker text.
    var line: Int
    var reason: String
}

/// Attaches marker comments to scalar values exactly where Flux reads them (kyaml over
/// yaml.v3's comment attachment): the scalar's line comment first, and only when it has none
/// its head comment. yaml.v3 gives a comment on the line above `key: value` to the key, not the
/// value, so such a comment is never read; above a block-sequence item it joins every comment
/// line directly above into one head comment, so a marker there is read only when it stands
/// alone; a mapping value on a line of its own gets the comment lines between its key and it.
struct MarkerLocator {
    let stream: YAMLStream
    let lines: LineTable
    let comments: [Int: Comment]
    /// Marker readings by 0-based line, only for comments that mention `$imagepolicy`.
    let readings: [Int: Marker.Reading]
    /// For each node that is a mapping value, the index of its key (avoids quadratic lookups).
    private let keyOfValue: [Int: Int]
    private let bytes: [UInt8]

    init(bytes: [UInt8], stream: YAMLStream) {
        self.stream = stream
        self.bytes = bytes
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

    /// Marked scalars in document order, and the marker-shaped comments no scalar reads, with
    /// the reason (including markers written inside a block scalar's text).
    func locate() -> (marked: [MarkedScalar], unread: [UnreadMarker]) {
        var marked: [MarkedScalar] = []
        var claimed: Set<Int> = []
        var reasons: [Int: String] = [:]
        for (index, node) in stream.nodes.enumerated() {
            guard let style = node.scalarStyle, let entry = entry(of: index),
                node.contentStart.offset < node.end.offset
            else { continue }
            let isBlock = style == .literal || style == .folded
            let firstLine = lines.line(of: node.contentStart.offset)
            let lastLine = isBlock ? firstLine : lines.line(of: node.end.offset - 1)
            // The own-line comments directly above where the scalar's entry starts.
            var above: [Int] = []
            var line = entry.line - 1
            while line >= 0, let comment = comments[line], comment.ownLine {
                above.insert(line, at: 0)
                line -= 1
            }
            if entry.isMappingValue, entry.line == entry.keyLine {
                // `key: value`: the comment above is the key's (yaml.v3), never read.
                for marker in above where readings[marker] != nil {
                    reasons[marker] =
                        "a marker on the line above `key: value` is the key's comment in Flux, not the value's: "
                        + "it is not read; write it after the value on its line"
                }
                above = []
            }
            if let comment = comments[lastLine],
                comment.start >= (isBlock ? node.contentStart.offset + 1 : node.end.offset)
            {
                // A line comment decides alone, marker or not.
                guard let reading = readings[lastLine], !claimed.contains(lastLine) else { continue }
                claimed.insert(lastLine)
                marked.append(MarkedScalar(node: index, reading: reading, markerLine: lastLine))
                continue
            }
            if entry.isMappingValue {
                // The value on a line of its own: the comments between its key and it are its head.
                above = above.filter { $0 > entry.keyLine }
            }
            guard let last = above.last, readings[last] != nil else { continue }
            guard above.count == 1 else {
                // yaml.v3 joins the lines into one head comment, which is no longer a marker.
                for marker in above where readings[marker] != nil {
                    reasons[marker] =
                        "the comment lines above this value are read as one comment, which is not a marker: "
                        + "it is not read; put the marker alone on the line above, or after the value"
                }
                continue
            }
            guard let reading = readings[last], !claimed.contains(last) else { continue }
            claimed.insert(last)
            marked.append(MarkedScalar(node: index, reading: reading, markerLine: last))
        }
        var unread = readings.keys.filter { !claimed.contains($0) }.sorted().map { line in
            UnreadMarker(line: line, reason: reasons[line] ?? "marker is not on a scalar value, ignored")
        }
        unread += markersInBlockScalars()
        unread.sort { $0.line < $1.line }
        return (marked, unread)
    }

    /// Lines of block scalar text (`patch: |`) that hold something marker-shaped: text, not
    /// comments, so neither Flux nor imagebot reads them.
    private func markersInBlockScalars() -> [UnreadMarker] {
        var found: [UnreadMarker] = []
        for node in stream.nodes {
            guard let style = node.scalarStyle, style == .literal || style == .folded else { continue }
            let header = lines.line(of: node.contentStart.offset)
            let last = lines.line(of: max(node.contentStart.offset, node.end.offset - 1))
            guard header < last else { continue }
            for line in (header + 1)...last {
                let text = Substring(decoding: bytes[lines.starts[line]..<lines.contentEnds[line]], as: UTF8.self)
                guard let hash = text.firstIndex(of: "#"), text[hash...].contains("$imagepolicy"),
                    Marker.read(comment: text[hash...]) != .notMarker
                else { continue }
                found.append(
                    UnreadMarker(
                        line: line,
                        reason: "a marker inside a block scalar's text (`key: |`) is text, not a comment: "
                            + "neither Flux nor imagebot reads it"))
            }
        }
        return found
    }

    /// Where the scalar's entry starts: its key's line for a mapping value, its own line for a
    /// sequence item; nil when the scalar is not a value in a block collection (keys, flow
    /// collections and document roots are never targets).
    private func entry(of index: Int) -> (line: Int, keyLine: Int, isMappingValue: Bool)? {
        let node = stream.nodes[index]
        guard let parentIndex = node.parent else { return nil }
        let parent = stream.nodes[parentIndex]
        switch parent.kind {
        case .sequence(.block):
            let line = lines.line(of: node.start.offset)
            return (line, line, false)
        case .mapping(.block):
            guard let key = keyOfValue[index] else { return nil }
            let keyLine = lines.line(of: stream.nodes[key].start.offset)
            let valueLine = lines.line(of: node.start.offset)
            return (valueLine == keyLine ? keyLine : valueLine, keyLine, true)
        default:
            return nil
        }
    }
}
