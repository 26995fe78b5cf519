/// A position in the parsed input.
public struct YAMLMark: Sendable, Hashable, Codable {
    /// Byte offset into the input bytes (a UTF-8 BOM, if present, counts).
    public var offset: Int
    /// 1-based line (libyaml's line breaks: LF, CRLF, CR, NEL, LS, PS).
    public var line: Int
    /// 1-based column, counted in Unicode scalars as an editor shows it.
    public var column: Int

    /// Creates a mark.
    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }
}

/// How a scalar is written in the source.
public enum YAMLScalarStyle: String, Sendable, Hashable, Codable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// How a collection is written in the source.
public enum YAMLCollectionStyle: String, Sendable, Hashable, Codable {
    case block, flow
}

/// One node of a parsed stream. Nodes live in a flat array (`YAMLStream.nodes`) in document
/// order and refer to each other by index, so deep documents never recurse in Swift code.
public struct YAMLNode: Sendable, Hashable {
    /// The node kind with its kind-specific data.
    public enum Kind: Sendable, Hashable {
        /// A scalar with its decoded value and source style.
        case scalar(value: String, style: YAMLScalarStyle)
        /// A sequence; items are `children`.
        case sequence(YAMLCollectionStyle)
        /// A mapping; `children` alternate key, value, key, value …
        case mapping(YAMLCollectionStyle)
        /// An alias (`*name`); never expanded.
        case alias(anchor: String)
    }

    /// What the node is.
    public var kind: Kind
    /// The explicit tag as libyaml resolved it (`tag:yaml.org,2002:str` for `!!str`), if any.
    public var tag: String?
    /// The anchor name (`&name`), if any.
    public var anchor: String?
    /// Start of the node including its properties (anchor, tag).
    public var start: YAMLMark
    /// Start of the node's own text after any properties; equal to `start` without properties.
    public var contentStart: YAMLMark
    /// End of the node (exclusive). For block scalars this includes trailing line breaks.
    public var end: YAMLMark
    /// Index of the parent collection in `YAMLStream.nodes`, nil for a document root.
    public var parent: Int?
    /// Child indices (collections only).
    public var children: [Int]
    /// Index of the document in `YAMLStream.documents`.
    public var document: Int

    /// The decoded value if this is a scalar.
    public var scalarValue: String? {
        if case .scalar(let value, _) = kind { return value }
        return nil
    }

    /// The style if this is a scalar.
    public var scalarStyle: YAMLScalarStyle? {
        if case .scalar(_, let style) = kind { return style }
        return nil
    }

    /// Byte range of the node's own text (`contentStart..<end`).
    public var contentByteRange: Range<Int> { contentStart.offset..<max(contentStart.offset, end.offset) }
}

/// One document of a stream.
public struct YAMLDocument: Sendable, Hashable {
    /// Index of the root node, nil only for documents libyaml reports without content.
    public var root: Int?
    /// Where the document starts (at `---` when explicit).
    public var start: YAMLMark
    /// Where the document ends.
    public var end: YAMLMark
    /// Whether the document began with `---`.
    public var explicitStart: Bool
    /// Whether the document ended with `...`.
    public var explicitEnd: Bool
}

/// A parsed YAML stream: documents and a flat node table.
public struct YAMLStream: Sendable, Hashable {
    /// Documents in order.
    public var documents: [YAMLDocument]
    /// All nodes in document order (parents before children).
    public var nodes: [YAMLNode]

    /// Creates a stream.
    public init(documents: [YAMLDocument], nodes: [YAMLNode]) {
        self.documents = documents
        self.nodes = nodes
    }

    /// Key/value index pairs of a mapping node (empty for other kinds).
    public func pairs(of mapping: Int) -> [(key: Int, value: Int)] {
        guard nodes.indices.contains(mapping), case .mapping = nodes[mapping].kind else { return [] }
        let children = nodes[mapping].children
        return stride(from: 0, to: children.count - 1, by: 2).map { (children[$0], children[$0 + 1]) }
    }

    /// The value node for a scalar key in a mapping (the first match), if any.
    public func value(forKey key: String, in mapping: Int) -> Int? {
        pairs(of: mapping).first { nodes[$0.key].scalarValue == key }?.value
    }

    /// Follows a path of scalar keys from a mapping and returns the scalar value found, if any.
    public func scalar(atPath path: [String], from mapping: Int) -> String? {
        var current = mapping
        for key in path {
            guard let next = value(forKey: key, in: current) else { return nil }
            current = next
        }
        return nodes[current].scalarValue
    }
}
