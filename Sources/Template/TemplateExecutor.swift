/// Evaluation value: `nil` is Go's invalid reflect.Value (a missing map key, nil data),
/// `.null` is a nil interface.
typealias EvalValue = TemplateValue?

/// Parameter kinds of template functions (Go parameter types).
enum ParamType {
    case value  // reflect.Value: receives missing values as-is
    case any  // interface{}
    case string
    case int
    case bool
    case stringMap  // map[string]interface{}

    var goName: String {
        switch self {
        case .value: return "reflect.Value"
        case .any: return "interface {}"
        case .string: return "string"
        case .int: return "int"
        case .bool: return "bool"
        case .stringMap: return "map[string]interface {}"
        }
    }
}

/// An error raised by a function body; the executor adds name and location.
struct FuncError: Error {
    var message: String
    var kind: TemplateError.Kind = .execute
    init(_ message: String, kind: TemplateError.Kind = .execute) {
        self.message = message
        self.kind = kind
    }
}

/// A template function.
struct TemplateFunction: Sendable {
    var params: [ParamType]
    var variadic: ParamType? = nil
    var body: @Sendable (_ args: [EvalValue], _ limits: TemplateLimits) throws(FuncError) -> EvalValue
}

private enum Flow { case normal, breakLoop, continueLoop }

/// Walks a parsed template, Go `text/template/exec.go` style.
final class TemplateExecutor {
    private let source: [UInt8]
    private let parseName: String
    private let defines: [ByteName: [TNode]]
    private let limits: TemplateLimits
    private let functions: [String: TemplateFunction]
    private var vars: [(name: String, value: EvalValue)] = []
    private var output: [UInt8] = []
    private var steps = 0
    private var depth = 0
    private var executing: String

    init(
        source: String, parseName: String, defines: [ByteName: [TNode]], limits: TemplateLimits,
        functions: [String: TemplateFunction]
    ) {
        self.source = Array(source.utf8)
        self.parseName = parseName
        self.defines = defines
        self.limits = limits
        self.functions = functions
        self.executing = parseName
    }

