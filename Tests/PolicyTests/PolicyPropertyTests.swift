import Basics
import TestSupport
import Testing

@testable import Policy

/// Registry-like tags: semver with and without `v`, prereleases, metadata, junk, CI tags.
func randomTags(count: Int, using rng: inout SplitMix) -> [String] {
    (0..<count).map { _ in
        let major = Int.random(in: 0...3, using: &rng)
        let minor = Int.random(in: 0...12, using: &rng)
        let patch = Int.random(in: 0...12, using: &rng)
        var tag = "\(major).\(minor).\(patch)"
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: tag = "v" + tag
        case 1: tag += "-rc.\(Int.random(in: 0...9, using: &rng))"
        case 2: tag += "+build.\(Int.random(in: 0...9, using: &rng))"
        case 3: tag = "v\(major).\(minor)"
        case 4:
            tag =
                "main-\(String(UInt32.random(in: 0...UInt32.max, using: &rng), radix: 16))-\(Int.random(in: 1_700_000_000...1_800_000_000, using: &rng))"
        case 5: tag = "0\(major).0\(minor).\(patch)"
        default: break
        }
        return tag
    }
}

@Suite("properties over generated tag lists")
struct PolicyPropertyTests {
    static let ranges = ["^1.0", ">=1.0.0 <2.0.0", "~2.3", "1.x || 3.x", ">=1.0.0-0", "*", "<=1.5", "!=2.x"]

    @Test(arguments: ranges)
    func semverWinnerIsInRangeAndMaximal(_ range: String) throws {
        // A seed from the range's bytes (hashValue is randomised per process).
        var rng = SplitMix(
            seed: range.utf8.reduce(1_469_598_103_934_665_603) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 })
        let semverRange = try SemverRange(range)
        let policy = try ImagePolicy(rule: .semver(range: range))
        for _ in 0..<40 {
            let tags = randomTags(count: 60, using: &rng)
            let decision = policy.evaluate(tags)
            let eligible = tags.compactMap { tag in SemanticVersion(tag: tag).map { (tag, $0) } }.filter {
                semverRange.contains($0.1)
            }
            guard let selected = decision.selected else {
                #expect(eligible.isEmpty)
                continue
            }
            let winner = try #require(SemanticVersion(tag: selected))
            #expect(semverRange.contains(winner))
            #expect(!eligible.contains { SemanticVersion.compare($0.1, winner) > 0 })
            // Ties go to the bytewise greatest tag.
            #expect(
                !eligible.contains {
                    SemanticVersion.compare($0.1, winner) == 0 && BytewiseOrder.compare($0.0, selected) > 0
                })
        }
    }

    @Test(arguments: [
        ImagePolicy.Rule.semver(range: ">=1.0.0"), .semver(range: "^0"), .alphabetical(.asc), .alphabetical(.desc),
    ])
    func shufflingNeverChangesTheAnswer(_ rule: ImagePolicy.Rule) throws {
        var rng = SplitMix(seed: 42)
        let policy = try ImagePolicy(rule: rule, filter: TagFilter(pattern: "^v?(?P<v>.*)$", extract: "$v"))
        for _ in 0..<30 {
            let tags = randomTags(count: 50, using: &rng)
            let expected = policy.evaluate(tags)
            for _ in 0..<5 {
                #expect(policy.evaluate(tags.shuffled(using: &rng)) == expected)
            }
        }
    }

    @Test func numericalShufflingNeverChangesTheAnswer() throws {
        var rng = SplitMix(seed: 7)
        for order in ImagePolicy.SortOrder.allCases {
            let plain = try ImagePolicy(rule: .numerical(order))
            let filtered = try ImagePolicy(
                rule: .numerical(order), filter: TagFilter(pattern: "^x?(.*)$", extract: "$1"))
            for _ in 0..<30 {
                let tags = (0..<30).map { _ in
                    let n = Int.random(in: -5...5, using: &rng)
                    return ["\(n)", "\(n).0", "0\(abs(n))", "x\(n)"][Int.random(in: 0..<4, using: &rng)]
                }
                let numeric = tags.filter { !$0.hasPrefix("x") }
                let expected = plain.evaluate(numeric)
                let expectedFiltered = filtered.evaluate(tags)
                for _ in 0..<5 {
                    #expect(plain.evaluate(numeric.shuffled(using: &rng)) == expected)
                    #expect(filtered.evaluate(tags.shuffled(using: &rng)) == expectedFiltered)
                }
            }
        }
    }
}
