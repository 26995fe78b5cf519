/// Sprig's list functions (list.go) and `until`/`untilStep`.
enum SprigLists {
    typealias S = TemplateSprig

    /// A list function and its `must` twin (the same here: Go reports a panic and an error alike).
    private static func pair(_ name: String, _ mustName: String, _ f: TemplateFunction) -> [(String, TemplateFunction)]
    {
        [(name, f), (mustName, f)]
    }

    private static func items(_ v: EvalValue, _ message: @escaping (String) -> String) throws(FuncError)
        -> [TemplateValue]
    {
        try S.listItems(v, message)
    }

    static let functions: [String: TemplateFunction] = {
        var t: [String: TemplateFunction] = [
            "list": .init(params: [], variadic: .any) { a, _ in .list(a.map { $0 ?? .null }) },
            "tuple": .init(params: [], variadic: .any) { a, _ in .list(a.map { $0 ?? .null }) },
            "concat": .init(params: [], variadic: .any) { a, _ throws(FuncError) in
                var out: [TemplateValue] = []
                for v in a { out += try items(v) { "Cannot concat type \($0) as list" } }
                return .list(out)
            },
            "until": .init(params: [.int]) { a, l throws(FuncError) in
                let n = S.i(a[0])
                return try untilStep(0, n, n < 0 ? -1 : 1, l)
            },
            "untilStep": .init(params: [.int, .int, .int]) { a, l throws(FuncError) in
                try untilStep(S.i(a[0]), S.i(a[1]), S.i(a[2]), l)
            },
        ]
        let lists: [(String, TemplateFunction)] =
            pair(
                "append", "mustAppend",
                .init(params: [.any, .any]) { a, _ throws(FuncError) in
                    .list(try items(a[0]) { "Cannot push on type \($0)" } + [a[1] ?? .null])
                })
            + pair(
                "push", "mustPush",
                .init(params: [.any, .any]) { a, _ throws(FuncError) in
                    .list(try items(a[0]) { "Cannot push on type \($0)" } + [a[1] ?? .null])
                })
            + pair(
                "prepend", "mustPrepend",
                .init(params: [.any, .any]) { a, _ throws(FuncError) in
                    .list([a[1] ?? .null] + (try items(a[0]) { "Cannot prepend on type \($0)" }))
                })
            + pair(
                "first", "mustFirst",
                .init(params: [.any]) { a, _ throws(FuncError) in
                    let l = try items(a[0]) { "Cannot find first on type \($0)" }
                    return l.first
                })
            + pair(
                "last", "mustLast",
                .init(params: [.any]) { a, _ throws(FuncError) in
                    let l = try items(a[0]) { "Cannot find last on type \($0)" }
                    return l.last
                })
            + pair(
                "rest", "mustRest",
                .init(params: [.any]) { a, _ throws(FuncError) in
                    .list(Array(try items(a[0]) { "Cannot find rest on type \($0)" }.dropFirst()))
                })
            + pair(
                "initial", "mustInitial",
                .init(params: [.any]) { a, _ throws(FuncError) in
                    .list(Array(try items(a[0]) { "Cannot find initial on type \($0)" }.dropLast()))
                })
            + pair(
                "reverse", "mustReverse",
                .init(params: [.any]) { a, _ throws(FuncError) in
                    .list(Array(try items(a[0]) { "Cannot find reverse on type \($0)" }.reversed()))
                })
            + pair(
                "compact", "mustCompact",
                .init(params: [.any]) { a, _ throws(FuncError) in
                    .list(try items(a[0]) { "Cannot compact on type \($0)" }.filter { !S.isEmpty($0) })
                })
            + pair(
                "uniq", "mustUniq",
                .init(params: [.any]) { a, _ throws(FuncError) in
                    // First occurrences in order; a set (TemplateValue hashes bytes, as Go's == compares)
                    // keeps it linear where Sprig's list search is quadratic.
                    var seen: Set<TemplateValue> = []
                    return .list(
                        try items(a[0], { "Cannot find uniq on type \($0)" }).filter { seen.insert($0).inserted })
                })
            + pair(
                "without", "mustWithout",
                .init(params: [.any], variadic: .any) { a, _ throws(FuncError) in
                    let omit = a.dropFirst().map { $0 ?? .null }
                    return .list(try items(a[0]) { "Cannot find without on type \($0)" }.filter { !omit.contains($0) })
                })
            + pair(
                "has", "mustHas",
                .init(params: [.any, .any]) { a, _ throws(FuncError) in
                    guard let haystack = a[1], haystack != .null else { return .bool(false) }
                    let needle = a[0] ?? .null
                    return .bool(try items(haystack) { "Cannot find has on type \($0)" }.contains(needle))
                })
            + pair(
                "slice", "mustSlice",
                .init(params: [.any], variadic: .any) { a, _ throws(FuncError) in
                    let l = try items(a[0]) { "list should be type of slice or array but \($0)" }
                    if l.isEmpty { return nil }
                    let start = a.count > 1 ? SprigNumbers.toInt(a[1] ?? .null) : 0
                    let end = a.count > 2 ? SprigNumbers.toInt(a[2] ?? .null) : l.count
                    guard start >= 0, end <= l.count, start <= end else {
                        throw FuncError("reflect.Value.Slice: slice index out of bounds")
                    }
                    return .list(Array(l[start..<end]))
                })
            + pair(
                "chunk", "mustChunk",
                .init(params: [.int, .any]) { a, _ throws(FuncError) in
                    let size = S.i(a[0])
                    let l = try items(a[1]) { "Cannot chunk type \($0)" }
                    if l.isEmpty { return .list([]) }
                    guard size > 0 else { throw FuncError("runtime error: makeslice: len out of range") }
                    return .list(
                        stride(from: 0, to: l.count, by: size).map { .list(Array(l[$0..<min($0 + size, l.count)])) })
                })
        for (name, f) in lists { t[name] = f }
        return t
    }()