    func run(_ root: [TNode], data: TemplateValue) throws(TemplateError) -> String {
        let dot: EvalValue = data == .null ? nil : data
        vars = [("$", dot)]
        _ = try walkList(dot, root)
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: errors

    func location(_ pos: Int) -> (line: Int, column: Int) {
        var line = 1
        var lastNL = -1
        var k = 0
        let end = min(pos, source.count)
        while k < end {
            if source[k] == 10 {
                line += 1
                lastNL = k
            }
            k += 1
        }
        return (line, pos - lastNL - 1)
    }

    private func error(_ pos: Int, _ context: String, _ message: String, kind: TemplateError.Kind = .execute)
        -> TemplateError
    {
        let (line, col) = location(pos)
        if kind == .removedField { return TemplateError(kind: kind, message: message, line: line, column: col) }
        return TemplateError(
            kind: kind,
            message: "template: \(parseName):\(line):\(col): executing \"\(executing)\" at <\(context)>: \(message)",
            line: line, column: col)
    }

    private func step(_ pos: Int, _ context: @autoclosure () -> String) throws(TemplateError) {
        steps += 1
        if steps > limits.maxSteps {
            throw error(pos, context(), "exceeded maximum of \(limits.maxSteps) evaluation steps", kind: .limit)
        }
    }

    private func write(_ s: String, _ pos: Int, _ context: @autoclosure () -> String) throws(TemplateError) {
        output.append(contentsOf: s.utf8)
        if output.count > limits.maxOutputBytes {
            throw error(pos, context(), "output exceeds the limit of \(limits.maxOutputBytes) bytes", kind: .limit)
        }
    }

    // MARK: walking

    private func walkList(_ dot: EvalValue, _ list: [TNode]) throws(TemplateError) -> Flow {
        for node in list {
            let flow = try walk(dot, node)
            if flow != .normal { return flow }
        }
        return .normal
    }

    private func walk(_ dot: EvalValue, _ node: TNode) throws(TemplateError) -> Flow {
        switch node {
        case .text(let s, let pos):
            try step(pos, "text")
            try write(s, pos, "text")
        case .action(let pipe):
            try step(pipe.pos, pipe.text)
            let v = try evalPipeline(dot, pipe)
            if pipe.decl.isEmpty { try write(v.map(GoFormat.sprint) ?? "<no value>", pipe.pos, pipe.text) }
        case .ifNode(let pipe, let list, let elseList), .withNode(let pipe, let list, let elseList):
            try step(pipe.pos, pipe.text)
            let mark = vars.count
            defer { vars.removeLast(vars.count - mark) }
            let v = try evalPipeline(dot, pipe)
            let truth = v?.isTruthy ?? false
            var isWith = false
            if case .withNode = node { isWith = true }
            if truth { return try walkList(isWith ? v : dot, list) }
            if let elseList { return try walkList(dot, elseList) }
        case .rangeNode(let pipe, let list, let elseList):
            return try walkRange(dot, pipe, list, elseList)
        case .breakNode: return .breakLoop
        case .continueNode: return .continueLoop
        case .template(let pos, let name, let pipe):
            let ctx = "{{template \(GoFormat.quote(name))\(pipe.map { " " + $0.text } ?? "")}}"
            try step(pos, ctx)
            guard let body = defines[ByteName(name)] else {
                throw error(pos, ctx, "template \(GoFormat.quote(name)) not defined")
            }
            let newDot: EvalValue =
                try pipe.map { (p: Pipe) throws(TemplateError) -> EvalValue in try evalPipeline(dot, p) } ?? nil
            depth += 1
            defer { depth -= 1 }
            if depth > limits.maxDepth {
                throw error(pos, ctx, "exceeded maximum template depth (\(limits.maxDepth))", kind: .limit)
            }
            let savedVars = vars
            let savedName = executing
            vars = [("$", newDot)]
            executing = name
            defer {
                vars = savedVars
                executing = savedName
            }
            _ = try walkList(newDot, body)
        }
        return .normal
    }

    private func walkRange(_ dot: EvalValue, _ pipe: Pipe, _ list: [TNode], _ elseList: [TNode]?) throws(TemplateError)
        -> Flow
    {
        let ctx = "{{range \(pipe.text)}}"
        try step(pipe.pos, ctx)
        let mark = vars.count
        defer { vars.removeLast(vars.count - mark) }
        let v = try evalPipeline(dot, pipe)
        depth += 1
        defer { depth -= 1 }
        if depth > limits.maxDepth {
            throw error(pipe.pos, ctx, "exceeded maximum template depth (\(limits.maxDepth))", kind: .limit)
        }
        func iterate(_ index: TemplateValue, _ elem: TemplateValue) throws(TemplateError) -> Flow {
            try step(pipe.pos, ctx)
            if !pipe.decl.isEmpty {
                if pipe.isAssign {
                    if pipe.decl.count > 1 {
                        try setVar(pipe.decl[0], index, pipe.pos, ctx)
                        try setVar(pipe.decl[1], elem, pipe.pos, ctx)
                    } else {
                        try setVar(pipe.decl[0], elem, pipe.pos, ctx)
                    }
                } else if pipe.decl.count > 1 {
                    vars[vars.count - 2].value = index
                    vars[vars.count - 1].value = elem
                } else {
                    vars[vars.count - 1].value = elem
                }
            }
            let inner = vars.count
            defer { vars.removeLast(vars.count - inner) }
            return try walkList(elem, list)
        }
        var ran = false
        switch v {
        case .list(let l)?:
            for (i, e) in l.enumerated() {
                ran = true
                if try iterate(.int(i), e) == .breakLoop { break }
            }
        case .map?, .typedMap?:
            for (k, e) in v!.sortedEntries {
                ran = true
                if try iterate(k, e) == .breakLoop { break }
            }
        case .int(let n)?:
            if pipe.decl.count > 1 {
                throw error(pipe.pos, ctx, "can't use \(n) to iterate over more than one variable")
            }
            var i = 0
            while i < n {
                ran = true
                if try iterate(.int(i), .int(i)) == .breakLoop { break }
                i += 1
            }
        case nil:
            break
        case let other?:
            // Go names the node evaluated last: the pipeline's last command.
            throw error(pipe.pos, pipe.cmds.last?.text ?? ctx, "range can't iterate over \(GoFormat.sprint(other))")
        }
        if !ran, let elseList { return try walkList(dot, elseList) }
        return .normal
    }

    private func setVar(_ name: String, _ value: EvalValue, _ pos: Int, _ ctx: String) throws(TemplateError) {
        for k in stride(from: vars.count - 1, through: 0, by: -1) where sameBytes(vars[k].name, name) {
            vars[k].value = value
            return
        }
        throw error(pos, ctx, "undefined variable: \(name)")
    }

    // MARK: pipelines

    private enum Final {
        case none
        case value(EvalValue)
    }

    private func evalPipeline(_ dot: EvalValue, _ pipe: Pipe) throws(TemplateError) -> EvalValue {
        var value: EvalValue = nil
        for (i, cmd) in pipe.cmds.enumerated() {
            value = try evalCommand(dot, cmd, final: i == 0 ? .none : .value(value))
            if value == .null { value = nil }  // Go: an interface{} result is unwrapped; nil becomes invalid
        }
        for name in pipe.decl {
            if pipe.isAssign {
                // Go reports the node evaluated last: the pipeline's last command.
                try setVar(name, value, pipe.cmds.last?.pos ?? pipe.pos, pipe.cmds.last?.text ?? pipe.text)
            } else {
                vars.append((name, value))
            }
        }
        return value
    }

    private func evalCommand(_ dot: EvalValue, _ cmd: Command, final: Final) throws(TemplateError) -> EvalValue {
        try step(cmd.pos, cmd.text)
        let first = cmd.args[0]
        var hasFinal = false
        if case .value = final { hasFinal = true }
        let argCount = cmd.args.count - 1 + (hasFinal ? 1 : 0)
        let hasArgs = argCount > 0
        switch first {
        case .field(let pos, let names):
            return try evalFieldChain(dot, receiver: dot, names: names, node: first, pos: pos, argCount: argCount)
        case .variable(let pos, let name, let names):
            let v = try lookupVar(name, pos, first.text)
            if names.isEmpty {
                if hasArgs { throw error(pos, first.text, "can't give argument to non-function \(first.text)") }
                return v
            }
            return try evalFieldChain(dot, receiver: v, names: names, node: first, pos: pos, argCount: argCount)
        case .chain(let pos, let inner, let names):
            let v = try evalArgValue(dot, inner)
            return try evalFieldChain(dot, receiver: v, names: names, node: first, pos: pos, argCount: argCount)
        case .identifier(let pos, let name):
            return try evalFunction(
                dot, name, pos: pos, cmdText: cmd.text, args: Array(cmd.args.dropFirst()), final: final)
        case .pipe(let pos, let p):
            if hasArgs { throw error(pos, first.text, "can't give argument to non-function \(first.text)") }
            return try evalPipeline(dot, p)
        default:
            if hasArgs { throw error(first.pos, first.text, "can't give argument to non-function \(first.text)") }
            switch first {
            case .bool(_, let b): return .bool(b)
            case .dot: return dot
            case .nilLit(let pos): throw error(pos, "nil", "nil is not a command")
            case .number(let pos, let n): return try ideal(n, pos)
            case .string(_, _, let s): return .string(s)
            default: return nil
            }
        }
    }

    private func lookupVar(_ name: String, _ pos: Int, _ ctx: @autoclosure () -> String) throws(TemplateError)
        -> EvalValue
    {
        for k in stride(from: vars.count - 1, through: 0, by: -1) where sameBytes(vars[k].name, name) {
            return vars[k].value
        }
        throw error(pos, ctx(), "undefined variable: \(name)")
    }

    private func evalFieldChain(
        _ dot: EvalValue, receiver: EvalValue, names: [String], node: Arg, pos: Int, argCount: Int
    ) throws(TemplateError) -> EvalValue {
        var v = receiver
        for (i, name) in names.enumerated() {
            v = try evalField(v, name, pos: pos, ctx: node.text, argCount: i == names.count - 1 ? argCount : 0)
        }
        return v
    }

    private func evalField(
        _ receiver: EvalValue, _ name: String, pos: Int, ctx: @autoclosure () -> String, argCount: Int
    )
        throws(TemplateError) -> EvalValue
    {
        let hasArgs = argCount > 0
        guard let receiver else { return nil }
        switch receiver {
        case .null:
            throw error(pos, ctx(), "nil pointer evaluating interface {}.\(name)")
        case .record(let r):
            if let f = r.fields[name] {
                if hasArgs {
                    if Self.isMethod(r, name) {
                        throw error(pos, ctx(), "wrong number of args for \(name): want 0 got \(argCount)")
                    }
                    throw error(pos, ctx(), "\(name) has arguments but cannot be invoked as function")
                }
                return f
            }
            if let message = r.removedFields[name] { throw error(pos, ctx(), message, kind: .removedField) }
            throw error(pos, ctx(), "can't evaluate field \(name) in type \(r.typeName)")
        case .map(let m):
            let stringKeys = m.keys.allSatisfy { if case .string = $0 { return true } else { return false } }
            if stringKeys {
                let result = m[.string(name)]
                if hasArgs { throw error(pos, ctx(), "\(name) is not a method but has arguments") }
                return result
            }
            throw error(pos, ctx(), "can't evaluate field \(name) in type map")
        case .typedMap(let m):
            // A field name reads a key only when the key type is string.
            if m.keyType == "string" {
                if hasArgs { throw error(pos, ctx(), "\(name) is not a method but has arguments") }
                return m.entries?[.string(name)]
            }
            throw error(pos, ctx(), "can't evaluate field \(name) in type \(m.typeName)")
        default:
            throw error(pos, ctx(), "can't evaluate field \(name) in type \(receiver.goTypeName)")
        }
    }

    /// A record entry that is neither a declared field nor promoted from an embedded struct is
    /// a Go method (e.g. `String`): called with arguments it reports Go's argument count error.
    private static func isMethod(_ r: TemplateRecord, _ name: String) -> Bool {
        if r.fieldOrder.contains(name) { return false }
        for e in r.embedded {
            if case .record(let inner)? = r.fields[e], inner.fields[name] != nil, !isMethod(inner, name) {
                return false
            }
        }
        return true
    }

    // MARK: arguments

    /// Evaluates an argument with no parameter type information (interface{} semantics, keeps missing).
    private func evalArgValue(_ dot: EvalValue, _ arg: Arg) throws(TemplateError) -> EvalValue {
        switch arg {
        case .dot: return dot
        case .nilLit: return .null
        case .field(let pos, let names):
            return try evalFieldChain(dot, receiver: dot, names: names, node: arg, pos: pos, argCount: 0)
        case .variable(let pos, let name, let names):
            let v = try lookupVar(name, pos, arg.text)
            return try evalFieldChain(dot, receiver: v, names: names, node: arg, pos: pos, argCount: 0)
        case .chain(let pos, let inner, let names):
            let v = try evalArgValue(dot, inner)
            return try evalFieldChain(dot, receiver: v, names: names, node: arg, pos: pos, argCount: 0)
        case .pipe(_, let p):
            let mark = vars.count
            defer { vars.removeLast(vars.count - mark) }
            return try evalPipeline(dot, p)
        case .identifier(let pos, let name):
            return try evalFunction(dot, name, pos: pos, cmdText: name, args: [], final: .none)
        case .bool(_, let b): return .bool(b)
        case .number(let pos, let n): return try ideal(n, pos)
        case .string(_, _, let s): return .string(s)
        }
    }

    /// Go `idealConstant`: an `int` constant that does not fit is an execution error.
    private func ideal(_ n: NumberConst, _ pos: Int) throws(TemplateError) -> TemplateValue {
        guard let v = n.ideal else { throw error(pos, n.text, "\(n.text) overflows int") }
        return v
    }

    private func evalArg(_ dot: EvalValue, _ arg: Arg, _ type: ParamType) throws(TemplateError) -> EvalValue {
        switch arg {
        case .nilLit(let pos):
            switch type {
            case .value, .any: return .null
            case .stringMap: return .map([:])
            default: throw error(pos, "nil", "cannot assign nil to \(type.goName)")
            }
        case .bool(let pos, let b):
            switch type {
            case .bool, .any, .value: return .bool(b)
            default: throw error(pos, arg.text, "expected \(type == .int ? "integer" : type.goName); found \(arg.text)")
            }
        case .number(let pos, let n):
            switch type {
            case .int:
                guard let i = n.int else { throw error(pos, arg.text, "expected integer; found \(arg.text)") }
                return .int(i)
            case .any, .value: return try ideal(n, pos)
            default: throw error(pos, arg.text, "expected \(type.goName); found \(arg.text)")
            }
        case .string(let pos, _, let s):
            switch type {
            case .string, .any, .value: return .string(s)
            default: throw error(pos, arg.text, "expected \(type == .int ? "integer" : type.goName); found \(arg.text)")
            }
        default:
            let v = try evalArgValue(dot, arg)
            return try validate(v, type, pos: arg.pos, ctx: arg.text)
        }
    }

    private func validate(_ v: EvalValue, _ type: ParamType, pos: Int, ctx: @autoclosure () -> String)
        throws(TemplateError) -> EvalValue
    {
        switch type {
        case .value: return v
        case .any: return v ?? .null
        case .stringMap:
            guard let v else { return .map([:]) }
            if case .map = v { return v }
        case .string: if case .string? = v { return v }
        case .int: if case .int? = v { return v }
        case .bool: if case .bool? = v { return v }
        }
        guard let v else { throw error(pos, ctx(), "invalid value; expected \(type.goName)") }
        throw error(pos, ctx(), "wrong type for value; expected \(type.goName); got \(v.goTypeName)")
    }

    // MARK: functions

    private func evalFunction(
        _ dot: EvalValue, _ name: String, pos: Int, cmdText: @autoclosure () -> String, args: [Arg], final: Final
    )
        throws(TemplateError) -> EvalValue
    {
        if name == "and" || name == "or" {
            var finalArgs = args.count
            if case .value = final { finalArgs += 1 }
            guard finalArgs >= 1 else {
                throw error(pos, name, "wrong number of args for \(name): want at least 1 got 0")
            }
            var v: EvalValue = nil
            for a in args {
                v = try evalArgValue(dot, a)
                let t = v?.isTruthy ?? false
                if name == "and" ? !t : t { return v }
            }
            if case .value(let f) = final { v = f }
            return v
        }
        guard let fn = functions[name] else { throw error(pos, name, "function \"\(name)\" not defined") }
        var numIn = args.count
        if case .value = final { numIn += 1 }
        if fn.variadic != nil {
            if numIn < fn.params.count {
                throw error(
                    pos, name, "wrong number of args for \(name): want at least \(fn.params.count) got \(numIn)")
            }
        } else if numIn != fn.params.count {
            throw error(pos, name, "wrong number of args for \(name): want \(fn.params.count) got \(numIn)")
        }
        func paramType(_ i: Int) -> ParamType { i < fn.params.count ? fn.params[i] : (fn.variadic ?? .any) }
        var values: [EvalValue] = []
        for (i, a) in args.enumerated() { values.append(try evalArg(dot, a, paramType(i))) }
        if case .value(let f) = final { values.append(try validate(f, paramType(args.count), pos: pos, ctx: name)) }
        let result: EvalValue
        do {
            result = try fn.body(values, limits)
        } catch {
            if error.kind == .limit { throw self.error(pos, cmdText(), error.message, kind: .limit) }
            throw self.error(pos, cmdText(), "error calling \(name): \(error.message)")
        }
        // Strings kept in variables are bounded like the output, or `$x = print $x $x` in a loop
        // doubles its way to gigabytes before anything is written.
        if case .string(let text)? = result, text.utf8.count > limits.maxOutputBytes {
            throw self.error(
                pos, cmdText(), "result exceeds the output limit of \(limits.maxOutputBytes) bytes", kind: .limit)
        }
        if let result { try chargeForSize(result, pos, cmdText()) }
        return result
    }

    /// Walks a list, map or record a function returned, each node an evaluation step, and bounds
    /// its nesting by `maxDepth`: `$l = list $l $l` in a loop would otherwise build a value
    /// exponentially larger to print or compare than the steps that built it, and `$l = list $l`
    /// one too deep to print or even free without overflowing the stack.
    private func chargeForSize(_ value: TemplateValue, _ pos: Int, _ context: @autoclosure () -> String)
        throws(TemplateError)
    {
        switch value {
        case .list, .map, .typedMap, .record: break
        default: return
        }
        var pending: [(value: TemplateValue, depth: Int)] = [(value, 1)]
        while let (node, depth) = pending.popLast() {
            try step(pos, context())
            if depth > limits.maxDepth {
                throw error(pos, context(), "value nested deeper than \(limits.maxDepth) levels", kind: .limit)
            }
            switch node {
            case .list(let items):
                for item in items { pending.append((item, depth + 1)) }
            case .map, .typedMap:
                for (key, item) in node.mapEntries ?? [:] {
                    pending.append((key, depth + 1))
                    pending.append((item, depth + 1))
                }
            case .record(let record):
                for field in record.fields.values { pending.append((field, depth + 1)) }
            default:
                break
            }
        }
    }
}
