/// A plain-text table in the style of `kubectl get`: upper-case headers, columns padded
/// with two spaces, and, when a width is given, the widest shrinkable columns cut with `…`
/// so a row stays on one terminal line.
///
/// Widths are counted in Characters (grapheme clusters); wide East Asian characters count
/// as one, so such text may still overrun by a little.
public struct TextTable: Sendable {
    /// One column: its header, how narrow it may become, and when it gives up width.
    public struct Column: Sendable {
        public var header: String
        /// Shrinkable columns give up width down to this many characters; others never shrink.
        public var minimumWidth: Int?
        /// Numbers read better right-aligned.
        public var rightAligned: Bool
        /// Names identify the row: they give up width only once the other columns are at
        /// their minimum.
        public var shrinksLast: Bool

        public init(
            _ header: String, shrinkableTo minimumWidth: Int? = nil, rightAligned: Bool = false,
            shrinksLast: Bool = false
        ) {
            self.header = header
            self.minimumWidth = minimumWidth
            self.rightAligned = rightAligned
            self.shrinksLast = shrinksLast
        }
    }

    /// The padding between columns (two, not kubectl's three: 80 columns hold more).
    static let gap = "  "

    public var columns: [Column]
    public var rows: [[String]]

    public init(columns: [Column], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The column widths that fit `width` characters, if it can be done without going under
    /// any column's minimum: the widest shrinkable column gives up a character at a time,
    /// names (`shrinksLast`) only when nothing else can.
    public func widths(fitting width: Int?) -> [Int] {
        var widths = columns.indices.map { index in
            rows.reduce(columns[index].header.count) { max($0, index < $1.count ? Self.oneLine($1[index]).count : 0) }
        }
        guard let width else { return widths }
        var excess = widths.reduce(0, +) + Self.gap.count * (columns.count - 1) - width
        while excess > 0 {
            let shrinkable = columns.indices.filter { index in
                columns[index].minimumWidth.map { widths[index] > max($0, 2) } ?? false
            }
            let others = shrinkable.filter { !columns[$0].shrinksLast }
            let candidates = others.isEmpty ? shrinkable : others
            guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
            excess -= 1
        }
        return widths
    }

    /// The table as lines joined by newlines (with a final newline); no trailing spaces.
    public func render(width: Int? = nil) -> String {
        let widths = widths(fitting: width)
        var lines: [String] = []
        for row in [columns.map(\.header)] + rows {
            var cells: [String] = []
            for (index, column) in columns.enumerated() {
                let text = Self.truncate(Self.oneLine(index < row.count ? row[index] : ""), to: widths[index])
                let padding = String(repeating: " ", count: widths[index] - text.count)
                cells.append(column.rightAligned ? padding + text : text + padding)
            }
            var line = cells.joined(separator: Self.gap)
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` cut to `width` characters, the last one `…` when anything was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(repeating: "…", count: max(width, 0)) }
        return String(text.prefix(width - 1)) + "…"
    }

    /// Values come from users and registries: a newline or tab would break the row and an
    /// escape sequence would reach the terminal, so whitespace controls become spaces and
    /// other control characters U+FFFD.
    public static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n", "\r", "\t": result.append(" ")
            case _ where isControl(scalar): result.append("\u{FFFD}")
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// C0, DEL and C1 controls.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
