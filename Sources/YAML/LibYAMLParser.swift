internal import CYAML

/// Owns one libyaml parser and the input bytes it reads lazily.
///
/// `yaml_parser_t` stores a pointer to itself (`read_handler_data`), so it lives on the heap and
/// never moves; the input is copied into a buffer we own for the parser's whole lifetime.
final class LibYAMLParser {
    let parser: UnsafeMutablePointer<yaml_parser_t>
    let input: UnsafeMutableBufferPointer<UInt8>

    init?(bytes: [UInt8]) {
        parser = .allocate(capacity: 1)
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            input.deallocate()
            return nil
        }
        if let base = input.baseAddress {
            yaml_parser_set_input_string(parser, base, bytes.count)
        }
        // Encoding is auto-detected: the reader then skips a leading UTF-8 BOM before counting
        // marks (with a fixed encoding the scanner would count it as column 0 and misread the
        // indentation of the first line). UTF-16 is rejected before we get here.
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// Parses the next event, hands it to `body` and frees it afterwards.
    /// Returns nil (and leaves the error in the parser) when libyaml fails.
    func nextEvent<T>(_ body: (borrowing yaml_event_t) -> T) -> T? {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { return nil }
        defer { yaml_event_delete(&event) }
        return body(event)
    }

    /// The pending libyaml error; marks are still in characters.
    var errorInfo: (kind: YAMLParseError.Kind, problem: String, context: String?, line: Int, column: Int) {
        let p = parser.pointee
        let kind: YAMLParseError.Kind =
            switch p.error {
            case YAML_READER_ERROR: .reader
            case YAML_SCANNER_ERROR: .scanner
            case YAML_MEMORY_ERROR: .memory
            default: .parser
            }
        let problem = p.problem.map { String(cString: $0) } ?? "unknown error"
        let context = p.context.map { String(cString: $0) }
        if kind == .reader {
            // Reader errors carry a byte offset, not a mark; describe it in the text.
            return (
                kind, "\(problem) at byte \(p.problem_offset)", context, Int(p.mark.line) + 1, Int(p.mark.column) + 1
            )
        }
        return (kind, problem, context, Int(p.problem_mark.line) + 1, Int(p.problem_mark.column) + 1)
    }
}

/// One parse at a time on one thread: libyaml parsers are not thread-safe.
@available(*, unavailable) extension LibYAMLParser: Sendable {}

extension String {
    /// Decodes a libyaml string of known length (values may contain NUL via `\0`).
    init(yamlBytes pointer: UnsafePointer<UInt8>?, count: Int) {
        guard let pointer, count > 0 else {
            self = ""
            return
        }
        self = String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// Decodes a NUL-terminated libyaml string.
    init?(yamlCString pointer: UnsafePointer<UInt8>?) {
        guard let pointer else { return nil }
        self = String(cString: pointer)
    }
}