    /// Sprig `untilStep`, bounded by the step limit before anything is built.
    static func untilStep(_ start: Int, _ stop: Int, _ step: Int, _ l: TemplateLimits) throws(FuncError) -> EvalValue {
        if stop < start ? step >= 0 : step <= 0 { return .list([]) }
        let span = stop < start ? start.subtractingReportingOverflow(stop) : stop.subtractingReportingOverflow(start)
        let magnitude = step.magnitude
        let count = span.overflow ? UInt.max : (UInt(bitPattern: span.partialValue) + magnitude - 1) / magnitude
        if count > UInt(l.maxSteps) {
            throw FuncError("list of \(count) numbers exceeds the step limit of \(l.maxSteps)", kind: .limit)
        }
        return .list((0..<Int(count)).map { .int(start &+ $0 &* step) })
    }
}

/// Sprig's dict functions (dict.go). Go's `set`, `unset` and `merge*` change the map they are
/// given in place; imagebot's values are immutable, so they return the changed map and the
/// original stays as it was (`$d = set $d "k" "v"` works, a bare `set $d ...` has no effect).
enum SprigDicts {
    typealias S = TemplateSprig

    private static func dict(_ v: EvalValue) -> [TemplateValue: TemplateValue] {
        if case .map(let m)? = v { return m }
        return [:]
    }

