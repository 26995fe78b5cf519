/// Line boundaries of a file, using the same line breaks as libyaml (LF, CRLF, CR, NEL, LS, PS)
/// so line numbers agree with the parser's marks.
struct LineTable {
    /// Start offset of each line.
    private(set) var starts: [Int] = []
    /// End of each line's content (before its line break).
    private(set) var contentEnds: [Int] = []

    init(_ bytes: [UInt8]) {
        var start = 0
        var i = 0
        while i < bytes.count {
            let width = Self.breakWidth(bytes, at: i)
            if width > 0 {
                starts.append(start)
                contentEnds.append(i)
                i += width
                start = i
            } else {
                i += 1
            }
        }
        if start < bytes.count || starts.isEmpty {
            starts.append(start)
            contentEnds.append(bytes.count)
        }
    }

    /// Number of bytes of a line break at `i`, 0 if none.
    static func breakWidth(_ b: [UInt8], at i: Int) -> Int {
        switch b[i] {
        case 0x0A: return 1
        case 0x0D: return i + 1 < b.count && b[i + 1] == 0x0A ? 2 : 1
        case 0xC2: return i + 1 < b.count && b[i + 1] == 0x85 ? 2 : 0
        case 0xE2: return i + 2 < b.count && b[i + 1] == 0x80 && (b[i + 2] == 0xA8 || b[i + 2] == 0xA9) ? 3 : 0
        default: return 0
        }
    }

    var count: Int { starts.count }

    /// 0-based line containing `offset`.
    func line(of offset: Int) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
