/// Renders rewrites as unified diffs that `git apply` accepts.
public enum UnifiedDiff {
    /// Lines of context around each change.
    public static let contextLines = 3

    /// A unified diff of one rewrite (`--- a/PATH`, `+++ b/PATH`, hunks with 3 lines of context).
    /// CR bytes stay part of their lines; a last line without a line feed is followed by
    /// `\ No newline at end of file`. `color` adds ANSI colours for terminals.
    public static func render(_ rewrite: FileRewrite, color: Bool = false) -> String {
        render(old: rewrite.original, new: rewrite.updated, path: rewrite.relativePath, color: color)
    }

    /// A unified diff of two byte sequences under one path; empty when they are equal.
    public static func render(old: [UInt8], new: [UInt8], path: String, color: Bool = false) -> String {
        let a = lines(old)
        let b = lines(new)
        let blocks = changedBlocks(a, b)
        guard !blocks.isEmpty else { return "" }
        let paint = Painter(enabled: color)
        var out = paint.bold("--- a/\(path)") + "\n" + paint.bold("+++ b/\(path)") + "\n"
        for hunk in group(blocks) {
            let first = hunk[0]
            let last = hunk[hunk.count - 1]
            let aLow = max(0, first.aStart - contextLines)
            let bLow = aLow + (first.bStart - first.aStart)
            let aHigh = min(a.count, last.aStart + last.aCount + contextLines)
            let bHigh = aHigh + (last.bStart + last.bCount - last.aStart - last.aCount)
            out += paint.cyan("@@ -\(range(aLow, aHigh - aLow)) +\(range(bLow, bHigh - bLow)) @@") + "\n"
            var aCursor = aLow
            for block in hunk {
                for line in a[aCursor..<block.aStart] { out += emit(" ", line, paint.plain) }
                for line in a[block.aStart..<block.aStart + block.aCount] { out += emit("-", line, paint.red) }
                for line in b[block.bStart..<block.bStart + block.bCount] { out += emit("+", line, paint.green) }
                aCursor = block.aStart + block.aCount
            }
            for line in a[aCursor..<aHigh] { out += emit(" ", line, paint.plain) }
        }
        return out
    }

    /// A run of replaced lines: `aCount` old lines at `aStart` became `bCount` new lines at `bStart`.
    struct Block: Equatable {
        var aStart, aCount, bStart, bCount: Int
    }

    /// Splits after each LF, keeping terminators (and any CR) in the line.
    static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == 0x0A {
            result.append(bytes[start...i])
            start = i + 1
        }
        if start < bytes.count { result.append(bytes[start...]) }
        return result
    }

    /// Changed line runs. Rewrites never add or remove line breaks, so equal line counts are
    /// compared line by line; otherwise one block between the common prefix and suffix (a
    /// valid, if not minimal, diff).
    static func changedBlocks(_ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>]) -> [Block] {
        if a.count == b.count {
            var blocks: [Block] = []
            for i in a.indices where a[i] != b[i] {
                if let last = blocks.last, last.aStart + last.aCount == i {
                    blocks[blocks.count - 1].aCount += 1
                    blocks[blocks.count - 1].bCount += 1
                } else {
                    blocks.append(Block(aStart: i, aCount: 1, bStart: i, bCount: 1))
                }
            }
            return blocks
        }
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        return [
            Block(aStart: prefix, aCount: a.count - prefix - suffix, bStart: prefix, bCount: b.count - prefix - suffix)
        ]
    }

    /// Blocks whose context would touch or overlap share a hunk.
    static func group(_ blocks: [Block]) -> [[Block]] {
        var hunks: [[Block]] = []
        for block in blocks {
            if let previous = hunks.last?.last, block.aStart - (previous.aStart + previous.aCount) <= 2 * contextLines {
                hunks[hunks.count - 1].append(block)
            } else {
                hunks.append([block])
            }
        }
        return hunks
    }

    /// `start,count` with the 1-based start; an empty range names the line before it.
    private static func range(_ low: Int, _ count: Int) -> String {
        "\(count == 0 ? low : low + 1),\(count)"
    }

    private static func emit(_ prefix: String, _ line: ArraySlice<UInt8>, _ paint: (String) -> String) -> String {
        // Work on bytes: as a String, CR LF is one Character and dropLast() would eat the CR.
        if line.last == 0x0A {
            return paint(prefix + String(decoding: line.dropLast(), as: UTF8.self)) + "\n"
        }
        return paint(prefix + String(decoding: line, as: UTF8.self)) + "\n\\ No newline at end of file\n"
    }

    private struct Painter {
        let enabled: Bool
        func wrap(_ code: String, _ text: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        func bold(_ t: String) -> String { wrap("1", t) }
        func cyan(_ t: String) -> String { wrap("36", t) }
        func red(_ t: String) -> String { wrap("31", t) }
        func green(_ t: String) -> String { wrap("32", t) }
        func plain(_ t: String) -> String { t }
    }
}
