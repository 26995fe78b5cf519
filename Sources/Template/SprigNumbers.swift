/// Sprig's arithmetic and number conversions (numeric.go, functions.go), with spf13/cast's
/// rules: strings parse with Go's base prefixes, anything unconvertible is 0.
enum SprigNumbers {
    typealias S = TemplateSprig

    static let functions: [String: TemplateFunction] = [
        "atoi": .init(params: [.string]) { a, _ in .int(atoi(S.s(a[0]))) },
        "int": .init(params: [.any]) { a, _ in .int(toInt(a[0] ?? .null)) },
        "int64": .init(params: [.any]) { a, _ in .int(toInt(a[0] ?? .null)) },
        "float64": .init(params: [.any]) { a, _ in .float(toFloat(a[0] ?? .null)) },
        "toDecimal": .init(params: [.any]) { a, _ in
            .int(parseInt(GoFormat.sprint(a[0] ?? .null), base: 8) ?? 0)
        },
        "add1": .init(params: [.any]) { a, _ in .int(toInt(a[0] ?? .null) &+ 1) },
        "add": .init(params: [], variadic: .any) { a, _ in .int(a.reduce(0) { $0 &+ toInt($1 ?? .null) }) },
        "sub": .init(params: [.any, .any]) { a, _ in .int(toInt(a[0] ?? .null) &- toInt(a[1] ?? .null)) },
        "mul": .init(params: [.any], variadic: .any) { a, _ in
            .int(a.dropFirst().reduce(toInt(a[0] ?? .null)) { $0 &* toInt($1 ?? .null) })
        },
        "div": .init(params: [.any, .any]) { a, _ throws(FuncError) in
            let d = toInt(a[1] ?? .null)
            if d == 0 { throw FuncError("runtime error: integer divide by zero") }
            return .int(toInt(a[0] ?? .null).dividedReportingOverflow(by: d).partialValue)
        },
        "mod": .init(params: [.any, .any]) { a, _ throws(FuncError) in
            let d = toInt(a[1] ?? .null)
            if d == 0 { throw FuncError("runtime error: integer divide by zero") }
            return .int(toInt(a[0] ?? .null).remainderReportingOverflow(dividingBy: d).partialValue)
        },
        "max": .init(params: [.any], variadic: .any) { a, _ in .int(a.map { toInt($0 ?? .null) }.max()!) },
        "biggest": .init(params: [.any], variadic: .any) { a, _ in .int(a.map { toInt($0 ?? .null) }.max()!) },
        "min": .init(params: [.any], variadic: .any) { a, _ in .int(a.map { toInt($0 ?? .null) }.min()!) },
        "maxf": .init(params: [.any], variadic: .any) { a, _ in
            .float(a.dropFirst().reduce(toFloat(a[0] ?? .null)) { goMax($0, toFloat($1 ?? .null)) })
        },
        "minf": .init(params: [.any], variadic: .any) { a, _ in
            .float(a.dropFirst().reduce(toFloat(a[0] ?? .null)) { goMin($0, toFloat($1 ?? .null)) })
        },
        "floor": .init(params: [.any]) { a, _ in .float(toFloat(a[0] ?? .null).rounded(.down)) },
        "ceil": .init(params: [.any]) { a, _ in .float(toFloat(a[0] ?? .null).rounded(.up)) },
        "round": .init(params: [.any, .int], variadic: .any) { a, _ in
            let roundOn = a.count > 2 ? toFloat(a[2] ?? .null) : 0.5
            let val = toFloat(a[0] ?? .null)
            let pow = goPow10(Double(S.i(a[1])))
            let digit = pow * val
            let fraction = digit - digit.rounded(.towardZero)
            let rounded = fraction >= roundOn ? digit.rounded(.up) : digit.rounded(.down)
            return .float(rounded / pow)
        },
        "add1f": .init(params: [.any]) { a, _ throws(FuncError) in
            .float(try decimalOp(a[0] ?? .null, [.int(1)], .add))
        },
        "addf": .init(params: [], variadic: .any) { a, _ throws(FuncError) in
            .float(try decimalOp(.float(0), a.map { $0 ?? .null }, .add))
        },
        "subf": .init(params: [.any], variadic: .any) { a, _ throws(FuncError) in
            .float(try decimalOp(a[0] ?? .null, a.dropFirst().map { $0 ?? .null }, .subtract))
        },
        "mulf": .init(params: [.any], variadic: .any) { a, _ throws(FuncError) in
            .float(try decimalOp(a[0] ?? .null, a.dropFirst().map { $0 ?? .null }, .multiply))
        },
        "divf": .init(params: [.any], variadic: .any) { a, _ throws(FuncError) in
            .float(try decimalOp(a[0] ?? .null, a.dropFirst().map { $0 ?? .null }, .divide))
        },
        "randInt": .init(params: [.int, .int]) { a, _ throws(FuncError) in
            let (lo, hi) = (S.i(a[0]), S.i(a[1]))
            let n = hi &- lo
            if n <= 0 { throw FuncError("invalid argument to Intn") }
            return .int(Int.random(in: 0..<n) &+ lo)
        },
        "seq": .init(params: [], variadic: .int) { a, l throws(FuncError) in
            let p = a.map { S.i($0) }
            let list: EvalValue
            switch p.count {
            case 1:
                let inc = p[0] < 1 ? -1 : 1
                list = try SprigLists.untilStep(1, p[0] &+ inc, inc, l)
            case 2:
                let step = p[1] < p[0] ? -1 : 1
                list = try SprigLists.untilStep(p[0], p[1] &+ step, step, l)
            case 3:
                var inc = 1
                if p[2] < p[0] {
                    inc = -1
                    if p[1] > 0 { return .string("") }
                }
                list = try SprigLists.untilStep(p[0], p[2] &+ inc, p[1], l)
            default:
                return .string("")
            }
            guard case .list(let items)? = list else { return .string("") }
            return try S.checked(items.map { GoFormat.sprint($0) }.joined(separator: " "), l)
        },
    ]

