/// A parsed number constant (Go `parse.NumberNode`): every interpretation the text allows.
struct NumberConst: Sendable {
    var text: String
    var isInt = false, isUint = false, isFloat = false, isComplex = false
    var int64: Int64 = 0
    var uint64: UInt64 = 0
    var float: Double = 0
    var complex: (re: Double, im: Double) = (0, 0)

    /// The value an `int` parameter receives (Go `evalInteger`), nil when not an integer.
    var int: Int? { isInt ? Int(int64) : nil }

    /// Go's `idealConstant`: the value an `interface{}` parameter receives; nil when the
    /// constant overflows `int` (an execution error in Go).
    var ideal: TemplateValue? {
        if isComplex { return .complex(complex.re, complex.im) }
        let isHexInt =
            text.utf8.count > 2 && text.hasPrefix("0")
            && (text.dropFirst().hasPrefix("x") || text.dropFirst().hasPrefix("X"))
            && !text.contains("p") && !text.contains("P")
        if isFloat && !isHexInt && !text.hasPrefix("'") && text.contains(where: { ".eEpP".contains($0) }) {
            return .float(float)
        }
        if isInt { return .int(Int(int64)) }
        return nil
    }
}

/// Go's `strconv` number parsing (base prefixes, underscores, hexadecimal floats) for
/// template constants.
enum GoNumber {
    /// strconv's `underscoreOK`: underscores only between digits (a base prefix counts as a
    /// digit); for literals here and for Sprig's conversions.
    static func underscoreOK(_ text: Substring) -> Bool {
        var s = Array(text.utf8)
        if let f = s.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { s.removeFirst() }
        var saw: UInt8 = UInt8(ascii: "^")
        var i = 0
        var hex = false
        if s.count >= 2, s[0] == 48, [UInt8(ascii: "b"), UInt8(ascii: "o"), UInt8(ascii: "x")].contains(s[1] | 0x20) {
            i = 2
            saw = 48
            hex = s[1] | 0x20 == UInt8(ascii: "x")
        }
        while i < s.count {
            let c = s[i]
            if (c >= 48 && c <= 57) || (hex && (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "f")) {
                saw = 48
            } else if c == UInt8(ascii: "_") {
                if saw != 48 { return false }
                saw = c
            } else {
                if saw == UInt8(ascii: "_") { return false }
                saw = UInt8(ascii: "!")
            }
            i += 1
        }
        return saw != UInt8(ascii: "_")
    }

    /// `strconv.ParseUint(text, 0, 64)` (no sign allowed).
    static func parseUint(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.first != "-", text.first != "+" else { return nil }
        var body = text
        var base: UInt64 = 10
        var prefixed = false
        let lower = text.lowercased()
        if lower.hasPrefix("0x") {
            base = 16
            body = text.dropFirst(2)
            prefixed = true
        } else if lower.hasPrefix("0o") {
            base = 8
            body = text.dropFirst(2)
            prefixed = true
        } else if lower.hasPrefix("0b") {
            base = 2
            body = text.dropFirst(2)
            prefixed = true
        } else if text.count > 1 && text.hasPrefix("0") {
            base = 8
            body = text.dropFirst(1)
            prefixed = true
        }
        if text.contains("_") && !underscoreOK(text) { return nil }
        var value: UInt64 = 0
        var digits = 0
        for c in body.utf8 {
            if c == UInt8(ascii: "_") { continue }
            let d: UInt64
            switch c {
            case 48...57: d = UInt64(c - 48)
            case 97...102: d = UInt64(c - 87)
            case 65...70: d = UInt64(c - 55)
            default: return nil
            }
            guard d < base else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: base)
            let (r, o2) = m.addingReportingOverflow(d)
            if o1 || o2 { return nil }
            value = r
            digits += 1
        }
        if digits == 0 && !(prefixed && base == 8 && !text.lowercased().hasPrefix("0o")) { return nil }
        return value
    }

    /// `strconv.ParseInt(text, 0, 64)`.
    static func parseInt(_ text: Substring) -> Int64? {
        var body = text
        var negative = false
        if body.first == "-" {
            negative = true
            body = body.dropFirst()
        } else if body.first == "+" {
            body = body.dropFirst()
        }
        guard let u = parseUint(body) else { return nil }
        if negative {
            if u > UInt64(Int64.max) + 1 { return nil }
            return u == UInt64(Int64.max) + 1 ? Int64.min : -Int64(u)
        }
        return u > UInt64(Int64.max) ? nil : Int64(u)
    }

    /// `strconv.ParseFloat(text, 64)` for the forms the lexer produces; nil on error or overflow.
    static func parseFloat(_ text: Substring) -> Double? {
        if text.contains("_") {
            guard underscoreOK(text) else { return nil }
        }
        let cleaned = String(text.filter { $0 != "_" })
        let lower = cleaned.lowercased()
        let unsigned = lower.hasPrefix("-") || lower.hasPrefix("+") ? String(lower.dropFirst()) : lower
        guard let first = unsigned.first, first.isASCII, first.isNumber || first == "." else { return nil }
        if unsigned.hasPrefix("0x") {
            guard unsigned.contains("p") else { return nil }
        } else if unsigned.contains("p") || unsigned.hasPrefix("0b") || unsigned.hasPrefix("0o") {
            return nil
        }
        guard let d = Double(cleaned), d.isFinite else { return nil }
        return d
    }
}

