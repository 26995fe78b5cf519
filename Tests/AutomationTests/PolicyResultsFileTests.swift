import Foundation
import Setters
import Testing

@testable import Automation

/// `--set` and `--set-file`: results given by hand, one per line or as `imagebot scan --output json`.
@Suite("policy results from --set and --set-file")
struct PolicyResultsFileTests {
    struct Assignment: CustomTestStringConvertible, Sendable {
        var text: String
        var policy: String
        var reference: ImageRef
        var testDescription: String { text }
    }

    @Test(arguments: [
        Assignment(
            text: "apps:web=ghcr.io/acme/web:1.2.3", policy: "apps:web",
            reference: ImageRef(name: "ghcr.io/acme/web", tag: "1.2.3")),
        Assignment(
            text: "apps:web=localhost:5000/web:v1@sha256:abc", policy: "apps:web",
            reference: ImageRef(name: "localhost:5000/web", tag: "v1", digest: "sha256:abc")),
        Assignment(text: "a:b=alpine:3", policy: "a:b", reference: ImageRef(name: "alpine", tag: "3")),
        // `=` in the image part is the image's (only the first one splits).
        Assignment(text: "a:b=reg/x:t=1", policy: "a:b", reference: ImageRef(name: "reg/x", tag: "t=1")),
    ])
    func assignments(_ c: Assignment) throws {
        let (policy, reference) = try PolicyResultsFile.parseAssignment(c.text[...])
        #expect(policy == c.policy)
        #expect(reference == c.reference)
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        var text: String
        var code: PolicyResultsError.Code
        var message: String
        var testDescription: String { text }
    }