    private static func goMax(_ x: Double, _ y: Double) -> Double {
        if x.isInfinite && x > 0 || y.isInfinite && y > 0 { return .infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0 && x == y { return x.sign == .minus ? y : x }
        return x > y ? x : y
    }

    private static func goMin(_ x: Double, _ y: Double) -> Double {
        if x.isInfinite && x < 0 || y.isInfinite && y < 0 { return -.infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0 && x == y { return x.sign == .minus ? x : y }
        return x < y ? x : y
    }

    /// `math.Pow(10, p)` for the integral exponents `round` uses.
    private static func goPow10(_ p: Double) -> Double {
        if let exact = Double("1e\(Int(p))") { return exact }
        return p < 0 ? 0 : .infinity
    }

    // MARK: spf13/cast

    /// `cast.ToInt64` (ints are 64-bit here): floats truncate, strings parse as Go integer
    /// literals after a zero fraction is dropped ("0x1F", "0o17", "010", "1_000", "3.00").
    static func toInt(_ v: TemplateValue) -> Int {
        switch v {
        case .int(let i): return i
        case .float(let d): return goTruncate(d)
        case .bool(let b): return b ? 1 : 0
        case .string(let s): return parseInt(trimZeroDecimal(s), base: 0) ?? 0
        default: return 0
        }
    }

    /// `cast.ToFloat64`.
    static func toFloat(_ v: TemplateValue) -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .string(let s): return parseFloat(s) ?? 0
        default: return 0
        }
    }

    /// Go's float-to-int64 conversion on amd64 (out of range and NaN give MinInt64).
    static func goTruncate(_ d: Double) -> Int {
        guard d.isFinite, d > -9.223372036854775808e18, d < 9.223372036854775808e18 else { return Int.min }
        return Int(d.rounded(.towardZero))
    }