/// An operand inside a command.
indirect enum Arg: Sendable {
    case field(pos: Int, names: [String])
    case variable(pos: Int, name: String, names: [String])
    case dot(pos: Int)
    case nilLit(pos: Int)
    case bool(pos: Int, Bool)
    case number(pos: Int, NumberConst)
    case string(pos: Int, quoted: String, value: String)
    case identifier(pos: Int, name: String)
    case pipe(pos: Int, Pipe)
    case chain(pos: Int, Arg, names: [String])

    var pos: Int {
        switch self {
        case .field(let p, _), .variable(let p, _, _), .dot(let p), .nilLit(let p), .bool(let p, _),
            .number(let p, _), .string(let p, _, _), .identifier(let p, _), .pipe(let p, _), .chain(let p, _, _):
            return p
        }
    }

    /// Go's `Node.String()` rendering, used as error context.
    var text: String {
        switch self {
        case .field(_, let names): return names.map { "." + $0 }.joined()
        case .variable(_, let name, let names): return name + names.map { "." + $0 }.joined()
        case .dot: return "."
        case .nilLit: return "nil"
        case .bool(_, let b): return b ? "true" : "false"
        case .number(_, let n): return n.text
        case .string(_, let q, _): return q
        case .identifier(_, let n): return n
        case .pipe(_, let p): return "(" + p.text + ")"
        case .chain(_, let a, let names): return a.text + names.map { "." + $0 }.joined()
        }
    }
}

/// One command of a pipeline: an operand or a function call with arguments.
struct Command: Sendable {
    var pos: Int
    var args: [Arg]
    var text: String { args.map(\.text).joined(separator: " ") }
}

/// A pipeline, optionally declaring or assigning variables.
struct Pipe: Sendable {
    var pos: Int
    var decl: [String] = []
    var isAssign = false
    var cmds: [Command] = []
    var text: String {
        var s = ""
        if !decl.isEmpty { s = decl.joined(separator: ", ") + (isAssign ? " = " : " := ") }
        return s + cmds.map(\.text).joined(separator: " | ")
    }
}

/// A node of a template body.
indirect enum TNode: Sendable {
    case text(String, pos: Int)
    case action(Pipe)
    case ifNode(Pipe, [TNode], [TNode]?)
    case rangeNode(Pipe, [TNode], [TNode]?)
    case withNode(Pipe, [TNode], [TNode]?)
    case template(pos: Int, name: String, pipe: Pipe?)
    case breakNode(pos: Int)
    case continueNode(pos: Int)
}

struct ParseFailure: Error {
    var message: String
    var pos: Int
    var kind: TemplateError.Kind = .parse
}

/// Recursive-descent parser mirroring Go's `text/template/parse`.
struct TemplateParser {
    private var toks: [Token]
    private var p = 0
    private var vars: [String] = ["$"]
    private var rangeDepth = 0
    private var nesting = 0
    private let functions: Set<String>
    var defines: [ByteName: [TNode]] = [:]

    static let maxNesting = 200

