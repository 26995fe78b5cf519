import YAML

/// A comment found in the raw bytes.
struct Comment {
    /// Offset of the `#`.
    var start: Int
    /// End of the comment (the line's content end).
    var end: Int
    /// 0-based line.
    var line: Int
    /// Whether only whitespace precedes the comment on its line.
    var ownLine: Bool
}

/// Finds comments: libyaml does not report them, so scan each line for a `#` that is outside
/// every scalar's bytes and at line start or after a blank, as the YAML grammar requires.
enum CommentFinder {
    /// Byte ranges in which `#` is text: flow scalars entirely, block scalars from the line after
    /// their header (a comment may follow `|` on the header line).
    static func scalarMasks(nodes: [YAMLNode], lines: LineTable) -> [Range<Int>] {
        var masks: [Range<Int>] = []
        for node in nodes {
            guard let style = node.scalarStyle else { continue }
            var lower = node.contentStart.offset
            if style == .literal || style == .folded {
                let header = lines.line(of: lower)
                guard header + 1 < lines.count else { continue }
                lower = lines.starts[header + 1]
            }
            if lower < node.end.offset { masks.append(lower..<node.end.offset) }
        }
        return masks.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// The first comment on each line that has one, keyed by 0-based line.
    static func comments(in bytes: [UInt8], lines: LineTable, masks: [Range<Int>]) -> [Int: Comment] {
        var result: [Int: Comment] = [:]
        var maskIndex = 0
        let bomEnd = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        for line in 0..<lines.count {
            let start = lines.starts[line]
            let end = lines.contentEnds[line]
            var i = max(start, line == 0 ? bomEnd : start)
            var onlyBlanks = true
            while i < end {
                while maskIndex < masks.count, masks[maskIndex].upperBound <= i { maskIndex += 1 }
                if maskIndex < masks.count, masks[maskIndex].contains(i) {
                    i = masks[maskIndex].upperBound
                    onlyBlanks = false
                    continue
                }
                let byte = bytes[i]
                if byte == UInt8(ascii: "#"), onlyBlanks || bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09 {
                    result[line] = Comment(start: i, end: end, line: line, ownLine: onlyBlanks)
                    break
                }
                if byte != 0x20, byte != 0x09 { onlyBlanks = false }
                i += 1
            }
        }
        return result
    }
}
