// `make bench`: release-build figures. `ImagebotBench policy` (the default) prints, for 100,000
// generated registry-like tags, the median milliseconds per evaluation of three policies;
// `ImagebotBench monorepo DIR [FILES [POLICIES [MARKED‰]]]` writes the GitOps tree that
// scripts/bench-dry-run.sh times; `ImagebotBench tags FILE [COUNT]` writes the same registry-like
// tags, one per line, for scripts/bench-select.sh; `ImagebotBench template` times a 200-line commit
// message template over 1,000 changes. Figures, not assertions: the targets are in the README.
import Policy
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A mix like a busy repository's: semver with and without `v`, prereleases, build metadata,
/// CI tags `main-<sha>-<unix>`, cosign `.sig` tags, bare numbers.
func registryLikeTags(_ count: Int) -> [String] {
    var rng = SplitMix(seed: 2026)
    func sha() -> String { String(UInt32.random(in: 0...UInt32.max, using: &rng), radix: 16) }
    return (0..<count).map { index in
        let version =
            "\(Int.random(in: 0...9, using: &rng)).\(Int.random(in: 0...30, using: &rng)).\(Int.random(in: 0...40, using: &rng))"
        switch index % 10 {
        case 0, 1: return version
        case 2, 3: return "v" + version
        case 4: return version + "-rc.\(Int.random(in: 0...20, using: &rng))"
        case 5: return "v" + version + "+build.\(Int.random(in: 0...999, using: &rng))"
        case 6, 7:
            let branch = ["main", "dev", "release", "feature-x"][Int.random(in: 0..<4, using: &rng)]
            return "\(branch)-\(sha())-\(Int.random(in: 1_600_000_000...1_800_000_000, using: &rng))"
        case 8: return "sha256-\(sha())\(sha())\(sha()).sig"
        default: return String(Int.random(in: 0...100_000, using: &rng))
        }
    }
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

/// Two decimals, right-aligned in 8 columns (no Foundation formatting in this target).
func formatted(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let text = "\(hundredths / 100).\(String(hundredths % 100).count == 1 ? "0" : "")\(hundredths % 100)"
    return String(repeating: " ", count: max(0, 8 - text.count)) + text
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func benchmarkPolicies() throws {
    let tags = registryLikeTags(100_000)
    let exclusions = try ExclusionList()
    let scenarios: [(String, ImagePolicy)] = [
        ("(a) semver '>=1.0.0 <2.0.0'", try ImagePolicy(rule: .semver(range: ">=1.0.0 <2.0.0"))),
        (
            "(b) semver '^5.0', filter '^v(?P<v>.*)$' / '$v'",
            try ImagePolicy(rule: .semver(range: "^5.0"), filter: TagFilter(pattern: "^v(?P<v>.*)$", extract: "$v"))
        ),
        (
            "(c) numerical, filter '^(main|dev|release)-[a-f0-9]+-(?P<ts>[0-9]+)$' / '$ts'",
            try ImagePolicy(
                rule: .numerical(.asc),
                filter: TagFilter(pattern: "^(main|dev|release)-[a-f0-9]+-(?P<ts>[0-9]+)$", extract: "$ts"))
        ),
    ]

    let clock = ContinuousClock()
    let runs = 31
    print("policy evaluation over \(tags.count) tags, default exclusion list, median of \(runs) runs (release build):")
    for (name, policy) in scenarios {
        _ = policy.evaluate(tags, excluding: exclusions)  // warm-up
        var samples: [Double] = []
        var decision = PolicyDecision()
        for _ in 0..<runs {
            let start = clock.now
            decision = policy.evaluate(tags, excluding: exclusions)
            samples.append(milliseconds(clock.now - start))
        }
        let figure = formatted(median(samples))
        print("  \(figure) ms  \(name) -> \(decision.selected ?? "nothing") (\(decision.eligible) eligible)")
    }
    print("target: at most 15 ms per evaluation on 2 cores")
}

switch CommandLine.arguments.dropFirst().first {
case "monorepo":
    let arguments = Array(CommandLine.arguments.dropFirst(2))
    guard let directory = arguments.first else {
        print("usage: ImagebotBench monorepo DIR [FILES [POLICIES [MARKED_PER_MILLE]]]")
        exit(2)
    }
    func number(_ index: Int, _ fallback: Int) -> Int {
        arguments.count > index ? Int(arguments[index]) ?? fallback : fallback
    }
    let summary = try writeMonorepo(
        at: directory, files: number(1, 10_000), policies: number(2, 50), markedPerMille: number(3, 150))
    print(summary)
case "template":
    try benchmarkCommitTemplate()
case "tags":
    let arguments = Array(CommandLine.arguments.dropFirst(2))
    guard let path = arguments.first, let file = fopen(path, "w") else {
        print("usage: ImagebotBench tags FILE [COUNT]")
        exit(2)
    }
    let count = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
    for tag in registryLikeTags(count) { fputs(tag + "\n", file) }
    fclose(file)
default:
    try benchmarkPolicies()
}