    init(tokens: [Token], functions: Set<String>) {
        toks = tokens
        self.functions = functions
    }

    private func peek() -> Token { toks[min(p, toks.count - 1)] }
    private mutating func next() -> Token {
        let t = peek()
        p += 1
        return t
    }
    private func fail(_ msg: String, _ t: Token) -> ParseFailure { ParseFailure(message: msg, pos: t.pos) }

    private static func describe(_ t: Token) -> String {
        switch t.kind {
        case .text(let s): return "\"\(s)\""
        case .leftDelim: return "\"{{\""
        case .rightDelim: return "\"}}\""
        case .identifier(let s), .keyword(let s): return "<\(s)>"
        case .boolLit(let b): return "\"\(b)\""
        case .nilLit: return "\"nil\""
        case .field(let s): return "<.\(s)>"
        case .variable(let s): return "\"\(s)\""
        case .dot: return "<.>"
        case .string(let q, _): return q
        case .number(let n), .charConst(let n): return "\"\(n)\""
        case .pipe: return "\"|\""
        case .leftParen: return "\"(\""
        case .rightParen: return "\")\""
        case .comma: return "\",\""
        case .char(let c): return GoFormat.quote(c)
        case .declare: return "\":=\""
        case .assign: return "\"=\""
        case .eof: return "EOF"
        }
    }

    /// Parses the whole input; returns the main body and fills `defines`.
    mutating func parseMain() throws(ParseFailure) -> [TNode] {
        var root: [TNode] = []
        while true {
            let t = peek()
            if case .eof = t.kind { return root }
            if case .leftDelim = t.kind, case .keyword("define") = toks[p + 1].kind {
                p += 2
                try parseDefinition()
                continue
            }
            let (node, term) = try textOrAction()
            if let term {
                throw fail("unexpected \(term.label)", term.token)
            }
            if let node { root.append(node) }
        }
    }

    struct Terminator {
        var label: String  // "{{end}}" or "{{else}}"
        var token: Token
        var elseKeyword: String?  // "if"/"with" for `else if`/`else with`
    }

    /// Returns a node, or a terminator (`end` / `else`).
    private mutating func textOrAction() throws(ParseFailure) -> (TNode?, Terminator?) {
        let t = next()
        switch t.kind {
        case .text(let s): return (.text(s, pos: t.pos), nil)
        case .leftDelim: return try action(t)
        case .eof: throw fail("unexpected EOF", t)
        default: throw fail("unexpected \(Self.describe(t)) in input", t)
        }
    }

    private mutating func itemList() throws(ParseFailure) -> ([TNode], Terminator) {
        var list: [TNode] = []
        while true {
            if case .eof = peek().kind { throw fail("unexpected EOF", peek()) }
            if case .leftDelim = peek().kind, case .keyword("define") = toks[p + 1].kind {
                throw fail("unexpected <define> in command", toks[p + 1])
            }
            let (node, term) = try textOrAction()
            if let term { return (list, term) }
            if let node { list.append(node) }
        }
    }

    private mutating func expectRightDelim(_ context: String) throws(ParseFailure) {
        let t = next()
        guard case .rightDelim = t.kind else { throw fail("unexpected \(Self.describe(t)) in \(context)", t) }
    }

    private mutating func action(_ open: Token) throws(ParseFailure) -> (TNode?, Terminator?) {
        let t = peek()
        if case .keyword(let kw) = t.kind {
            p += 1
            switch kw {
            case "end":
                try expectRightDelim("end")
                return (nil, Terminator(label: "{{end}}", token: t))
            case "else":
                if case .keyword(let k2) = peek().kind, k2 == "if" || k2 == "with" {
                    return (nil, Terminator(label: "{{else}}", token: t, elseKeyword: k2))
                }
                try expectRightDelim("else")
                return (nil, Terminator(label: "{{else}}", token: t))
            case "if", "range", "with":
                return (try control(kw, at: t), nil)
            case "break", "continue":
                guard rangeDepth > 0 else { throw fail("{{\(kw)}} outside {{range}}", t) }
                try expectRightDelim(kw)
                return (kw == "break" ? .breakNode(pos: t.pos) : .continueNode(pos: t.pos), nil)
            case "template", "block":
                return (try templateCall(kw, at: t), nil)
            default:
                throw fail("unexpected <\(kw)> in operand", t)
            }
        }
        let pipe = try pipeline("command", allowDecl: true)
        return (.action(pipe), nil)
    }

