import Testing

@testable import Policy

@Suite("tag parsing and precedence (flux-compat §4.1, §4.2)")
struct VersionTests {
    static let valid: [(String, String)] = [
        ("v1.2.3", "1.2.3"), ("v2025.07.03", "2025.7.3"), ("01.02.03", "1.2.3"),
        ("v1.2.0-x.Y.0+metadata", "1.2.0-x.Y.0+metadata"),
        ("v1.2.0-x.Y.0+metadata-width-hypen", "1.2.0-x.Y.0+metadata-width-hypen"),
        ("v1.2.3-rc1-with-hypen", "1.2.3-rc1-with-hypen"), ("1.2-beta.5", "1.2.0-beta.5"),
        ("1.2.3-0abc", "1.2.3-0abc"), ("1.2.2147483648", "1.2.2147483648"), ("1.2.3+001", "1.2.3+001"),
        ("18446744073709551615.0.0", "18446744073709551615.0.0"),
    ]
    static let invalid = [
        "v1.0", "v1", "v1.2.beta", "v1.2-5", "v1.2-beta5", "\nv1.2", "v1.2.3.4", "V1.2.3", "1.2.3.4",
        "12.3.4.1234", "1.2.3-rc.01", "1.2.3-beta.01", "1.1.2+.123", "9.8.7+meta+meta", "1.0.0-alpha_beta",
        " 1.2.3", "1.2.3 ", "1.2.3-", "1.2.3+", "1.2.3-a..b", "18446744073709551616.0.0", "latest", "",
    ]

    @Test(arguments: valid)
    func parses(_ tag: String, _ normalized: String) throws {
        let version = try #require(SemanticVersion(tag: tag))
        #expect(version.description == normalized)
    }

    @Test(arguments: invalid)
    func rejects(_ tag: String) {
        #expect(SemanticVersion(tag: tag) == nil)
    }

    /// (lower, higher) pairs, and pairs equal in precedence.
    static let ordered: [(String, String)] = [
        ("4.2-beta.1", "4.2-beta.2"), ("4.2-beta1", "4.2-beta2"), ("1.0.0-beta.4", "1.0.0-beta.-2"),
        ("1.0.0-beta.5", "1.0.0-beta.-3"), ("1.0.0-rc.9", "1.0.0-rc.10"), ("1.0.0-rc10", "1.0.0-rc9"),
        ("1.0.0-beta", "1.0.0-beta.2"), ("1.0.0-beta", "1.0.0-beta.foo"), ("1.0.0-rc.1", "1.0.0"),
        ("1.0.0-1", "1.0.0-a"), ("1.9.0", "1.10.0"), ("1.0.0-alpha", "1.0.0-alpha.1"),
    ]

    @Test(arguments: ordered)
    func precedence(_ lower: String, _ higher: String) throws {
        let a = try #require(SemanticVersion(lenient: lower))
        let b = try #require(SemanticVersion(lenient: higher))
        #expect(SemanticVersion.compare(a, b) == -1)
        #expect(SemanticVersion.compare(b, a) == 1)
    }

    @Test(arguments: [("1.2+bar", "1.2+baz"), ("v1.0.0", "1.0.0"), ("1.02.0", "1.2.0")])
    func equalPrecedence(_ lhs: String, _ rhs: String) throws {
        let a = try #require(SemanticVersion(lenient: lhs))
        let b = try #require(SemanticVersion(lenient: rhs))
        #expect(SemanticVersion.compare(a, b) == 0)
    }
}

