/// A semver range in the Masterminds/semver v3 dialect that Flux's `policy.semver.range` uses.
///
/// Grammar: OR-groups separated by `||`; inside a group, constraints separated by whitespace
/// or commas; each constraint is an operator (`= != > < >= => <= =< ~ ~> ^` or none) and a
/// version that may use `x`, `X`, `*` wildcards or omit minor/patch ("dirty" constraints);
/// `A - B` (spaces required) means `>= A, <= B`. A prerelease version can satisfy a group
/// only when some constraint of that group names a prerelease itself.
public struct SemverRange: Sendable, CustomStringConvertible {
    /// The range as written.
    public let source: String
    let groups: [[Constraint]]

    public var description: String { source }

    public init(_ range: String) throws(PolicyError) {
        source = range
        let rewritten = Self.rewriteHyphenRanges(range)
        var groups: [[Constraint]] = []
        for segment in rewritten.split(separator: "||", omittingEmptySubsequences: false) {
            groups.append(try Self.parseGroup(String(segment), range: range))
        }
        self.groups = groups
    }

    /// Whether `version` satisfies any OR-group.
    public func contains(_ version: SemanticVersion) -> Bool {
        groups.contains { group in
            if !version.prerelease.isEmpty, !group.contains(where: { !$0.bound.prerelease.isEmpty }) {
                return false
            }
            return group.allSatisfy { $0.admits(version) }
        }
    }

    // MARK: Parsing

    private static func invalid(_ range: String, _ detail: String) -> PolicyError {
        PolicyError(.invalidRange, "invalid semver range \"\(range)\": \(detail)")
    }

    /// `ws* op ws* cv ws* ((ws+ | ',' ws*) op ws* cv ws*)*` — the segment must be exactly this.
    private static func parseGroup(_ segment: String, range: String) throws(PolicyError) -> [Constraint] {
        var segment = segment
        let parsed: [Constraint]? = segment.withUTF8 { bytes in
            var scanner = ByteScanner(bytes)
            var constraints: [Constraint] = []
            scanner.skipSpaces()
            while true {
                guard let constraint = Constraint.parse(&scanner) else { return nil }
                constraints.append(constraint)
                let spaces = scanner.skipSpaces()
                if scanner.atEnd { return constraints }
                if scanner.skip(UInt8(ascii: ",")) {
                    scanner.skipSpaces()
                } else if spaces == 0 {
                    return nil
                }
            }
        }
        guard let parsed else { throw invalid(range, "improper constraint \"\(segment)\"") }
        if let bad = parsed.first(where: { $0.unparsableBound }) {
            throw invalid(range, "\"\(bad.text)\" is not a version or a wildcard version")
        }
        return parsed
    }