    private mutating func control(_ kw: String, at t: Token) throws(ParseFailure) -> TNode {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maxNesting { throw fail("template nesting too deep", t) }
        let savedVars = vars.count
        defer { vars.removeLast(vars.count - savedVars) }
        let pipe = try pipeline(kw, allowDecl: true)
        if kw == "range" { rangeDepth += 1 }
        let (list, term) = try itemList()
        if kw == "range" { rangeDepth -= 1 }
        var elseList: [TNode]? = nil
        if term.label == "{{else}}" {
            if let k2 = term.elseKeyword {
                guard k2 == kw || (kw == "range" && false) else { throw fail("unexpected <\(k2)> in else", term.token) }
                // `{{else if ...}}` / `{{else with ...}}`: a nested control sharing our {{end}}.
                let kwTok = next()
                elseList = [try control(k2, at: kwTok)]
            } else {
                let (l2, t2) = try itemList()
                guard t2.label == "{{end}}" else { throw fail("expected end; found \(t2.label)", t2.token) }
                elseList = l2
            }
        }
        switch kw {
        case "if": return .ifNode(pipe, list, elseList)
        case "range": return .rangeNode(pipe, list, elseList)
        default: return .withNode(pipe, list, elseList)
        }
    }

    private mutating func templateName(_ context: String) throws(ParseFailure) -> String {
        let t = next()
        guard case .string(_, let v) = t.kind else {
            throw fail("unexpected \(Self.describe(t)) in \(context) clause", t)
        }
        return v
    }

    private mutating func templateCall(_ kw: String, at t: Token) throws(ParseFailure) -> TNode {
        let nameTok = peek()
        let name = try templateName(kw)
        var pipe: Pipe? = nil
        if case .rightDelim = peek().kind { p += 1 } else { pipe = try pipeline(kw, allowDecl: false) }
        if kw == "block" { try definitionBody(name, at: t, context: "block clause") }
        return .template(pos: nameTok.pos, name: name, pipe: pipe)
    }

    private mutating func parseDefinition() throws(ParseFailure) {
        let name = try templateName("define")
        let at = toks[p - 1]
        try expectRightDelim("define clause")
        try definitionBody(name, at: at, context: "definition")
    }

    /// The body of `define` or `block` up to its `{{end}}`: a template of its own, where only `$`
    /// is declared and no `range` encloses it.
    private mutating func definitionBody(_ name: String, at: Token, context: String) throws(ParseFailure) {
        let savedVars = vars
        let savedRange = rangeDepth
        vars = ["$"]
        rangeDepth = 0
        let (list, term) = try itemList()
        vars = savedVars
        rangeDepth = savedRange
        guard term.label == "{{end}}" else { throw fail("unexpected \(term.label) in \(context)", term.token) }
        try add(name, list, at: at)
    }

    private static func isEmpty(_ list: [TNode]) -> Bool {
        list.allSatisfy { if case .text(let s, _) = $0 { return s.allSatisfy(\.isWhitespace) } else { return false } }
    }

    private mutating func add(_ name: String, _ list: [TNode], at t: Token) throws(ParseFailure) {
        if let old = defines[ByteName(name)], !Self.isEmpty(old) {
            if Self.isEmpty(list) { return }
            throw fail("template: multiple definition of template \"\(name)\"", t)
        }
        defines[ByteName(name)] = list
    }

