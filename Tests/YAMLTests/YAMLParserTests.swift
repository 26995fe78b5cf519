import Testing
import YAML

@Suite struct YAMLParserTests {
    private func text(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    private func scalars(_ stream: YAMLStream) -> [YAMLNode] {
        stream.nodes.filter { $0.scalarValue != nil }
    }

    @Test func libyamlIndicesAreCharactersAndAreConvertedToBytes() throws {
        // Multi-byte characters before a scalar: libyaml's index would be 9 bytes short here.
        let bytes = Array("# 컨테이너 ünïcödé\nkey: välue # ✓\nnext: 'x'\n".utf8)
        let stream = try YAMLParser().parse(bytes)
        let nodes = scalars(stream)
        #expect(nodes.map(\.scalarValue) == ["key", "välue", "next", "x"])
        #expect(text(bytes, nodes[1].contentByteRange) == "välue")
        #expect(text(bytes, nodes[3].contentByteRange) == "'x'")
        #expect(nodes[1].start.line == 2 && nodes[1].start.column == 6)
        #expect(nodes[3].start.line == 3 && nodes[3].start.column == 7)
    }

    @Test func byteOrderMarkIsCountedInOffsets() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a: b\n".utf8)
        let stream = try YAMLParser().parse(bytes)
        let nodes = scalars(stream)
        #expect(nodes.map(\.scalarValue) == ["a", "b"])
        #expect(text(bytes, nodes[1].contentByteRange) == "b")
        #expect(nodes[0].start.offset == 3)
    }

    @Test(arguments: [
        ("k: &a v\n", "v"),
        ("k: !!str v\n", "v"),
        ("k: &a !t 'q'\n", "'q'"),
        ("k: !t &a\n  \"dq\"\n", "\"dq\""),
        ("k: &a # comment\n  v\n", "v"),
        ("- &x [1, 2]\n", "[1, 2]"),
    ])
    func contentStartSkipsProperties(source: String, expected: String) throws {
        let bytes = Array(source.utf8)
        let stream = try YAMLParser().parse(bytes)
        let node = try #require(stream.nodes.first { $0.anchor != nil || $0.tag != nil })
        #expect(text(bytes, node.contentByteRange) == expected)
        #expect(node.start.offset < node.contentStart.offset)
    }

    @Test func structureStylesTagsAnchorsAndAliases() throws {
        let source = """
            a: &x plain
            b: *x
            c: 'single'
            d: "double"
            e: |
              lit
            f: >
              fold
            g: [1, {h: i}]
            ---
            - !!str 1
            """
        let stream = try YAMLParser().parse(Array(source.utf8))
        #expect(stream.documents.count == 2)
        #expect(stream.documents[1].explicitStart)
        let root = try #require(stream.documents[0].root)
        #expect(stream.pairs(of: root).count == 7)
        #expect(stream.scalar(atPath: ["c"], from: root) == "single")
        let styles = stream.nodes.compactMap(\.scalarStyle)
        #expect(styles.contains(.literal) && styles.contains(.folded) && styles.contains(.doubleQuoted))
        #expect(stream.nodes.contains { $0.kind == .alias(anchor: "x") })
        #expect(stream.nodes.contains { $0.kind == .mapping(.flow) })
        #expect(stream.nodes.contains { $0.tag == "tag:yaml.org,2002:str" })
        #expect(stream.nodes.filter { $0.document == 1 }.count == 2)
    }

    @Test func aliasBombIsNotExpanded() throws {
        // Ten levels of ten aliases each would expand to 10^10 scalars.
        let names = (0..<10).map { "n\($0)" }
        var source = "n0: &n0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<10 {
            let items = Array(repeating: "*\(names[level - 1])", count: 10).joined(separator: ", ")
            source += "\(names[level]): &\(names[level]) [\(items)]\n"
        }
        let stream = try YAMLParser().parse(Array(source.utf8))
        #expect(stream.nodes.count < 200)
        #expect(stream.nodes.filter { $0.kind == .alias(anchor: "n8") }.count == 10)
    }

    @Test(arguments: [
        ("a: b: c\n", 1, 5, "mapping values are not allowed in this context"),
        ("a: 'x\n", 2, 1, "found unexpected end of stream"),
        ("a:\n  - b\n c: d\n", 3, 2, "did not find expected key"),
    ])
    func errorsCarryLocationAndProblem(source: String, line: Int, column: Int, problem: String) {
        #expect {
            try YAMLParser().parse(Array(source.utf8), file: "f.yaml")
        } throws: { error in
            guard let error = error as? YAMLParseError else { return false }
            return error.line == line && error.column == column && error.problem == problem
                && error.description.hasPrefix("f.yaml:\(line):\(column): \(problem)")
        }
    }

    @Test func invalidUTF8IsAReaderError() {
        #expect(throws: YAMLParseError.self) { try YAMLParser().parse([0x61, 0x3A, 0x20, 0xFF, 0x0A]) }
    }

    @Test func limits() {
        let small = YAMLParser(limits: .init(maxInputBytes: 4, maxDepth: 3))
        #expect(throws: YAMLParseError.self) { try small.parse(Array("a: bcdef".utf8)) }
        let shallow = YAMLParser(limits: .init(maxInputBytes: 100, maxDepth: 3))
        #expect(throws: YAMLParseError.self) { try shallow.parse(Array("[[[[1]]]]".utf8)) }
        #expect(throws: YAMLParseError.self) { try YAMLParser().parse([0xFF, 0xFE, 0x61, 0x00]) }
        #expect((try? shallow.parse(Array("[[1]]".utf8))) != nil)
    }

    @Test func emptyAndCommentOnlyInputs() throws {
        #expect(try YAMLParser().parse([]).documents.isEmpty)
        #expect(try YAMLParser().parse(Array("# only\n".utf8)).nodes.isEmpty)
    }

    @Test func crlfOffsets() throws {
        let bytes = Array("a: x\r\nb: 'y'\r\n".utf8)
        let nodes = scalars(try YAMLParser().parse(bytes))
        #expect(text(bytes, nodes[3].contentByteRange) == "'y'")
        #expect(nodes[3].start.line == 2)
    }
}
