/// A YAML input that could not be parsed, with the place and libyaml's explanation.
public struct YAMLParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which stage failed.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Invalid encoding or a non-printable character.
        case reader
        /// Invalid token.
        case scanner
        /// Invalid structure.
        case parser
        /// Input larger than `YAMLParser.Limits.maxInputBytes`, or nested too deeply.
        case limit
        /// libyaml could not allocate memory.
        case memory
    }

    /// Which stage failed.
    public var kind: Kind
    /// The file name given to the parser, if any.
    public var file: String?
    /// 1-based line of the problem.
    public var line: Int
    /// 1-based column of the problem.
    public var column: Int
    /// libyaml's problem text, e.g. "mapping values are not allowed in this context".
    public var problem: String
    /// libyaml's context text, e.g. "while scanning a simple key", if any.
    public var context: String?

    /// Creates an error.
    public init(kind: Kind, file: String? = nil, line: Int, column: Int, problem: String, context: String? = nil) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
        self.context = context
    }

    /// One line: `file:line:column: problem (context)`.
    public var description: String {
        let location = "\(file.map { "\($0):" } ?? "")\(line):\(column)"
        return "\(location): \(problem)" + (context.map { " (\($0))" } ?? "")
    }
}