    /// Parses a pipeline up to `}}` (or `)` for parenthesized pipelines).
    private mutating func pipeline(_ context: String, allowDecl: Bool, endParen: Bool = false) throws(ParseFailure)
        -> Pipe
    {
        var pipe = Pipe(pos: peek().pos)
        if allowDecl, case .variable(let v) = peek().kind {
            let after = toks[min(p + 1, toks.count - 1)]
            switch after.kind {
            case .declare, .assign:
                p += 2
                pipe.isAssign = after.kind == .assign
                pipe.decl.append(v)
                vars.append(v)  // as Go's parser: an assignment to an undeclared variable fails when executed
            case .comma where context == "range":
                guard case .variable(let v2) = toks[min(p + 2, toks.count - 1)].kind else {
                    throw fail("range can only initialize variables", toks[min(p + 2, toks.count - 1)])
                }
                let op = toks[min(p + 3, toks.count - 1)]
                if case .comma = op.kind { throw fail("too many declarations in range", op) }
                guard op.kind == .declare || op.kind == .assign else {
                    throw fail("expected := or = after variables in range", op)
                }
                p += 4
                pipe.isAssign = op.kind == .assign
                pipe.decl = [v, v2]
                if !pipe.isAssign {
                    vars.append(v)
                    vars.append(v2)
                }
            case .comma:
                throw fail("too many declarations in \(context)", after)
            default: break
            }
        }
        while true {
            let t = peek()
            switch t.kind {
            case .rightDelim where !endParen, .rightParen where endParen:
                p += 1
                if pipe.cmds.isEmpty { throw fail("missing value for \(context)", t) }
                for (i, c) in pipe.cmds.enumerated().dropFirst() {
                    switch c.args[0] {
                    case .bool, .dot, .nilLit, .number, .string:
                        throw ParseFailure(message: "non executable command in pipeline stage \(i + 1)", pos: c.pos)
                    default: break
                    }
                }
                return pipe
            case .boolLit, .charConst, .dot, .field, .identifier, .number, .nilLit, .string, .variable, .leftParen:
                pipe.cmds.append(try command(endParen: endParen))
            default:
                throw fail("unexpected \(Self.describe(t)) in \(context)", t)
            }
        }
    }

    private mutating func command(endParen: Bool) throws(ParseFailure) -> Command {
        var cmd = Command(pos: peek().pos, args: [])
        while true {
            guard let operand = try operand() else { break }
            cmd.args.append(operand)
            let t = peek()
            switch t.kind {
            case .rightDelim, .rightParen: break
            case .pipe:
                p += 1
                if cmd.args.isEmpty { throw fail("empty command", t) }
                return cmd
            default:
                if !t.spaceBefore { throw fail("unexpected \(Self.describe(t)) in operand", t) }
                continue
            }
            break
        }
        if cmd.args.isEmpty { throw fail("empty command", peek()) }
        // Go reads the token after the operands: anything but the end of the command is an
        // operand it could not read.
        switch peek().kind {
        case .rightDelim, .rightParen, .pipe: break
        default: throw fail("unexpected \(Self.describe(peek())) in operand", peek())
        }
        return cmd
    }

    private mutating func operand() throws(ParseFailure) -> Arg? {
        guard let term = try term() else { return nil }
        var names: [String] = []
        // Go gives a chained operand the position of its first chained field (`.b` in `.a.b.c`).
        let chainPos = peek().pos
        while case .field(let f) = peek().kind, !peek().spaceBefore {
            names.append(f)
            p += 1
        }
        if names.isEmpty { return term }
        switch term {
        case .field(_, let n): return .field(pos: chainPos, names: n + names)
        case .variable(_, let v, let n): return .variable(pos: chainPos, name: v, names: n + names)
        case .bool, .string, .number, .nilLit, .dot:
            throw ParseFailure(message: "unexpected . after term \(GoFormat.quote(term.text))", pos: term.pos)
        default: return .chain(pos: term.pos, term, names: names)
        }
    }

    private mutating func term() throws(ParseFailure) -> Arg? {
        let t = peek()
        switch t.kind {
        case .identifier(let name):
            p += 1
            guard functions.contains(name) else { throw fail("function \"\(name)\" not defined", t) }
            return .identifier(pos: t.pos, name: name)
        case .dot:
            p += 1
            return .dot(pos: t.pos)
        case .nilLit:
            p += 1
            return .nilLit(pos: t.pos)
        case .variable(let v):
            p += 1
            guard vars.contains(where: { sameBytes($0, v) }) else { throw fail("undefined variable \"\(v)\"", t) }
            return .variable(pos: t.pos, name: v, names: [])
        case .field(let f):
            p += 1
            return .field(pos: t.pos, names: [f])
        case .boolLit(let b):
            p += 1
            return .bool(pos: t.pos, b)
        case .number(let text), .charConst(let text):
            p += 1
            do { return .number(pos: t.pos, try Self.parseNumber(text)) } catch { throw fail(error.message, t) }
        case .leftParen:
            p += 1
            nesting += 1
            defer { nesting -= 1 }
            if nesting > Self.maxNesting { throw fail("expression nesting too deep", t) }
            let pipe = try pipeline("parenthesized pipeline", allowDecl: false, endParen: true)
            return .pipe(pos: t.pos, pipe)
        case .string(let q, let v):
            p += 1
            return .string(pos: t.pos, quoted: q, value: v)
        default: return nil
        }
    }

