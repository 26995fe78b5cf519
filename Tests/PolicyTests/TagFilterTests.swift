import Basics
import Testing

@testable import Policy

/// The values a filter hands to the policy: extracted value → the tag that represents it.
private func candidates(pattern: String, extract: String, tags: [String]) throws -> [String: String] {
    let filter = try TagFilter(pattern: pattern, extract: extract)
    let matcher = filter.compiled.makeMatcher()
    var result: [String: String] = [:]
    for tag in tags {
        var copy = tag
        let key: String? = try copy.withUTF8 { bytes in
            try Result { () throws(PolicyError) -> String? in
                guard try matcher.firstMatch(in: bytes) else { return nil }
                guard let template = filter.template else { return tag }
                var out: [UInt8] = []
                template.expand(into: &out, subject: bytes, matcher: matcher)
                return String(decoding: out, as: UTF8.self)
            }.get()
        }
        // Flux keeps the last writer in descending tag order: the smallest tag per value.
        if let key, result[key].map({ BytewiseOrder.compare(tag, $0) < 0 }) ?? true { result[key] = tag }
    }
    return result
}

@Suite("filterTags pattern + extract (flux-compat §3.4)")
struct TagFilterTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var pattern: String
        var extract: String
        var tags: [String]
        var expected: [String: String]
        var testDescription: String { "\(pattern) / \(extract.isEmpty ? "—" : extract)" }
    }

    static let debugTags = [
        "123-123.123.abcd123-debug", "123-123.123.abcd123", "123-123.123.abcd456-debug", "123-123.123.abcd456",
    ]

    static let cases: [Case] = [
        .init(
            pattern: "^ver", extract: "", tags: ["ver1", "ver2", "ver3", "rel1"],
            expected: ["ver1": "ver1", "ver2": "ver2", "ver3": "ver3"]),
        .init(
            pattern: #"ver(\d+)"#, extract: "$1", tags: ["ver1", "ver2", "ver3", "rel1"],
            expected: ["1": "ver1", "2": "ver2", "3": "ver3"]),
        .init(
            pattern: #"^(123-[0-9]+\.[0-9]+\.[a-z0-9]+-debug)"#, extract: "", tags: debugTags,
            expected: [
                "123-123.123.abcd123-debug": "123-123.123.abcd123-debug",
                "123-123.123.abcd456-debug": "123-123.123.abcd456-debug",
            ]),
        .init(
            pattern: #"^(?P<tag>123-[0-9]+\.[0-9]+\.[a-z0-9]+[^-debug])"#, extract: "$tag", tags: debugTags,
            expected: ["123-123.123.abcd123": "123-123.123.abcd123", "123-123.123.abcd456": "123-123.123.abcd456"]),
        .init(
            pattern: #"^(?P<tag>123-[0-9]+\.[0-9]+\.[a-z0-9]+$)"#, extract: "$tag", tags: debugTags,
            expected: ["123-123.123.abcd123": "123-123.123.abcd123", "123-123.123.abcd456": "123-123.123.abcd456"]),
        .init(pattern: "", extract: "", tags: ["a"], expected: ["a": "a"]),
        .init(
            pattern: #"^main-[a-f0-9]+-(?P<ts>\d+)$"#, extract: "$ts",
            tags: ["main-abc-100", "main-def-100", "main-abc-99", "dev-abc-200"],
            expected: ["100": "main-abc-100", "99": "main-abc-99"]),
        .init(pattern: #"v(\d+)"#, extract: "$1x", tags: ["v1", "v2"], expected: ["": "v1"]),
        .init(pattern: #"v(\d+)"#, extract: "${1}x", tags: ["v1", "v2"], expected: ["1x": "v1", "2x": "v2"]),
        .init(pattern: #"v(\d+)"#, extract: "$$1", tags: ["v1"], expected: ["$1": "v1"]),
        .init(pattern: #"v(\d+)"#, extract: "$2", tags: ["v1"], expected: ["": "v1"]),
        .init(
            pattern: #"v(\d+)"#, extract: "prefix-$1", tags: ["v1", "rel-v2-rc"],
            expected: ["prefix-1": "v1", "prefix-2": "rel-v2-rc"]),
        .init(
            pattern: #"(?P<maj>\d+)\.(?P<min>\d+)"#, extract: "$maj.$min.0", tags: ["1.2", "app-3.4-rc"],
            expected: ["1.2.0": "1.2", "3.4.0": "app-3.4-rc"]),
        .init(pattern: "(a)|(b)", extract: "$2", tags: ["a", "b"], expected: ["": "a", "b": "b"]),
        // Go Expand corner cases: whole match, malformed references stay literal, leading zeros are names.
        .init(pattern: #"v(\d+)"#, extract: "[$0]", tags: ["xv12y"], expected: ["[v12]": "xv12y"]),
        .init(pattern: #"v(\d+)"#, extract: "${1", tags: ["v1"], expected: ["${1": "v1"]),
        .init(pattern: #"v(\d+)"#, extract: "$-$", tags: ["v1"], expected: ["$-$": "v1"]),
        .init(pattern: #"v(\d+)"#, extract: "$01", tags: ["v1"], expected: ["": "v1"]),
        .init(pattern: #"(?<n>\d+)"#, extract: "${n}", tags: ["r42"], expected: ["42": "r42"]),
        .init(pattern: #"(?P<é>\d+)"#, extract: "$é!", tags: ["r7"], expected: ["7!": "r7"]),
    ]

    @Test(arguments: cases)
    func expands(_ c: Case) throws {
        #expect(try candidates(pattern: c.pattern, extract: c.extract, tags: c.tags) == c.expected)
    }

    @Test(arguments: ["[=", "^test-(.*"])
    func invalidPattern(_ pattern: String) {
        #expect {
            try TagFilter(pattern: pattern)
        } throws: { error in
            let message = (error as? PolicyError)?.message ?? ""
            return message.hasPrefix("invalid regular expression pattern '\(pattern)': ")
                && message.contains("at offset")
        }
    }

    @Test("RE2 semantics: $ only at the very end, \\d ASCII only")
    func re2Semantics() throws {
        let dollar = try TagFilter(pattern: "^v1$")
        #expect(try dollar.compiled.matches("v1"))
        #expect(try !dollar.compiled.matches("v1\n"))
        let digits = try TagFilter(pattern: #"^\d+$"#)
        #expect(try !digits.compiled.matches("١٢٣"))
    }

    @Test("a catastrophic pattern fails with a clear error instead of hanging")
    func matchLimit() throws {
        let policy = try ImagePolicy(rule: .alphabetical(.asc), filter: TagFilter(pattern: "^(a+)+$"))
        let decision = policy.evaluate([String(repeating: "a", count: 40) + "b"])
        #expect(decision.failure?.code == .matchLimit)
        #expect(decision.failure?.message.contains("'^(a+)+$'") == true)
    }
}

@Suite("exclusion list (flux-compat §2.8)")
struct ExclusionListTests {
    @Test(arguments: [
        ([String](), ["a", "b", "c", "d"]),
        (["[abc]"], ["d"]),
        (["[a]", "[d]"], ["b", "c"]),
    ])
    func filters(_ patterns: [String], _ kept: [String]) throws {
        let list = try ExclusionList(patterns)
        #expect(try ["a", "b", "c", "d"].filter { try !list.excludes($0) } == kept)
    }

    @Test func defaultDropsSignatures() throws {
        let list = try ExclusionList()
        #expect(list.patterns == [#"^.*\.sig$"#])
        #expect(try list.excludes("sha256-abc.sig"))
        #expect(try !list.excludes("1.0.0"))
        // A given list replaces the default.
        #expect(try !ExclusionList(["^dev"]).excludes("sha256-abc.sig"))
    }

    @Test func invalid() {
        #expect(throws: PolicyError.self) { try ExclusionList(["[="]) }
    }
}