    @Test(arguments: [
        Bad(text: "ns:p", code: .invalidResult, message: "--set 'ns:p': expected NS:NAME=IMAGE:TAG[@DIGEST]"),
        Bad(
            text: "ns-only=img:1", code: .invalidPolicy,
            message: "--set 'ns-only=img:1': the policy must be NAMESPACE:NAME, got 'ns-only'"),
        Bad(text: "a:b:c=img:1", code: .invalidPolicy, message: "the policy must be NAMESPACE:NAME, got 'a:b:c'"),
        Bad(text: ":b=img:1", code: .invalidPolicy, message: "the policy must be NAMESPACE:NAME"),
        Bad(text: "ns:p=localhost:5000/app", code: .missingTag, message: "the image needs a tag"),
        Bad(text: "ns:p=app:", code: .missingTag, message: "the image needs a tag"),
        Bad(text: "ns:p=:1", code: .missingTag, message: "the image needs a tag"),
        Bad(text: "ns:p=app:1@sha256", code: .invalidDigest, message: "a digest looks like sha256:<hex>, got 'sha256'"),
        Bad(text: "ns:p=app:1@sha256:", code: .invalidDigest, message: "a digest looks like sha256:<hex>"),
    ])
    func commandLineErrors(_ c: Bad) {
        #expect {
            _ = try PolicyResultsFile.parseCommandLine(["a:ok=img:1", c.text])
        } throws: { error in
            guard let error = error as? PolicyResultsError else { return false }
            return error.code == c.code && error.message.contains(c.message)
                && error.message.hasPrefix("--set '\(c.text)': ")
        }
    }

    @Test("on the command line the last --set for a policy wins")
    func lastSetWins() throws {
        let results = try PolicyResultsFile.parseCommandLine(["a:b=img:1", "a:c=img:2", "a:b=img:3"])
        #expect(results == ["a:b": ImageRef(name: "img", tag: "3"), "a:c": ImageRef(name: "img", tag: "2")])
    }

    @Test("lines: blanks around a result, blank lines, # comments and CRLF are fine")
    func lines() throws {
        let text = "# from CI\n\n  apps:web=ghcr.io/acme/web:1.2.3  \r\n\t# another\r\napps:api=api:2@sha256:ff\n   \n"
        let entries = try PolicyResultsFile.parse(Array(text.utf8))
        #expect(
            entries == [
                .init(policy: "apps:web", reference: ImageRef(name: "ghcr.io/acme/web", tag: "1.2.3"), line: 3),
                .init(policy: "apps:api", reference: ImageRef(name: "api", tag: "2", digest: "sha256:ff"), line: 5),
            ])
        #expect(try PolicyResultsFile.parse([]) == [])
        #expect(try PolicyResultsFile.parse(Array("# nothing yet\n".utf8)) == [])
    }

    struct BadFile: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var code: PolicyResultsError.Code
        var line: Int?
        var message: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        BadFile(
            name: "no =", text: "a:b=img:1\nnonsense\n", code: .invalidResult, line: 2,
            message: "expected NS:NAME=IMAGE:TAG[@DIGEST], got 'nonsense'"),
        BadFile(
            name: "trailing comment", text: "a:b=img:1 # pinned\n", code: .invalidResult, line: 1,
            message: "a blank inside 'a:b=img:1 # pinned'"),
        BadFile(
            name: "bad policy", text: "\n\nab=img:1\n", code: .invalidPolicy, line: 3,
            message: "the policy must be NAMESPACE:NAME, got 'ab'"),
        BadFile(
            name: "no tag", text: "a:b=localhost:5000/img", code: .missingTag, line: 1, message: "the image needs a tag"
        ),
        BadFile(
            name: "bad digest", text: "a:b=img:1@md5", code: .invalidDigest, line: 1,
            message: "a digest looks like sha256:<hex>, got 'md5'"),
        BadFile(
            name: "twice", text: "a:b=img:1\na:c=img:1\na:b=img:2\n", code: .duplicatePolicy, line: 3,
            message: "a:b was already given on line 1"),
        BadFile(name: "JSON syntax", text: "{\"policies\": [", code: .invalidJSON, line: nil, message: "invalid JSON"),
        BadFile(
            name: "JSON without policies", text: "{\"repositories\": []}", code: .invalidJSON, line: nil,
            message: "a JSON document needs \"policies\""),
        BadFile(
            name: "JSON entry without name", text: "[{\"namespace\": \"a\"}]", code: .invalidJSON, line: nil,
            message: "invalid scan JSON: [0] has no \"name\""),
        BadFile(
            name: "JSON latestRef without tag",
            text: "[{\"namespace\": \"a\", \"name\": \"b\", \"latestRef\": {\"name\": \"img\"}}]",
            code: .invalidJSON, line: nil, message: "invalid scan JSON: [0].latestRef has no \"tag\""),
        BadFile(
            name: "JSON empty tag",
            text: "[{\"namespace\": \"a\", \"name\": \"b\", \"latestRef\": {\"name\": \"img\", \"tag\": \"\"}}]",
            code: .missingTag, line: nil, message: "policies[0] (a:b): latestRef needs a name and a tag"),
        BadFile(
            name: "JSON bad digest",
            text:
                "[{\"namespace\": \"a\", \"name\": \"b\", \"latestRef\": {\"name\": \"i\", \"tag\": \"1\", \"digest\": \"x\"}}]",
            code: .invalidDigest, line: nil, message: "policies[0] (a:b): a digest looks like sha256:<hex>, got 'x'"),
        BadFile(
            name: "JSON twice",
            text:
                "[{\"namespace\": \"a\", \"name\": \"b\", \"latestRef\": {\"name\": \"i\", \"tag\": \"1\"}}, {\"namespace\": \"a\", \"name\": \"b\", \"latestRef\": {\"name\": \"i\", \"tag\": \"2\"}}]",
            code: .duplicatePolicy, line: nil, message: "policies[1] (a:b): already given as policies[0]"),
    ])
    func fileErrors(_ c: BadFile) {
        #expect {
            _ = try PolicyResultsFile.parse(Array(c.text.utf8))
        } throws: { error in
            guard let error = error as? PolicyResultsError else { return false }
            return error.code == c.code && error.line == c.line && error.message.contains(c.message)
        }
    }

    @Test("the JSON imagebot scan prints: policies with a latestRef, digests kept, the others skipped")
    func scanJSON() throws {
        let document = """
            {
              "policies" : [
                { "candidates" : 3, "latestRef" : { "name" : "ghcr.io/acme/web", "tag" : "1.2.3" }, "name" : "web", "namespace" : "apps" },
                { "error" : "unable to determine latest version from provided list", "name" : "broken", "namespace" : "apps" },
                { "latestRef" : { "digest" : "sha256:ab", "name" : "api", "tag" : "2.0.0" }, "name" : "api", "namespace" : "apps" }
              ],
              "repositories" : [ { "name" : "web", "namespace" : "apps", "tagCount" : 3 } ]
            }
            """
        let expected: [PolicyResultsFile.Entry] = [
            .init(policy: "apps:web", reference: ImageRef(name: "ghcr.io/acme/web", tag: "1.2.3"), line: 0),
            .init(policy: "apps:api", reference: ImageRef(name: "api", tag: "2.0.0", digest: "sha256:ab"), line: 0),
        ]
        #expect(try PolicyResultsFile.parse(Array(("  \n" + document).utf8)) == expected)
        // The policies array alone (`jq .policies`).
        let array = """
            [{"namespace": "apps", "name": "web", "latestRef": {"name": "ghcr.io/acme/web", "tag": "1.2.3"}},
             {"namespace": "apps", "name": "broken"},
             {"namespace": "apps", "name": "api", "latestRef": {"name": "api", "tag": "2.0.0", "digest": "sha256:ab"}}]
            """
        #expect(try PolicyResultsFile.parse(Array(array.utf8)) == expected)
    }

    @Test("a file: its name and line in the error; --set wins over it; '-' is standard input's name")
    func load() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString).txt")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("a:b=img:1\na:c=img:2\n".utf8).write(to: URL(fileURLWithPath: path))
        let results = try PolicyResultsFile.results(commandLine: ["a:b=img:9"], file: path)
        #expect(results == ["a:b": ImageRef(name: "img", tag: "9"), "a:c": ImageRef(name: "img", tag: "2")])

        try Data("a:b=img:1\nbroken\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(
            throws: PolicyResultsError(
                .invalidResult, "\(path):2: expected NS:NAME=IMAGE:TAG[@DIGEST], got 'broken'", line: 2)
        ) {
            _ = try PolicyResultsFile.load(path)
        }
        #expect(throws: PolicyResultsError(.invalidJSON, "\(path): invalid scan JSON: [0] has no \"name\"")) {
            try Data("[{\"namespace\": \"a\"}]".utf8).write(to: URL(fileURLWithPath: path))
            _ = try PolicyResultsFile.load(path)
        }
        #expect {
            _ = try PolicyResultsFile.load("/nonexistent/results.txt")
        } throws: { error in
            (error as? PolicyResultsError)?.message == "/nonexistent/results.txt: No such file or directory"
        }
    }
}