    /// `strconv.Atoi` ignoring its error: 0 for malformed text, the clamped value on overflow.
    static func atoi(_ s: String) -> Int {
        var b = Array(s.utf8)
        var negative = false
        if let f = b.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") {
            negative = f == UInt8(ascii: "-")
            b.removeFirst()
        }
        guard !b.isEmpty, b.allSatisfy({ (48...57).contains($0) }) else { return 0 }
        var value: UInt64 = 0
        for c in b {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (n, o2) = m.addingReportingOverflow(UInt64(c - 48))
            if o1 || o2 {
                value = UInt64.max
                break
            }
            value = n
        }
        if negative { return value >= UInt64(1) << 63 ? Int.min : -Int(value) }
        return value > UInt64(Int.max) ? Int.max : Int(value)
    }

    private static func trimZeroDecimal(_ s: String) -> String {
        let b = Array(s.utf8)
        var foundZero = false
        var k = b.count
        while k > 0 {
            switch b[k - 1] {
            case UInt8(ascii: "."):
                if foundZero { return S.bytesString(b[..<(k - 1)]) }
                return s
            case UInt8(ascii: "0"): foundZero = true
            default: return s
            }
            k -= 1
        }
        return s
    }

    /// `strconv.ParseInt(s, base, 64)`; base 0 reads Go literal prefixes and underscores.
    /// Nil on any error (cast ignores the clamped value Go returns with a range error).
    static func parseInt(_ s: String, base: Int) -> Int? {
        let all = Array(s.utf8)
        var b = all[...]
        var negative = false
        if let f = b.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") {
            negative = f == UInt8(ascii: "-")
            b = b.dropFirst()
        }
        guard !b.isEmpty else { return nil }
        var radix = base
        if base == 0 {
            radix = 10
            if b.first == UInt8(ascii: "0") {
                let second = b.count >= 3 ? b[b.startIndex + 1] | 0x20 : 0
                switch second {
                case UInt8(ascii: "b"):
                    radix = 2
                    b = b.dropFirst(2)
                case UInt8(ascii: "o"):
                    radix = 8
                    b = b.dropFirst(2)
                case UInt8(ascii: "x"):
                    radix = 16
                    b = b.dropFirst(2)
                default:
                    radix = 8
                    b = b.dropFirst()
                }
            }
        }
        var value: UInt64 = 0
        var underscores = false
        for c in b {
            if c == UInt8(ascii: "_") && base == 0 {
                underscores = true
                continue
            }
            let d: Int
            switch c {
            case 48...57: d = Int(c - 48)
            case 97...122: d = Int(c - 87)
            case 65...90: d = Int(c - 55)
            default: return nil
            }
            guard d < radix else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: UInt64(radix))
            let (n, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            value = n
        }
        if underscores && !GoNumber.underscoreOK(Substring(s)) { return nil }
        if negative { return value > UInt64(1) << 63 ? nil : Int(truncatingIfNeeded: 0 &- value) }
        return value > UInt64(Int.max) ? nil : Int(value)
    }

    /// `strconv.ParseFloat(s, 64)`; nil on syntax or range errors.
    static func parseFloat(_ s: String) -> Double? {
        guard !s.isEmpty else { return nil }
        if s.contains("_") {
            guard GoNumber.underscoreOK(Substring(s)) else { return nil }
            return parseFloat(String(s.filter { $0 != "_" }))
        }
        let lower = s.lowercased()
        let body = lower.hasPrefix("+") || lower.hasPrefix("-") ? String(lower.dropFirst()) : lower
        if body == "inf" || body == "infinity" { return lower.hasPrefix("-") ? -.infinity : .infinity }
        if body == "nan" { return .nan }
        guard
            body.utf8.allSatisfy({
                (48...57).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e")
                    || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "x")
                    || $0 == UInt8(ascii: "p")
                    || (97...102).contains($0)
            })
        else { return nil }
        guard let d = Double(s), d.isFinite else { return nil }
        return d
    }

    // MARK: shopspring/decimal arithmetic

    enum DecimalOp { case add, subtract, multiply, divide }

    /// Sprig's `execDecimalOp`: each operand through `decimal.NewFromFloat` (its shortest
    /// decimal form), exact sums and products, quotients rounded to 16 places.
    static func decimalOp(_ first: TemplateValue, _ rest: [TemplateValue], _ op: DecimalOp) throws(FuncError) -> Double
    {
        var acc = GoDecimal(toFloat(first))
        for v in rest {
            let x = GoDecimal(toFloat(v))
            switch op {
            case .add: acc = acc.adding(x)
            case .subtract: acc = acc.adding(x.negated)
            case .multiply: acc = acc.multiplying(x)
            case .divide:
                if x.isZero { throw FuncError("decimal division by 0") }
                acc = acc.dividing(x)
            }
        }
        return acc.double
    }
}