    /// Replaces each `A - B` by `>= A, <= B ` (found anywhere, leftmost first, like the
    /// Masterminds rewrite that runs before the `||` split).
    static func rewriteHyphenRanges(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 8)
            var index = 0
            while index < bytes.count {
                if let match = matchHyphenRange(bytes, at: index) {
                    output.append(contentsOf: Array(">= ".utf8))
                    output.append(contentsOf: bytes[match.low])
                    output.append(contentsOf: Array(", <= ".utf8))
                    output.append(contentsOf: bytes[match.high])
                    output.append(UInt8(ascii: " "))
                    index = match.end
                } else {
                    output.append(bytes[index])
                    index += 1
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// `\s* cv \s+ - \s+ cv \s*` at `start`.
    private static func matchHyphenRange(
        _ bytes: UnsafeBufferPointer<UInt8>, at start: Int
    ) -> (low: Range<Int>, high: Range<Int>, end: Int)? {
        var scanner = ByteScanner(bytes, position: start)
        scanner.skipSpaces()
        let lowStart = scanner.position
        guard ConstraintVersion.scan(&scanner) != nil else { return nil }
        let low = lowStart..<scanner.position
        guard scanner.skipSpaces() > 0, scanner.skip(UInt8(ascii: "-")), scanner.skipSpaces() > 0 else { return nil }
        let highStart = scanner.position
        guard ConstraintVersion.scan(&scanner) != nil else { return nil }
        let high = highStart..<scanner.position
        scanner.skipSpaces()
        return (low, high, scanner.position)
    }
}

/// The version part of a constraint as written: `v?X(.X)?(.X)?(-pre)?(+meta)?` where each X is
/// `[0-9|xX*]+` (the `|` is accepted as Masterminds' character class does).
struct ConstraintVersion {
    var text: String
    var major: String
    var minor: String?
    var patch: String?
    var prerelease: String?

    static func scan(_ scanner: inout ByteScanner) -> ConstraintVersion? {
        let start = scanner.position
        scanner.skip(UInt8(ascii: "v"))
        guard let major = part(&scanner) else { return nil }
        var minor: String?
        var patch: String?
        if scanner.current == UInt8(ascii: "."), let next = scanner.peek(1), isPartByte(next) {
            scanner.advance()
            minor = part(&scanner)
            if scanner.current == UInt8(ascii: "."), let next = scanner.peek(1), isPartByte(next) {
                scanner.advance()
                patch = part(&scanner)
            }
        }
        var prerelease: String?
        let beforeDash = scanner.position
        if scanner.skip(UInt8(ascii: "-")) {
            if let identifiers = scanner.identifiers() {
                prerelease = String(decoding: identifiers, as: UTF8.self)
            } else {
                scanner.position = beforeDash  // optional group did not match
            }
        }
        let beforePlus = scanner.position
        if scanner.skip(UInt8(ascii: "+")), scanner.identifiers() == nil {
            scanner.position = beforePlus
        }
        let text = String(decoding: scanner.bytes[start..<scanner.position], as: UTF8.self)
        return ConstraintVersion(text: text, major: major, minor: minor, patch: patch, prerelease: prerelease)
    }

    private static func isPartByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == UInt8(ascii: "x") || byte == UInt8(ascii: "X") || byte == UInt8(ascii: "*")
            || byte == UInt8(ascii: "|")
    }

    private static func part(_ scanner: inout ByteScanner) -> String? {
        let start = scanner.position
        while let byte = scanner.current, isPartByte(byte) { scanner.advance() }
        guard scanner.position > start else { return nil }
        return String(decoding: scanner.bytes[start..<scanner.position], as: UTF8.self)
    }
}

/// One comparison of a range, with the "dirty" flags Masterminds derives from wildcards.
struct Constraint: Sendable {
    enum Operator: Sendable {
        case equalOrTilde, notEqual, greater, less, greaterOrEqual, lessOrEqual, tilde, caret
    }

    let op: Operator
    let text: String
    /// The version compared against (wildcards replaced by 0).
    let bound: SemanticVersion
    let dirty: Bool
    let minorDirty: Bool
    let patchDirty: Bool
    /// Set when the written version is not a version once wildcards are resolved (`1x`).
    let unparsableBound: Bool

    static func parse(_ scanner: inout ByteScanner) -> Constraint? {
        let start = scanner.position
        let op = scanOperator(&scanner)
        scanner.skipSpaces()
        guard let written = ConstraintVersion.scan(&scanner) else { return nil }
        let text = String(decoding: scanner.bytes[start..<scanner.position], as: UTF8.self)
        let suffix = written.prerelease.map { "-" + $0 } ?? ""
        var resolved = written.text
        var dirty = false
        var minorDirty = false
        var patchDirty = false
        if isWildcard(written.major) {
            resolved = "0.0.0" + suffix
            dirty = true
        } else if written.minor.map(isWildcard) ?? true {
            resolved = written.major + ".0.0" + suffix
            dirty = true
            minorDirty = true
        } else if written.patch.map(isWildcard) ?? true {
            resolved = written.major + "." + (written.minor ?? "0") + ".0" + suffix
            dirty = true
            patchDirty = true
        }
        let bound = SemanticVersion(lenient: resolved)
        return Constraint(
            op: op, text: text, bound: bound ?? SemanticVersion(major: 0, minor: 0, patch: 0),
            dirty: dirty, minorDirty: minorDirty, patchDirty: patchDirty, unparsableBound: bound == nil
        )
    }

