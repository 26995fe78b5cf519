import Policy
import Testing

@Suite("semver policies know a downgrade when they see one")
struct DowngradeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var range = "*"
        var pattern: String?
        var extract = ""
        var current: String
        var proposed: String
        var downgrade: Bool?
        var testDescription: String {
            "\(current) → \(proposed) under \(range)\(pattern.map { " \($0)" } ?? ""): \(String(describing: downgrade))"
        }
    }

    @Test(arguments: [
        Case(range: "^1.0", current: "1.2.0", proposed: "1.1.0", downgrade: true),
        Case(range: "^1.0", current: "1.1.0", proposed: "1.2.0", downgrade: false),
        Case(range: "^1.0", current: "v1.2.0", proposed: "1.1.0", downgrade: true),
        Case(range: "^1.0", current: "2.0.0", proposed: "1.9.0", downgrade: true),  // outside the range, still lower
        Case(current: "1.0.0", proposed: "1.0.0-rc.1", downgrade: true),
        Case(current: "1.0.0-rc.1", proposed: "1.0.0", downgrade: false),
        Case(current: "1.0.0-rc.2", proposed: "1.0.0-rc.10", downgrade: false),
        Case(current: "1.0.0", proposed: "1.0.0+build.7", downgrade: false),  // equal precedence
        Case(current: "latest", proposed: "1.1.0", downgrade: nil),  // the file holds no version
        Case(current: "1.1.0", proposed: "main", downgrade: nil),
        Case(
            pattern: "^v(?P<v>.*)-linux$", extract: "$v", current: "v2.0.0-linux", proposed: "v1.0.0-linux",
            downgrade: true),
        Case(
            pattern: "^v(?P<v>.*)-linux$", extract: "$v", current: "v1.0.0-linux", proposed: "v2.0.0-linux",
            downgrade: false),
        Case(pattern: "^v(?P<v>.*)-linux$", extract: "$v", current: "hotfix", proposed: "v1.0.0-linux", downgrade: nil),
    ])
    func semver(_ c: Case) throws {
        let filter = try c.pattern.map { pattern throws(PolicyError) in
            try TagFilter(pattern: pattern, extract: c.extract)
        }
        let policy = try ImagePolicy(rule: .semver(range: c.range), filter: filter)
        #expect(policy.isDowngrade(from: c.current, to: c.proposed) == c.downgrade)
    }

    @Test func otherRulesHaveNoVersionOrder() throws {
        #expect(try ImagePolicy(rule: .alphabetical(.asc)).isDowngrade(from: "b", to: "a") == nil)
        #expect(try ImagePolicy(rule: .numerical(.asc)).isDowngrade(from: "2", to: "1") == nil)
    }
}