/// A decimal coefficient × 10^exponent, or a plain double where 128 bits do not suffice.
struct GoDecimal {
    var coefficient: Int128
    var exponent: Int
    var fallback: Double?

    init(coefficient: Int128, exponent: Int, fallback: Double? = nil) {
        self.coefficient = coefficient
        self.exponent = exponent
        self.fallback = fallback
    }

    init(_ d: Double) {
        guard d.isFinite else {
            self.init(coefficient: 0, exponent: 0, fallback: d)
            return
        }
        if d == 0 {
            self.init(coefficient: 0, exponent: 0)
            return
        }
        let (digits, point) = GoFormat.shortestDigits(d)
        var c: Int128 = 0
        for digit in digits { c = c * 10 + Int128(digit) }
        self.init(coefficient: d < 0 ? -c : c, exponent: point - digits.count)
    }

    var isZero: Bool { fallback == nil ? coefficient == 0 : fallback == 0 }
    var negated: GoDecimal { GoDecimal(coefficient: -coefficient, exponent: exponent, fallback: fallback.map { -$0 }) }

    var double: Double {
        if let fallback { return fallback }
        return Double("\(coefficient)e\(exponent)") ?? 0
    }

    private static func pow10(_ n: Int) -> Int128? {
        guard n >= 0, n <= 38 else { return nil }
        var p: Int128 = 1
        for _ in 0..<n { p *= 10 }
        return p
    }

    private static func scaled(_ c: Int128, _ by: Int) -> Int128? {
        guard let p = pow10(by) else { return c == 0 ? 0 : nil }
        let (r, o) = c.multipliedReportingOverflow(by: p)
        return o ? nil : r
    }

    func adding(_ other: GoDecimal) -> GoDecimal {
        if fallback != nil || other.fallback != nil {
            return GoDecimal(coefficient: 0, exponent: 0, fallback: double + other.double)
        }
        let e = min(exponent, other.exponent)
        guard let a = Self.scaled(coefficient, exponent - e), let b = Self.scaled(other.coefficient, other.exponent - e)
        else {
            return GoDecimal(coefficient: 0, exponent: 0, fallback: double + other.double)
        }
        let (sum, o) = a.addingReportingOverflow(b)
        if o { return GoDecimal(coefficient: 0, exponent: 0, fallback: double + other.double) }
        return GoDecimal(coefficient: sum, exponent: e)
    }

    func multiplying(_ other: GoDecimal) -> GoDecimal {
        if fallback != nil || other.fallback != nil {
            return GoDecimal(coefficient: 0, exponent: 0, fallback: double * other.double)
        }
        let (p, o) = coefficient.multipliedReportingOverflow(by: other.coefficient)
        if o { return GoDecimal(coefficient: 0, exponent: 0, fallback: double * other.double) }
        return GoDecimal(coefficient: p, exponent: exponent + other.exponent)
    }

    /// `Div`: the quotient rounded half away from zero to 16 decimal places.
    func dividing(_ other: GoDecimal) -> GoDecimal {
        let plain = GoDecimal(coefficient: 0, exponent: 0, fallback: double / other.double)
        if fallback != nil || other.fallback != nil { return plain }
        // q = a × 10^(ea − eb + 17) / b, then one guard digit is rounded away.
        let shift = exponent - other.exponent + 17
        var numerator = coefficient
        var denominator = other.coefficient
        if shift >= 0 {
            guard let n = Self.scaled(numerator, shift) else { return plain }
            numerator = n
        } else {
            guard let d = Self.scaled(denominator, -shift) else { return plain }
            denominator = d
        }
        var q = numerator / denominator
        let r = q % 10
        q /= 10
        if r >= 5 { q += 1 } else if r <= -5 { q -= 1 }
        return GoDecimal(coefficient: q, exponent: -16)
    }
}
