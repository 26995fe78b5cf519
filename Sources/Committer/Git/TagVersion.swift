/// A simple three-part version parsed from tags like `v1.2.3` or `1.2.3-rc.1` (Flux-style 3-part parsing).
public struct TagVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Major component.
    public var major: Int
    /// Minor component.
    public var minor: Int
    /// Patch component.
    public var patch: Int
    /// Pre-release identifier after `-` (empty for a release).
    public var prerelease: String

    /// Parses `[v]MAJOR.MINOR.PATCH[-pre][+build]`; nil for anything else.
    public init?(_ text: String) {
        var s = Substring(text)
        if s.first == "v" || s.first == "V" { s = s.dropFirst() }
        if let plus = s.firstIndex(of: "+") { s = s[s.startIndex..<plus] }
        var pre = ""
        if let dash = s.firstIndex(of: "-") {
            pre = String(s[s.index(after: dash)...])
            s = s[s.startIndex..<dash]
            if pre.isEmpty { return nil }
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var nums: [Int] = []
        for p in parts {
            guard !p.isEmpty, p.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(p) else { return nil }
            nums.append(n)
        }
        major = nums[0]; minor = nums[1]; patch = nums[2]; prerelease = pre
    }

    init(major: Int, minor: Int, patch: Int, prerelease: String = "") {
        self.major = major; self.minor = minor; self.patch = patch; self.prerelease = prerelease
    }

    /// `major.minor.patch[-pre]`.
    public var description: String { "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-\(prerelease)") }

    /// Semver ordering; a pre-release sorts before its release (pre-release ids compared as strings).
    public static func < (l: TagVersion, r: TagVersion) -> Bool {
        if (l.major, l.minor, l.patch) != (r.major, r.minor, r.patch) {
            return (l.major, l.minor, l.patch) < (r.major, r.minor, r.patch)
        }
        if l.prerelease == r.prerelease { return false }
        if l.prerelease.isEmpty { return false }
        if r.prerelease.isEmpty { return true }
        return l.prerelease < r.prerelease
    }
}

/// A deliberately small range language: comparators separated by spaces or commas, all must hold
/// (`>=1.0.0 <2.0.0`, `=1.2.3`, `1.2.3`, `*`), plus `1.2.x`/`1.x` wildcards. Alternatives (`||`),
/// `~`/`^` ranges and pre-release matching rules are NOT supported: pass a checker closure instead.
struct SimpleVersionRange {
    private var checks: [(TagVersion) -> Bool] = []

    init?(_ text: String) {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," })
        if tokens.isEmpty { return nil }
        for token in tokens {
            var t = Substring(token)
            if t == "*" || t == "x" { continue }
            var op = "="
            for candidate in [">=", "<=", ">", "<", "="] where t.hasPrefix(candidate) {
                op = candidate
                t = t.dropFirst(candidate.count)
                break
            }
            let parts = t.drop(while: { $0 == "v" }).split(separator: ".")
            if op == "=" && parts.contains(where: { $0 == "x" || $0 == "*" }) || (op == "=" && parts.count < 3) {
                var fixed: [Int] = []
                for p in parts {
                    if p == "x" || p == "*" { break }
                    guard let n = Int(p) else { return nil }
                    fixed.append(n)
                }
                checks.append { v in
                    let comps = [v.major, v.minor, v.patch]
                    return v.prerelease.isEmpty && Array(comps.prefix(fixed.count)) == fixed
                }
                continue
            }
            guard let bound = TagVersion(String(t)) else { return nil }
            switch op {
            case ">=": checks.append { $0 >= bound }
            case "<=": checks.append { $0 <= bound }
            case ">": checks.append { $0 > bound }
            case "<": checks.append { $0 < bound }
            default: checks.append { $0 == bound }
            }
        }
    }

    func contains(_ v: TagVersion) -> Bool {
        if !v.prerelease.isEmpty && checks.isEmpty { return false }
        return checks.allSatisfy { $0(v) }
    }
}
