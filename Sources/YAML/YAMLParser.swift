internal import CYAML

/// Parses YAML bytes into a `YAMLStream` with byte spans, using libyaml.
///
/// Aliases are reported as alias nodes and never expanded, so alias bombs cost nothing.
public struct YAMLParser: Sendable {
    /// Resource limits applied before and while parsing.
    public struct Limits: Sendable, Hashable {
        /// Largest accepted input in bytes.
        public var maxInputBytes: Int
        /// Deepest accepted collection nesting.
        public var maxDepth: Int

        /// 16 MiB and 512 levels.
        public static let `default` = Limits(maxInputBytes: 16 << 20, maxDepth: 512)

        /// Creates limits.
        public init(maxInputBytes: Int, maxDepth: Int) {
            self.maxInputBytes = maxInputBytes
            self.maxDepth = maxDepth
        }
    }

    /// The limits in force.
    public var limits: Limits

    /// Creates a parser.
    public init(limits: Limits = .default) {
        self.limits = limits
    }

    /// Parses a whole stream. `file` is only used in error messages.
    public func parse(_ bytes: [UInt8], file: String? = nil) throws(YAMLParseError) -> YAMLStream {
        guard bytes.count <= limits.maxInputBytes else {
            throw YAMLParseError(
                kind: .limit, file: file, line: 1, column: 1,
                problem: "input is \(bytes.count) bytes, more than the limit of \(limits.maxInputBytes)")
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw YAMLParseError(
                kind: .reader, file: file, line: 1, column: 1, problem: "UTF-16 input is not supported")
        }
        guard let parser = LibYAMLParser(bytes: bytes) else {
            throw YAMLParseError(kind: .memory, file: file, line: 1, column: 1, problem: "cannot initialise libyaml")
        }
        var builder = StreamBuilder(
            input: UnsafeBufferPointer(parser.input), count: bytes.count, maxDepth: limits.maxDepth)
        while true {
            let step = parser.nextEvent { event in builder.consume(event) }
            switch step {
            case nil:
                let info = parser.errorInfo
                throw YAMLParseError(
                    kind: info.kind, file: file, line: info.line, column: info.column,
                    problem: info.problem, context: info.context)
            case .some(.continue):
                continue
            case .some(.finished):
                return YAMLStream(documents: builder.documents, nodes: builder.nodes)
            case .some(.tooDeep(let mark)):
                throw YAMLParseError(
                    kind: .limit, file: file, line: mark.line, column: mark.column,
                    problem: "collections nested deeper than \(limits.maxDepth) levels")
            }
        }
    }
}

/// Turns events into the flat node table.
private struct StreamBuilder {
    enum Step {
        case `continue`, finished
        case tooDeep(YAMLMark)
    }

    private let input: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var mapper: MarkMapper
    private var stack: [Int] = []
    var documents: [YAMLDocument] = []
    var nodes: [YAMLNode] = []

    init(input: UnsafeBufferPointer<UInt8>, count: Int, maxDepth: Int) {
        // The parser buffer may be 1 byte larger than the input (never empty); use the real size.
        self.input = UnsafeBufferPointer(rebasing: input[0..<count])
        self.maxDepth = maxDepth
        self.mapper = MarkMapper(bytes: self.input)
    }

    mutating func consume(_ event: borrowing yaml_event_t) -> Step {
        let start = mark(event.start_mark)
        let end = mark(event.end_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            let explicit = event.data.document_start.implicit == 0
            documents.append(
                YAMLDocument(root: nil, start: start, end: end, explicitStart: explicit, explicitEnd: false))
        case YAML_DOCUMENT_END_EVENT:
            if !documents.isEmpty {
                documents[documents.count - 1].end = end
                documents[documents.count - 1].explicitEnd = event.data.document_end.implicit == 0
            }
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let style: YAMLScalarStyle =
                switch s.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: .literal
                case YAML_FOLDED_SCALAR_STYLE: .folded
                default: .plain
                }
            let value = String(yamlBytes: s.value, count: s.length)
            add(
                .scalar(value: value, style: style), tag: String(yamlCString: s.tag),
                anchor: String(yamlCString: s.anchor), start: start, end: end)
        case YAML_ALIAS_EVENT:
            let name = String(yamlCString: event.data.alias.anchor) ?? ""
            add(.alias(anchor: name), tag: nil, anchor: nil, start: start, end: end)
        case YAML_SEQUENCE_START_EVENT:
            let s = event.data.sequence_start
            let style: YAMLCollectionStyle = s.style == YAML_FLOW_SEQUENCE_STYLE ? .flow : .block
            add(
                .sequence(style), tag: String(yamlCString: s.tag), anchor: String(yamlCString: s.anchor),
                start: start, end: end)
            stack.append(nodes.count - 1)
            if stack.count > maxDepth { return .tooDeep(start) }
        case YAML_MAPPING_START_EVENT:
            let s = event.data.mapping_start
            let style: YAMLCollectionStyle = s.style == YAML_FLOW_MAPPING_STYLE ? .flow : .block
            add(
                .mapping(style), tag: String(yamlCString: s.tag), anchor: String(yamlCString: s.anchor),
                start: start, end: end)
            stack.append(nodes.count - 1)
            if stack.count > maxDepth { return .tooDeep(start) }
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            if let open = stack.popLast() { nodes[open].end = end }
        case YAML_STREAM_END_EVENT:
            return .finished
        default:
            break
        }
        return .continue
    }

    private mutating func add(_ kind: YAMLNode.Kind, tag: String?, anchor: String?, start: YAMLMark, end: YAMLMark) {
        let index = nodes.count
        let parent = stack.last
        let contentStart = (tag == nil && anchor == nil) ? start : skipProperties(from: start, limit: end.offset)
        nodes.append(
            YAMLNode(
                kind: kind, tag: tag, anchor: anchor, start: start, contentStart: contentStart, end: end,
                parent: parent, children: [], document: max(documents.count - 1, 0)))
        if let parent {
            nodes[parent].children.append(index)
        } else if !documents.isEmpty {
            documents[documents.count - 1].root = index
        }
    }

    private mutating func mark(_ m: yaml_mark_t) -> YAMLMark {
        YAMLMark(offset: mapper.byteOffset(ofCharacter: Int(m.index)), line: Int(m.line) + 1, column: Int(m.column) + 1)
    }

    /// Skips `&anchor`, `!tag`, whitespace, line breaks and comments between a node's start mark
    /// (libyaml puts it at the first property) and its own text. Properties never contain
    /// whitespace, so scanning to the next blank is exact.
    private func skipProperties(from start: YAMLMark, limit: Int) -> YAMLMark {
        var position = start
        let end = min(limit, input.count)
        func advance() {
            let byte = input[position.offset]
            if byte == UInt8(ascii: "\n")
                || (byte == UInt8(ascii: "\r")
                    && !(position.offset + 1 < end && input[position.offset + 1] == UInt8(ascii: "\n")))
            {
                position.line += 1
                position.column = 1
            } else if byte & 0xC0 != 0x80 {
                position.column += 1
            }
            position.offset += 1
        }
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while position.offset < end {
            let byte = input[position.offset]
            if byte == UInt8(ascii: "&") || byte == UInt8(ascii: "!") {
                while position.offset < end, !isBlank(input[position.offset]) { advance() }
            } else if isBlank(byte) {
                advance()
            } else if byte == UInt8(ascii: "#") {
                while position.offset < end, input[position.offset] != 0x0A, input[position.offset] != 0x0D {
                    advance()
                }
            } else {
                break
            }
        }
        return position
    }
}