    /// Go `parse.newNumber`; throws Go's message for text that is no number.
    static func parseNumber(_ text: String) throws(ParseFailure) -> NumberConst {
        var n = NumberConst(text: text)
        func fail(_ message: String) -> ParseFailure { ParseFailure(message: message, pos: 0) }
        if text.hasPrefix("'") {
            let inner = Array(text.utf8.dropFirst().dropLast())
            var s: String?
            if inner.first == UInt8(ascii: "\\") {
                if inner.count == 2 && inner[1] == UInt8(ascii: "'") {
                    s = "'"
                } else {
                    s = TemplateLexer.unquote(inner)
                }
            } else {
                s = String(decoding: inner, as: UTF8.self)
            }
            // strconv.UnquoteChar's syntax error, or text left after the one character.
            guard let str = s, let u = str.unicodeScalars.first else { throw fail("invalid syntax") }
            guard str.unicodeScalars.count == 1 else { throw fail("malformed character constant: \(text)") }
            n.isInt = true
            n.int64 = Int64(u.value)
            n.isUint = true
            n.uint64 = UInt64(u.value)
            n.isFloat = true
            n.float = Double(u.value)
            return n
        }
        func simplifyComplex() {
            n.isFloat = n.complex.im == 0
            if n.isFloat {
                n.float = n.complex.re
                if let i = Int64(exactly: n.float) {
                    n.isInt = true
                    n.int64 = i
                }
                if let u = UInt64(exactly: n.float) {
                    n.isUint = true
                    n.uint64 = u
                }
            }
        }
        let body = Substring(text)
        if text.hasSuffix("i") {
            let mantissa = body.dropLast()
            if let f = GoNumber.parseFloat(mantissa) {
                n.isComplex = true
                n.complex = (0, f)
                simplifyComplex()
                return n
            }
            // "1+2i": a real part, a signed imaginary part.
            let bytes = Array(mantissa.utf8)
            var split: Int? = nil
            for k in stride(from: bytes.count - 1, to: 0, by: -1)
            where bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "-") {
                let prev = bytes[k - 1] | 0x20
                if prev == UInt8(ascii: "e") || prev == UInt8(ascii: "p") { continue }
                split = k
                break
            }
            if let k = split,
                let re = GoNumber.parseFloat(Substring(String(decoding: bytes[..<k], as: UTF8.self))),
                let im = GoNumber.parseFloat(Substring(String(decoding: bytes[k...], as: UTF8.self)))
            {
                n.isComplex = true
                n.complex = (re, im)
                simplifyComplex()
                return n
            }
            throw fail("illegal number syntax: \(GoFormat.quote(text))")
        }
        if let u = GoNumber.parseUint(body) {
            n.isUint = true
            n.uint64 = u
        }
        if let i = GoNumber.parseInt(body) {
            n.isInt = true
            n.int64 = i
        }
        if n.isInt {
            n.isFloat = true
            n.float = Double(n.int64)
        } else if n.isUint {
            n.isFloat = true
            n.float = Double(n.uint64)
        } else if let f = GoNumber.parseFloat(body) {
            if !text.contains(where: { ".eEpP".contains($0) }) {
                throw fail("integer overflow: \(GoFormat.quote(text))")
            }
            n.isFloat = true
            n.float = f
            if let i = Int64(exactly: f) {
                n.isInt = true
                n.int64 = i
            }
            if let u = UInt64(exactly: f) {
                n.isUint = true
                n.uint64 = u
            }
        }
        if !n.isInt && !n.isUint && !n.isFloat { throw fail("illegal number syntax: \(GoFormat.quote(text))") }
        return n
    }
}
