/// A parsed commit message template: Go `text/template` plus Sprig's hermetic functions.
public struct MessageTemplate: Sendable {
    /// Template name used in error messages (`template: <name>:line:col: ...`).
    public let name: String
    /// The template source.
    public let source: String
    let root: [TNode]
    let defines: [String: [TNode]]

    static let functions: [String: TemplateFunction] = TemplateBuiltins.all.merging(TemplateSprig.all) { _, sprig in sprig }
    static let functionNames: Set<String> = Set(functions.keys).union(["and", "or"])

    /// Parses `source`. Throws `.parse` for syntax errors and `.removedField` with the given
    /// message when the template reads one of `removedRootFields` (a field path from the root
    /// data, e.g. `["Updated"]`) where `.` is known to be the root.
    public init(_ source: String, name: String = "message", removedRootFields: [[String]: String] = [:]) throws(TemplateError) {
        self.name = name
        self.source = source
        let located = { (pos: Int, message: String, kind: TemplateError.Kind) -> TemplateError in
            let (line, col) = Self.location(in: source, pos)
            if kind == .removedField { return TemplateError(kind: kind, message: message, line: line, column: col) }
            return TemplateError(kind: kind, message: "template: \(name):\(line):\(col): \(message)", line: line, column: col)
        }
        var lexer = TemplateLexer(source)
        let tokens: [Token]
        do { tokens = try lexer.tokenize() } catch { throw located(error.pos, error.message, .parse) }
        var parser = TemplateParser(tokens: tokens, functions: Self.functionNames)
        do {
            root = try parser.parseMain()
            defines = parser.defines
        } catch { throw located(error.pos, error.message, error.kind) }
        if !removedRootFields.isEmpty, let (pos, message) = RemovedFieldCheck(removed: removedRootFields).scan(root) {
            throw located(pos, message, .removedField)
        }
    }

    /// Executes the template against `data` (`.null` behaves like Go's nil data).
    public func render(_ data: TemplateValue, limits: TemplateLimits = .init()) throws(TemplateError) -> String {
        let executor = TemplateExecutor(source: source, parseName: name, defines: defines, limits: limits, functions: Self.functions)
        return try executor.run(root, data: data)
    }

    static func location(in source: String, _ pos: Int) -> (line: Int, column: Int) {
        var line = 1, lastNL = -1, k = 0
        for b in source.utf8 {
            if k >= pos { break }
            if b == 10 { line += 1; lastNL = k }
            k += 1
        }
        return (line, pos - lastNL - 1)
    }
}

/// Static detection of removed fields in the main template body, where `.` is known to be
/// the root data (outside `range`/`with` bodies) or via `$`.
struct RemovedFieldCheck {
    let removed: [[String]: String]

    func scan(_ list: [TNode]) -> (Int, String)? {
        walk(list, dotIsRoot: true)
    }

    private func check(_ names: [String], _ pos: Int) -> (Int, String)? {
        for (path, message) in removed where names.starts(with: path) { return (pos, message) }
        return nil
    }

    private func arg(_ a: Arg, _ root: Bool) -> (Int, String)? {
        switch a {
        case .field(let pos, let names): return root ? check(names, pos) : nil
        case .variable(let pos, let name, let names): return name == "$" ? check(names, pos) : nil
        case .pipe(_, let p): return pipe(p, root)
        case .chain(_, let inner, _): return arg(inner, root)
        default: return nil
        }
    }

    private func pipe(_ p: Pipe?, _ root: Bool) -> (Int, String)? {
        guard let p else { return nil }
        for c in p.cmds { for a in c.args { if let hit = arg(a, root) { return hit } } }
        return nil
    }

    private func walk(_ list: [TNode]?, dotIsRoot: Bool) -> (Int, String)? {
        for node in list ?? [] {
            let hit: (Int, String)?
            switch node {
            case .action(let p): hit = pipe(p, dotIsRoot)
            case .ifNode(let p, let l, let e):
                hit = pipe(p, dotIsRoot) ?? walk(l, dotIsRoot: dotIsRoot) ?? walk(e, dotIsRoot: dotIsRoot)
            case .rangeNode(let p, let l, let e), .withNode(let p, let l, let e):
                hit = pipe(p, dotIsRoot) ?? walk(l, dotIsRoot: false) ?? walk(e, dotIsRoot: dotIsRoot)
            case .template(_, _, let p): hit = pipe(p, dotIsRoot)
            default: hit = nil
            }
            if let hit { return hit }
        }
        return nil
    }
}
