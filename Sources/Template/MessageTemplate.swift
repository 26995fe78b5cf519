/// A parsed commit message template: Go `text/template` plus Sprig's hermetic functions.
public struct MessageTemplate: Sendable {
    /// Template name used in error messages (`template: <name>:line:col: ...`).
    public let name: String
    /// The template source.
    public let source: String
    let root: [TNode]
    let defines: [ByteName: [TNode]]

    static let functions: [String: TemplateFunction] = TemplateBuiltins.all.merging(TemplateSprig.all) { _, sprig in
        sprig
    }
    static let functionNames: Set<String> = Set(functions.keys).union(["and", "or"])

    /// Parses `source`; throws `.parse` for syntax errors. Reading a field the data model
    /// removed (`TemplateRecord.removedFields`) fails when it is executed, as in Go.
    public init(_ source: String, name: String = "message") throws(TemplateError) {
        self.name = name
        self.source = source
        // Go's parse errors name the line only; the column stays in `TemplateError` for locations.
        let located = { (pos: Int, message: String, kind: TemplateError.Kind) -> TemplateError in
            let (line, col) = Self.location(in: source, pos)
            if kind == .removedField { return TemplateError(kind: kind, message: message, line: line, column: col) }
            return TemplateError(kind: kind, message: "template: \(name):\(line): \(message)", line: line, column: col)
        }
        var lexer = TemplateLexer(source)
        var tokens: [Token]
        var lexFailure: LexError?
        do { tokens = try lexer.tokenize() } catch {
            lexFailure = error
            tokens = lexer.tokensBeforeError()
        }
        var parser = TemplateParser(tokens: tokens, functions: Self.functionNames)
        do {
            root = try parser.parseMain()
            defines = parser.defines
        } catch {
            if let lexFailure, let end = tokens.last?.pos, error.pos >= end {
                throw located(lexFailure.pos, lexFailure.message, .parse)
            }
            throw located(error.pos, error.message, error.kind)
        }
        if let lexFailure { throw located(lexFailure.pos, lexFailure.message, .parse) }
    }

    /// Executes the template against `data` (`.null` behaves like Go's nil data).
    public func render(_ data: TemplateValue, limits: TemplateLimits = .init()) throws(TemplateError) -> String {
        let executor = TemplateExecutor(
            source: source, parseName: name, defines: defines, limits: limits, functions: Self.functions)
        return try executor.run(root, data: data)
    }

    static func location(in source: String, _ pos: Int) -> (line: Int, column: Int) {
        var line = 1
        var lastNL = -1
        var k = 0
        for b in source.utf8 {
            if k >= pos { break }
            if b == 10 {
                line += 1
                lastNL = k
            }
            k += 1
        }
        return (line, pos - lastNL - 1)
    }
}
