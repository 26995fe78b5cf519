import Testing

@testable import Policy

/// One selection fact: a range, the tags a repository holds, and the tag Flux selects (nil:
/// nothing is selected).
struct SelectionCase: CustomTestStringConvertible, Sendable {
    var range: String
    var tags: [String]
    var selected: String?
    var pattern: String? = nil
    var extract: String = ""
    var exclusions: [String] = []
    var source: String

    var testDescription: String { "\(source): \(range) over \(tags.count) tags → \(selected ?? "nothing")" }
}

private func select(_ c: SelectionCase) throws -> PolicyDecision {
    let filter = try c.pattern.map { try TagFilter(pattern: $0, extract: c.extract) }
    let policy = try ImagePolicy(rule: .semver(range: c.range), filter: filter)
    return policy.evaluate(c.tags, excluding: try ExclusionList(c.exclusions))
}

@Suite("semver selection (flux-compat §4.6 table A, §4.8 table C)")
struct SemverSelectionTests {
    static let tableA: [SelectionCase] = [
        .init(
            range: "1.0.x", tags: ["1.0.0", "1.0.0.1", "1.0.0p", "1.0.1", "1.2.0", "0.1.0"], selected: "1.0.1",
            source: "A1"),
        .init(range: "1.0.x", tags: ["v1.2.3", "v1.0.0", "v0.1.0"], selected: "v1.0.0", source: "A2"),
        .init(range: "1.0.x", tags: ["b1.2.3", "b1.0.0", "b0.1.0"], selected: nil, source: "A3"),
        .init(range: "1.0.x", tags: [], selected: nil, source: "A4"),
        .init(range: "1.0.x", tags: ["1.2.0"], selected: nil, source: "A5"),
        .init(
            range: "1.0.x", tags: ["0.1.0", "0.1.1", "0.2.0", "1.0.0", "1.0.1", "1.0.2", "1.1.0-alpha"],
            selected: "1.0.2", source: "A8"),
        .init(
            range: ">=0.x", tags: ["test-0.1.0", "test-0.1.1", "dev-0.2.0", "1.0.0", "1.0.1", "1.0.2", "1.1.0-alpha"],
            selected: "test-0.1.1", pattern: "^test-(.*)$", extract: "$1", source: "A10"),
        .init(range: "1.0.x", tags: ["1.0.0", "1.0.1"], selected: "1.0.1", source: "A11"),
        .init(range: "1.0.x", tags: ["1.0.0", "2.0.0", "1.0.1", "1.2.0"], selected: "1.0.1", source: "A12"),
        .init(range: "v1.0.x", tags: ["v1.0.0", "v2.0.0", "v1.0.1", "v1.2.0"], selected: "v1.0.1", source: "A13"),
        .init(range: "v1.0.x", tags: ["1.0.0", "2.0.0", "1.0.1", "1.2.0"], selected: "1.0.1", source: "A14"),
        .init(range: "1.0.x", tags: ["v1.0.0", "v2.0.0", "v1.0.1", "v1.2.0"], selected: "v1.0.1", source: "A15"),
        .init(range: "v1.x", tags: ["v1.0.0", "v1.1.0", "v1.1.1", "v2.0.0"], selected: "v1.1.1", source: "A17"),
        .init(range: "v2.x", tags: ["v1.0.0", "v1.1.0", "v1.1.1", "v2.0.0"], selected: "v2.0.0", source: "A18"),
        .init(range: "=v1.1.1", tags: ["v1.0.0", "v1.1.0", "v1.1.1", "v2.0.0"], selected: "v1.1.1", source: "A19"),
        .init(
            range: "6.7.x", tags: ["6.6.0", "6.7.0", "6.7.1", "6.7.1-rc.1", "6.8.0"], selected: "6.7.1",
            pattern: #"^6\.7\.\d+$"#, source: "A20"),
        .init(
            range: "6.7.x", tags: ["6.6.0", "6.7.0", "6.7.1", "6.7.1-rc.1", "6.8.0"], selected: "6.7.0",
            pattern: #"^6\.7\.\d+$"#, exclusions: [#"^6\.7\.1$"#], source: "A20 excluded"),
        .init(range: "1.x", tags: ["1.0.1", "1.0.2", "1.1.0-alpha"], selected: "1.0.2", source: "A21 (same ns)"),
        .init(
            range: ">0.1.0", tags: ["v0.0.1", "v0.1.0+build-1", "v0.1.0+build-2", "v0.1.0+build-3", "0.2.0"],
            selected: "0.2.0", source: "A23"),
        .init(
            range: "<0.2.0", tags: ["v0.0.1", "v0.1.0+build-1", "v0.1.0+build-2", "v0.1.0+build-3", "0.2.0"],
            selected: "v0.1.0+build-3", source: "A24"),
        .init(
            range: ">=1.0.0", tags: ["v0.0.1", "v0.1.0+build-1", "v0.1.0+build-2", "v0.1.0+build-3", "0.2.0"],
            selected: nil, source: "A25"),
    ]

    static let tableC: [SelectionCase] = [
        .init(range: "1.x", tags: ["1.0.0", "v1.0.0", "1.0.0+build"], selected: "v1.0.0", source: "C1"),
        .init(range: "1.x", tags: ["1.0.0+a", "1.0.0+b"], selected: "1.0.0+b", source: "C2"),
        .init(range: ">=1.0.0", tags: ["1.0.0", "1.1.0-rc.1"], selected: "1.0.0", source: "C3"),
        .init(range: ">=1.0.0-0", tags: ["1.0.0", "1.1.0-rc.1"], selected: "1.1.0-rc.1", source: "C4"),
        .init(range: "^1.x-0", tags: ["1.0.0", "1.1.0-rc.1", "2.0.0-rc.1"], selected: "1.1.0-rc.1", source: "C5"),
        .init(
            range: ">=1.0.0 <2.0.0 || >=2.0.0-0", tags: ["1.5.0", "2.0.0-rc.1"], selected: "2.0.0-rc.1", source: "C6"),
        .init(range: ">=1.0.0 <2.0.0 || >=3.0.0", tags: ["1.5.0", "3.1.0-rc.1"], selected: "1.5.0", source: "C7"),
        .init(range: ">1.1", tags: ["1.1.5"], selected: nil, source: "C8"),
        .init(range: "<=1.1", tags: ["1.1.9", "1.2.0"], selected: "1.1.9", source: "C9"),
        .init(range: "^0.0", tags: ["0.0.9", "0.1.0"], selected: "0.0.9", source: "C10"),
        .init(range: "1.2.3 - 1.4", tags: ["1.4.9", "1.5.0"], selected: "1.4.9", source: "C11"),
        .init(range: "*", tags: ["1.0.0", "2.0.0-rc.1"], selected: "1.0.0", source: "C12"),
        .init(range: "v1.0.x", tags: ["1.0.0", "v1.0.5"], selected: "v1.0.5", source: "C13"),
        .init(range: ">=2025.1.0", tags: ["v2025.07.03", "v2025.10.01"], selected: "v2025.10.01", source: "C14"),
        .init(range: ">=1.2.0-0", tags: ["1.2-beta.5", "1.2.0-beta.4"], selected: "1.2-beta.5", source: "C15"),
        .init(
            range: "~3.3.x-0", tags: ["3.3.0-SNAPSHOT.b.1", "3.3.0-SNAPSHOT.a.9", "3.3.1"], selected: "3.3.1",
            source: "C16"),
        .init(
            range: ">=0.0.0-0", tags: ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0-rc.1"],
            selected: "1.0.0-rc.1", source: "C17"),
        .init(range: ">=0.0.0-0", tags: ["1.0.0-rc9", "1.0.0-rc10"], selected: "1.0.0-rc9", source: "C18"),
        .init(range: "1.x || 2.x", tags: ["1.9.0", "2.0.0", "3.0.0"], selected: "2.0.0", source: "C19"),
    ]

    @Test(arguments: tableA + tableC)
    func selects(_ c: SelectionCase) throws {
        let decision = try select(c)
        #expect(decision.selected == c.selected, "\(decision.summary)")
        if c.selected == nil { #expect(decision.failure != nil) }
    }

    @Test("an empty list is 'no candidates', a list with no match is 'nothing in range'")
    func failureKinds() throws {
        let empty = try ImagePolicy(rule: .semver(range: "1.0.x")).evaluate([])
        #expect(empty.failure?.code == .noCandidates)
        let none = try ImagePolicy(rule: .semver(range: "1.0.x")).evaluate(["1.2.0", "2.0.0", "latest"])
        #expect(none.failure?.code == .nothingInRange)
        #expect(none.failure?.message.contains("\"1.0.x\"") == true)
        #expect(none.outsideRange == 2 && none.invalid == 1)
    }

    @Test("the decision record accounts for every tag")
    func decisionCounts() throws {
        let policy = try ImagePolicy(rule: .semver(range: "^1.0"), filter: TagFilter(pattern: "^v"))
        let tags = ["v1.0.0", "v1.2.0", "v2.0.0", "v1.0", "1.5.0", "v1.3.0.sig", "v1.1.0-rc.1"]
        let decision = policy.evaluate(tags, excluding: try ExclusionList())
        #expect(decision.selected == "v1.2.0")
        #expect(decision.candidates == 7)
        #expect(decision.excluded == 1)
        #expect(decision.filteredOut == 1)
        #expect(decision.invalid == 1)
        #expect(decision.outsideRange == 2)
        #expect(decision.eligible == 2)
        #expect(
            decision.excluded + decision.filteredOut + decision.invalid + decision.outsideRange + decision.eligible == 7
        )
    }

    @Test("equal versions after extraction resolve to the bytewise greatest tag, whatever the input order")
    func deterministicTies() throws {
        let policy = try ImagePolicy(rule: .semver(range: "1.x"), filter: TagFilter(pattern: ".*"))
        var tags = ["1.0.0", "v1.0.0", "1.0.0+build"]
        for _ in 0..<6 {
            let decision = policy.evaluate(tags)
            #expect(decision.selected == "v1.0.0")
            #expect(Set(decision.tiedWith) == ["1.0.0", "1.0.0+build"])
            tags = Array(tags.dropFirst()) + [tags[0]]
        }
    }
}

@Suite("semver ranges (flux-compat §4.3, §4.7 table B)")
struct SemverRangeTests {
    struct Check: CustomTestStringConvertible, Sendable {
        var range: String
        var version: String
        var satisfies: Bool
        var testDescription: String { "\(range) vs \(version): \(satisfies)" }
    }

    static let tableB: [Check] = [
        .init(range: "=2.0", version: "2.0.1", satisfies: true),
        .init(range: "=2.0", version: "1.2.3", satisfies: false),
        .init(range: "!=4.1", version: "4.1.1", satisfies: false),
        .init(range: "!=4.1-alpha", version: "4.1.0", satisfies: true),
        .init(range: "!=4.1.0", version: "5.1.0-alpha.1", satisfies: false),
        .init(range: "<11", version: "11.1.0", satisfies: false),
        .init(range: "<1.1", version: "1.1.1", satisfies: false),
        .init(range: "<=11", version: "11.2.3", satisfies: true),
        .init(range: "<=1.1", version: "1.1.1", satisfies: true),
        .init(range: ">1.1", version: "4.1.0", satisfies: true),
        .init(range: ">11.1", version: "11.1.1", satisfies: false),
        .init(range: ">11.1", version: "11.2.1", satisfies: true),
        .init(range: ">0.0.0-0", version: "0.0.0-alpha", satisfies: true),
        .init(range: ">=0", version: "0.0.1-alpha", satisfies: false),
        .init(range: ">=0-0", version: "0.0.1-alpha", satisfies: true),
        .init(range: ">=0.0.0-0", version: "3.4.5-beta.1", satisfies: true),
        .init(range: "<0-z", version: "0.0.0-alpha", satisfies: true),
        .init(range: "*", version: "1.2.3-alpha.1", satisfies: false),
        .init(range: "*-0", version: "1.2.3-alpha.1", satisfies: true),
        .init(range: "2.*", version: "2.1.1", satisfies: true),
        .init(range: "2.1.*", version: "2.2.1", satisfies: false),
        .init(range: "~1.2.3", version: "1.3.4", satisfies: false),
        .init(range: "~1.2", version: "1.2.4", satisfies: true),
        .init(range: "~1", version: "2.3.4", satisfies: false),
        .init(range: "~1.2.3-beta.2", version: "1.2.4-beta.2", satisfies: true),
        .init(range: "~1.2.3-beta.2", version: "1.3.4-beta.2", satisfies: false),
        .init(range: "~1.1", version: "1.1.1-alpha", satisfies: false),
        .init(range: "~1.1-alpha", version: "1.1.1-beta", satisfies: true),
        .init(range: "~1.1.1-beta", version: "1.1.1-alpha", satisfies: false),
        .init(range: "^1.2.3", version: "1.2.1", satisfies: false),
        .init(range: "^1.2.0", version: "1.2.1-alpha.1", satisfies: false),
        .init(range: "^1.2.0-alpha.0", version: "1.2.1-alpha.1", satisfies: true),
        .init(range: "^1.2.0-alpha.2", version: "1.2.0-alpha.1", satisfies: false),
        .init(range: "^0.2.3", version: "0.5.6", satisfies: false),
        .init(range: "^0.0.3", version: "0.0.4", satisfies: false),
        .init(range: "^0.0", version: "0.1.4", satisfies: false),
        .init(range: "^0", version: "1.1.4", satisfies: false),
        .init(range: "^1.x", version: "1.1.1-beta1", satisfies: false),
        .init(range: "^1.1.2-alpha", version: "1.2.1-beta1", satisfies: true),
        .init(range: "0.x.x", version: "1.2.3", satisfies: false),
        .init(range: "~0.0.0", version: "1.2.3", satisfies: true),
        .init(range: ">1.1, <2", version: "1.1.1", satisfies: false),
        .init(range: ">=1.1, <2, !=1.2.3 || > 3", version: "4.1.2", satisfies: true),
        .init(range: ">=1.1, <2, !=1.2.3 || > 3", version: "3.0.0", satisfies: false),
        .init(range: ">= 1.0.0  <= 2.0.0-beta", version: "1.0.1-beta", satisfies: true),
        .init(range: ">= 1.0.0  <= 2.0.0-beta || > 3", version: "3.0.1-beta", satisfies: false),
        .init(range: ">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3", version: "1.0.1-beta", satisfies: false),
        .init(range: "1.5.0 - 4.5", version: "3.7.0", satisfies: true),
        .init(range: "1.1-3", version: "4.3.2", satisfies: false),
        .init(range: "1.0.0 - 2.0.0, <=2.0.0", version: "1.5.0", satisfies: true),
        // §4.3 facts beyond table B.
        .init(range: "~1.2.3", version: "1.2.9", satisfies: true),
        .init(range: "^1.2.3", version: "1.9.0", satisfies: true),
        .init(range: "^0.2.3", version: "0.2.9", satisfies: true),
        .init(range: "^0.0.3", version: "0.0.3", satisfies: true),
        .init(range: "^0", version: "0.9.9", satisfies: true),
        .init(range: "^0.0.0", version: "1.2.3", satisfies: false),
        .init(range: "!=4.x", version: "4.9.1", satisfies: false),
        .init(range: "!=4.x", version: "5.0.0", satisfies: true),
        .init(range: "<1.x", version: "0.1.1", satisfies: true),
        .init(range: "<1.x", version: "1.1.1", satisfies: false),
        .init(range: ">11", version: "11.1.0", satisfies: false),
        .init(range: "~*", version: "7.0.0", satisfies: true),
    ]

    @Test(arguments: tableB)
    func check(_ c: Check) throws {
        let range = try SemverRange(c.range)
        let version = try #require(SemanticVersion(tag: c.version))
        #expect(range.contains(version) == c.satisfies)
        // Flux reads a one-tag list the same way: selected iff the tag satisfies the range.
        let decision = try ImagePolicy(rule: .semver(range: c.range)).evaluate([c.version])
        #expect((decision.selected == c.version) == c.satisfies)
    }

    static let accepted = [
        "1.0.x", "^1.0", "=1.0.0", "~1.0", ">=1.0", ">0,<2.0", ">=v1.0", "~>1.2", "=>1.2", "=<1.2", "^1.2.x-alpha",
        "12.3.34 ~1.2.3", ">= 1.2.3, < 2.0", ">= 1.2.3 < 2.0", ">=1.1    <2    !=1.2.3", "1.x || 2.x", "*", "x", "X",
    ]
    static let rejected = [
        "1.0.0p", "1x", "x1", "-1", "a", "", "*-*", "1.0.0 -2.0.0", ">= 1.0 ||", "latest", "1.2.3.4",
        "v1.2.3-beta.01", "12.3.4.1234", "12.3.34~ 1.2.3", ">= bar", "BAR >= 1.2.3", ">=1.0,,<2", "! 1.0",
    ]

    @Test(arguments: accepted)
    func accepts(_ range: String) {
        #expect(throws: Never.self) { try SemverRange(range) }
    }

    @Test(arguments: rejected)
    func rejects(_ range: String) {
        #expect {
            try SemverRange(range)
        } throws: { error in
            let error = error as? PolicyError
            return error?.code == .invalidRange && error?.message.contains("\"\(range)\"") == true
        }
    }

    @Test("hyphen ranges are rewritten before the || split, spaces required")
    func hyphenRewrite() {
        #expect(SemverRange.rewriteHyphenRanges("1.2.3 - 1.4") == ">= 1.2.3, <= 1.4 ")
        #expect(SemverRange.rewriteHyphenRanges("1.1-3") == "1.1-3")
        #expect(SemverRange.rewriteHyphenRanges("1 - 2 || 4 - 5") == ">= 1, <= 2 ||>= 4, <= 5 ")
    }
}