@Suite("alphabetical and numerical selection (flux-compat §5)")
struct OrderedSelectionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var numerical: Bool
        var order: ImagePolicy.SortOrder
        var tags: [String]
        var selected: String?
        var pattern: String? = nil
        var extract = ""
        var source: String
        var testDescription: String {
            "\(source) \(numerical ? "numerical" : "alphabetical") \(order) → \(selected ?? "nothing")"
        }
    }

    static let ubuntu = ["16.04", "16.04.1", "16.10", "20.04", "20.10"]
    static let names = ["xenial", "yakkety", "zesty", "artful", "bionic"]
    static let stamps = ["1606234201", "1606364286", "1606334092", "1606334284", "1606334201"]
    static let dates = [
        "2021-01-08T21-18-21Z", "2020-05-08T21-18-21Z", "2021-01-08T19-20-00Z", "1990-01-08T00-20-00Z",
        "2023-05-08T00-20-00Z",
    ]

    static let alphabetical: [Case] = [
        .init(numerical: false, order: .asc, tags: ubuntu, selected: "20.10", source: "5.1 #1"),
        .init(numerical: false, order: .desc, tags: ubuntu, selected: "16.04", source: "5.1 #2"),
        .init(numerical: false, order: .asc, tags: names, selected: "zesty", source: "5.1 #3"),
        .init(numerical: false, order: .desc, tags: names, selected: "artful", source: "5.1 #4"),
        .init(numerical: false, order: .asc, tags: stamps, selected: "1606364286", source: "5.1 #5"),
        .init(numerical: false, order: .desc, tags: stamps, selected: "1606234201", source: "5.1 #6"),
        .init(
            numerical: false, order: .asc, tags: stamps.map { "rel-" + $0 }, selected: "rel-1606364286",
            source: "5.1 #7"),
        .init(numerical: false, order: .asc, tags: dates, selected: "2023-05-08T00-20-00Z", source: "5.1 #8"),
        .init(numerical: false, order: .desc, tags: dates, selected: "1990-01-08T00-20-00Z", source: "5.1 #9"),
        .init(numerical: false, order: .asc, tags: [], selected: nil, source: "5.1 #10"),
        .init(
            numerical: false, order: .asc, tags: ["foo-aaa", "bar-bbb", "foo-zzz", "baz-nnn", "foo-ooo"],
            selected: "foo-zzz",
            pattern: "foo-(?P<word>[a-z]+)", extract: "$word", source: "5.1 #13"),
        .init(
            numerical: false, order: .asc,
            tags: ["RELEASE.2023-01-02T03-04-05Z", "RELEASE.2024-11-30T00-00-00Z", "latest"],
            selected: "RELEASE.2024-11-30T00-00-00Z", pattern: #"^RELEASE\.(?P<timestamp>.*)Z$"#, extract: "$timestamp",
            source: "5.1 #14"),
        .init(numerical: false, order: .asc, tags: ["a", "B"], selected: "a", source: "5.1 #15"),
        .init(numerical: false, order: .desc, tags: ["a", "B"], selected: "B", source: "5.1 #15"),
        .init(numerical: false, order: .asc, tags: ["v1.9", "v1.10"], selected: "v1.9", source: "5.1 #16"),
        .init(numerical: false, order: .desc, tags: ["v1.9", "v1.10"], selected: "v1.10", source: "5.1 #16"),
        .init(numerical: false, order: .asc, tags: ["1.10.0", "1.9.0"], selected: "1.9.0", source: "5.1 #17"),
        .init(numerical: false, order: .desc, tags: ["1.10.0", "1.9.0"], selected: "1.10.0", source: "5.1 #17"),
        .init(
            numerical: false, order: .asc, tags: ["main-1", "main-10", "main-9"], selected: "main-9", source: "5.1 #18"),
        .init(
            numerical: false, order: .desc, tags: ["main-1", "main-10", "main-9"], selected: "main-1", source: "5.1 #18"
        ),
        .init(numerical: false, order: .asc, tags: ["é", "z"], selected: "é", source: "bytewise, not Unicode order"),
    ]

    static let numerical: [Case] = [
        .init(
            numerical: true, order: .asc, tags: ["-62", "-88", "73", "72", "15", "16", "15", "29", "-33", "-91"],
            selected: "73", source: "5.2 #1"),
        .init(
            numerical: true, order: .desc, tags: ["5", "-8", "-78", "25", "70", "-4", "80", "92", "-20", "-24"],
            selected: "-78", source: "5.2 #2"),
        .init(
            numerical: true, order: .asc,
            tags: [
                "47.40896403322944", "-27.8561", "-27.93", "-31.35", "-50.41", "-21.96", "24.71",
                "-39.99", "53.47333823144817", "3.2008658570411086",
            ], selected: "53.47333823144817", source: "5.2 #3"),
        .init(
            numerical: true, order: .desc,
            tags: [
                "-65.27", "57.82", "22.40", "-86.36", "-90.29082099756083", "-12.04", "77.70",
                "-38.98", "16.06", "53.73",
            ], selected: "-90.29082099756083", source: "5.2 #4"),
        .init(numerical: true, order: .asc, tags: stamps, selected: "1606364286", source: "5.2 #5"),
        .init(numerical: true, order: .desc, tags: stamps, selected: "1606234201", source: "5.2 #6"),
        .init(numerical: true, order: .asc, tags: ["1"], selected: "1", source: "5.2 #7"),
        .init(numerical: true, order: .desc, tags: ["1"], selected: "1", source: "5.2 #8"),
        .init(numerical: true, order: .asc, tags: ["0", "1a", "b"], selected: nil, source: "5.2 #9"),
        .init(numerical: true, order: .asc, tags: [], selected: nil, source: "5.2 #10"),
        .init(
            numerical: true, order: .asc, tags: ["1.0.0", "1.0.0-rc.1", "1.0.0-rc.2", "1.0.0-rc.3", "1.0.1-rc.2"],
            selected: "1.0.0-rc.3",
            pattern: #"1.0.0-rc\.(?P<num>[0-9]+)"#, extract: "$num", source: "5.2 #11"),
        .init(numerical: true, order: .asc, tags: ["1e3", "999"], selected: "1e3", source: "5.2 #15"),
        .init(numerical: true, order: .desc, tags: ["1e3", "999"], selected: "999", source: "5.2 #15"),
        .init(numerical: true, order: .asc, tags: ["1", "1.0", "01"], selected: "01", source: "5.2 #16"),
        .init(numerical: true, order: .desc, tags: ["1", "1.0", "01"], selected: "01", source: "5.2 #16"),
        .init(numerical: true, order: .asc, tags: ["10", "9", "100"], selected: "100", source: "5.2 #17"),
        .init(numerical: true, order: .desc, tags: ["10", "9", "100"], selected: "9", source: "5.2 #17"),
        .init(
            numerical: true, order: .asc, tags: ["v1", "v2"], selected: nil, pattern: #"v(\d+)"#, extract: "$1x",
            source: "5.2 #18 (empty value)"),
        .init(
            numerical: true, order: .asc,
            tags: ["main-ab-100", "main-cd-99", "dev-ef-200", "feature-ab-300", "latest"], selected: "dev-ef-200",
            pattern: #"^(main|dev|release)-[a-f0-9]+-(?P<ts>[0-9]+)$"#, extract: "$ts", source: "CI tags"),
        .init(
            numerical: true, order: .asc, tags: ["b-1", "a-1.0", "c-01"], selected: "c-01",
            pattern: #"-(.+)$"#, extract: "$1", source: "filtered ties: greatest tag"),
        .init(numerical: true, order: .asc, tags: ["NaN", "5"], selected: "5", source: "NaN, Flux scan order"),
        .init(numerical: true, order: .asc, tags: ["5", "nan", "NaN"], selected: "5", source: "NaN, Flux scan order"),
    ]

    @Test(arguments: alphabetical + numerical)
    func selects(_ c: Case) throws {
        let filter = try c.pattern.map { try TagFilter(pattern: $0, extract: c.extract) }
        let policy = try ImagePolicy(rule: c.numerical ? .numerical(c.order) : .alphabetical(c.order), filter: filter)
        let decision = policy.evaluate(c.tags)
        #expect(decision.selected == c.selected, "\(decision.summary)")
        if c.selected == nil { #expect(decision.failure != nil) }
    }

    @Test("one non-numeric tag fails the whole policy and is named")
    func nonNumericFails() throws {
        let decision = try ImagePolicy(rule: .numerical(.asc)).evaluate(["0", "1a", "b", "7"])
        #expect(decision.failure?.code == .notNumeric)
        #expect(decision.failure?.message == "failed to parse invalid numeric value 'b'")
        #expect(decision.invalid == 2)
        let extracted = try ImagePolicy(rule: .numerical(.asc), filter: TagFilter(pattern: #"v(\d+)"#, extract: "$1x"))
            .evaluate(["v1"])
        #expect(extracted.failure?.message == "failed to parse invalid numeric value '' (extracted from tag 'v1')")
    }

    @Test(arguments: ["asc", "ASC", "Desc", "desc"])
    func ordersParse(_ text: String) throws {
        #expect(try ImagePolicy.SortOrder(parsing: text).rawValue == text.lowercased())
    }

    @Test func invalidOrder() {
        #expect(
            throws: PolicyError(.invalidOrder, "invalid order argument provided: 'invalid', must be one of: ASC, DESC")
        ) {
            try ImagePolicy.SortOrder(parsing: "invalid")
        }
    }
}

@Suite("Go ParseFloat (flux-compat §5.2 #12–14)")
struct GoFloatTests {
    static let numbers: [(String, Double)] = [
        ("1_000", 1000), ("1e3", 1000), ("Inf", .infinity), ("-inf", -.infinity), ("+Infinity", .infinity), ("+5", 5),
        (".5", 0.5), ("5.", 5), ("0012", 12), ("-0.25", -0.25), ("0x1p4", 16), ("0x1.8p1", 3), ("1E-2", 0.01),
        ("1_0.0_1", 10.01),
    ]
    static let notNumbers = [
        "0x10", "0b101", " 5", "1,5", "1.2.3", "", "_1", "1_", "1__0", "1e", "e3", ".", "+nan", "infin", "1e400", "--1",
        "0x", "abc",
    ]

    @Test(arguments: numbers)
    func parses(_ text: String, _ value: Double) {
        #expect(GoFloat.parse(text) == value)
    }

    @Test func nan() {
        #expect(GoFloat.parse("NaN")?.isNaN == true)
        #expect(GoFloat.parse("nan")?.isNaN == true)
    }

    @Test(arguments: notNumbers)
    func rejects(_ text: String) {
        #expect(GoFloat.parse(text) == nil)
    }
}