    private static func isWildcard(_ part: String) -> Bool { part == "x" || part == "X" || part == "*" }

    private static func scanOperator(_ scanner: inout ByteScanner) -> Operator {
        let first = scanner.current
        let second = scanner.peek(1)
        func take(_ count: Int, _ op: Operator) -> Operator {
            scanner.position += count
            return op
        }
        switch (first, second) {
        case (UInt8(ascii: "!"), UInt8(ascii: "=")): return take(2, .notEqual)
        case (UInt8(ascii: ">"), UInt8(ascii: "=")), (UInt8(ascii: "="), UInt8(ascii: ">")):
            return take(2, .greaterOrEqual)
        case (UInt8(ascii: "<"), UInt8(ascii: "=")), (UInt8(ascii: "="), UInt8(ascii: "<")):
            return take(2, .lessOrEqual)
        case (UInt8(ascii: "~"), UInt8(ascii: ">")): return take(2, .tilde)
        case (UInt8(ascii: ">"), _): return take(1, .greater)
        case (UInt8(ascii: "<"), _): return take(1, .less)
        case (UInt8(ascii: "~"), _): return take(1, .tilde)
        case (UInt8(ascii: "^"), _): return take(1, .caret)
        case (UInt8(ascii: "="), _): return take(1, .equalOrTilde)
        default: return .equalOrTilde
        }
    }

    /// The comparison itself; the group-level prerelease rule is applied by `SemverRange`.
    func admits(_ v: SemanticVersion) -> Bool {
        let c = bound
        switch op {
        case .equalOrTilde:
            return dirty ? tildeAdmits(v) : SemanticVersion.compare(v, c) == 0
        case .tilde:
            return tildeAdmits(v)
        case .notEqual:
            if dirty {
                if c.major != v.major { return true }
                if c.minor != v.minor && !minorDirty { return true }
                if minorDirty { return false }
                if c.patch != v.patch && !patchDirty { return true }
                if patchDirty {
                    if !v.prerelease.isEmpty || !c.prerelease.isEmpty {
                        return SemanticVersion.comparePrerelease(v.prerelease, c.prerelease) != 0
                    }
                    return false
                }
            }
            return SemanticVersion.compare(v, c) != 0
        case .greater:
            guard dirty else { return SemanticVersion.compare(v, c) > 0 }
            if v.major != c.major { return v.major > c.major }
            if minorDirty { return false }  // `>11` wants 12 or higher
            if patchDirty { return v.minor > c.minor }  // `>11.1` wants 11.2 or higher
            return SemanticVersion.compare(v, c) > 0
        case .less:
            return SemanticVersion.compare(v, c) < 0
        case .greaterOrEqual:
            return SemanticVersion.compare(v, c) >= 0
        case .lessOrEqual:
            guard dirty else { return SemanticVersion.compare(v, c) <= 0 }
            if v.major > c.major { return false }
            if v.major == c.major && v.minor > c.minor && !minorDirty { return false }
            return true
        case .caret:
            if SemanticVersion.compare(v, c) < 0 { return false }
            if c.major > 0 || minorDirty { return v.major == c.major }
            if v.major > 0 { return false }
            if c.minor > 0 || patchDirty { return v.minor == c.minor }
            if v.minor > 0 { return false }
            return v.patch == c.patch
        }
    }

    private func tildeAdmits(_ v: SemanticVersion) -> Bool {
        let c = bound
        if SemanticVersion.compare(v, c) < 0 { return false }
        // `~0.0.0` and `~*` accept everything.
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !minorDirty && !patchDirty { return true }
        if v.major != c.major { return false }
        if v.minor != c.minor && !minorDirty { return false }
        return true
    }
}

extension ByteScanner {
    /// RE2's `\s`: tab, newline, form feed, carriage return, space.
    @discardableResult
    mutating func skipSpaces() -> Int {
        let start = position
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D {
            position += 1
        }
        return position - start
    }

    func peek(_ offset: Int) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }
}