    static let functions: [String: TemplateFunction] = [
        "dict": .init(params: [], variadic: .any) { a, _ in
            var m: [TemplateValue: TemplateValue] = [:]
            var k = 0
            while k < a.count {
                m[.string(S.strval(a[k] ?? .null))] = k + 1 < a.count ? (a[k + 1] ?? .null) : .string("")
                k += 2
            }
            return .map(m)
        },
        "get": .init(params: [.stringMap, .string]) { a, _ in dict(a[0])[.string(S.s(a[1]))] ?? .string("") },
        "set": .init(params: [.stringMap, .string, .any]) { a, _ in
            var m = dict(a[0])
            m[.string(S.s(a[1]))] = a[2] ?? .null
            return .map(m)
        },
        "unset": .init(params: [.stringMap, .string]) { a, _ in
            var m = dict(a[0])
            m[.string(S.s(a[1]))] = nil
            return .map(m)
        },
        "hasKey": .init(params: [.stringMap, .string]) { a, _ in .bool(dict(a[0])[.string(S.s(a[1]))] != nil) },
        "pluck": .init(params: [.string], variadic: .stringMap) { a, _ in
            let key = TemplateValue.string(S.s(a[0]))
            return .list(a.dropFirst().compactMap { dict($0)[key] })
        },
        // Go lists keys and values in random map order; imagebot uses sorted key order.
        "keys": .init(params: [], variadic: .stringMap) { a, _ in
            .list(a.flatMap { ($0 ?? .null).sortedEntries.map(\.key) })
        },
        "values": .init(params: [.stringMap]) { a, _ in .list((a[0] ?? .null).sortedEntries.map(\.value)) },
        "pick": .init(params: [.stringMap], variadic: .string) { a, _ in
            let m = dict(a[0])
            var out: [TemplateValue: TemplateValue] = [:]
            for k in a.dropFirst() { if let k, let v = m[k] { out[k] = v } }
            return .map(out)
        },
        "omit": .init(params: [.stringMap], variadic: .string) { a, _ in
            var m = dict(a[0])
            for k in a.dropFirst() { if let k { m[k] = nil } }
            return .map(m)
        },
        "merge": .init(params: [.stringMap], variadic: .stringMap) { a, _ in
            .map(a.dropFirst().reduce(dict(a[0])) { merge($0, dict($1), overwrite: false) })
        },
        "mustMerge": .init(params: [.stringMap], variadic: .stringMap) { a, _ in
            .map(a.dropFirst().reduce(dict(a[0])) { merge($0, dict($1), overwrite: false) })
        },
        "mergeOverwrite": .init(params: [.stringMap], variadic: .stringMap) { a, _ in
            .map(a.dropFirst().reduce(dict(a[0])) { merge($0, dict($1), overwrite: true) })
        },
        "mustMergeOverwrite": .init(params: [.stringMap], variadic: .stringMap) { a, _ in
            .map(a.dropFirst().reduce(dict(a[0])) { merge($0, dict($1), overwrite: true) })
        },
        "deepCopy": .init(params: [.any]) { a, _ throws(FuncError) in
            // copystructure reflects on the value; a nil interface has no type.
            guard let v = a[0], v != .null else { throw FuncError("reflect: call of reflect.Value.Type on zero Value") }
            return v
        },
        "mustDeepCopy": .init(params: [.any]) { a, _ throws(FuncError) in
            guard let v = a[0], v != .null else { throw FuncError("reflect: call of reflect.Value.Type on zero Value") }
            return v
        },
        "dig": .init(params: [], variadic: .any) { a, _ throws(FuncError) in
            guard a.count >= 3 else { throw FuncError("dig needs at least three arguments") }
            let args = a.map { $0 ?? .null }
            guard case .map(var m) = args[args.count - 1] else {
                throw conversion(args[args.count - 1], "map[string]interface {}")
            }
            let fallback = args[args.count - 2]
            var keys: [String] = []
            for k in args.dropLast(2) {
                guard case .string(let key) = k else { throw conversion(k, "string") }
                keys.append(key)
            }
            for (n, key) in keys.enumerated() {
                guard let step = m[.string(key)] else { return fallback }
                if n == keys.count - 1 { return step }
                guard case .map(let inner) = step else { throw conversion(step, "map[string]interface {}") }
                m = inner
            }
            return fallback
        },
    ]

    /// Go's failed type assertion `x.(T)` on an `interface{}`.
    static func conversion(_ v: TemplateValue, _ target: String) -> FuncError {
        let actual = v == .null ? "nil" : S.typeName(v)
        return FuncError("interface conversion: interface {} is \(actual), not \(target)")
    }

    /// mergo's `Merge`/`MergeWithOverwrite` for `map[string]interface{}`: nested maps merge,
    /// a missing or empty destination value takes the source's; with `overwrite` the source
    /// value replaces the destination's even when it is empty. (mergo 1.0.1, Sprig 3.3.0's:
    /// with `overwrite` a map replaces a non-map, which mergo 0.3 skipped.)
    static func merge(_ dst: [TemplateValue: TemplateValue], _ src: [TemplateValue: TemplateValue], overwrite: Bool)
        -> [TemplateValue: TemplateValue]
    {
        var out = dst
        for (k, sv) in src {
            // A nil source value only ever overwrites.
            if sv == .null {
                if overwrite { out[k] = .null }
                continue
            }
            let dv = out[k]
            if case .map(let dm)? = dv, case .map(let sm) = sv {
                out[k] = .map(merge(dm, sm, overwrite: overwrite))
                continue
            }
            if dv == nil || S.isEmpty(dv) || overwrite {
                out[k] = sv
            }
        }
        return out
    }
}
