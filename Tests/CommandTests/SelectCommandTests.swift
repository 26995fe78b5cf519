import Foundation
import TestServers
import Testing

@Suite("imagebot select: the command-line contract")
struct SelectCommandTests {
    static let tags = "1.0.0\nv1.0.1\n\n1.1.0-rc.1\n2.0.0\nlatest\n1.0.2.sig\n"

    struct Case: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var status: Int32
        var stdout: String
        var stderrContains: String = ""
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        .init(arguments: ["select", "--semver", "1.0.x"], status: 0, stdout: "v1.0.1\n"),
        .init(arguments: ["select", "--semver", ">=1.0.0-0"], status: 0, stdout: "2.0.0\n"),
        .init(
            arguments: ["select", "--semver", ">=3"], status: 1, stdout: "",
            stderrContains: "no tag satisfies semver range \">=3\""),
        .init(
            arguments: ["select", "--semver", "1x"], status: 2, stdout: "",
            stderrContains: "invalid semver range \"1x\""),
        .init(arguments: ["select", "--alphabetical"], status: 0, stdout: "v1.0.1\n"),
        .init(arguments: ["select", "--alphabetical", "desc"], status: 0, stdout: "1.0.0\n"),
        .init(
            arguments: ["select", "--alphabetical", "sideways"], status: 2, stdout: "",
            stderrContains: "invalid order argument provided: 'sideways'"),
        .init(
            arguments: ["select", "--numerical", "--pattern", #"^(\d+)\.\d+\.\d+$"#, "--extract", "$1"], status: 0,
            stdout: "2.0.0\n"),
        .init(
            arguments: ["select", "--numerical"], status: 1, stdout: "",
            stderrContains: "failed to parse invalid numeric value 'v1.0.1'"),
        .init(
            arguments: ["select", "--semver", "*", "--pattern", "[="], status: 2, stdout: "",
            stderrContains: "invalid regular expression pattern '[='"),
        .init(arguments: ["select", "--semver", "*", "--exclude", "^2"], status: 0, stdout: "v1.0.1\n"),
        .init(arguments: ["select"], status: 2, stdout: "", stderrContains: "choose exactly one of"),
        .init(
            arguments: ["select", "--semver", "*", "--numerical"], status: 2, stdout: "",
            stderrContains: "choose exactly one of"),
        .init(
            arguments: ["select", "--semver", "*", "--extract", "$1"], status: 2, stdout: "",
            stderrContains: "--extract needs --pattern"),
        .init(
            arguments: ["select", "--semver", "*", "--bogus"], status: 2, stdout: "", stderrContains: "Unknown option"),
    ]

    @Test(arguments: cases)
    func contract(_ c: Case) throws {
        let result = try ImagebotBinary.run(c.arguments, stdin: Self.tags)
        #expect(result.status == c.status, "stderr: \(result.stderr)")
        #expect(result.stdout == c.stdout)
        if !c.stderrContains.isEmpty {
            #expect(result.stderr.contains(c.stderrContains), "stderr: \(result.stderr)")
        }
    }

    @Test("--output json carries the tag and the decision record")
    func json() throws {
        let result = try ImagebotBinary.run(["select", "--semver", "^1.0", "--output", "json"], stdin: Self.tags)
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["tag"] as? String == "v1.0.1")
        #expect(object["candidates"] as? Int == 6)
        #expect(object["excluded"] as? Int == 1)
        #expect(object["invalid"] as? Int == 1)
        #expect(object["outsideRange"] as? Int == 2)
        #expect(object["eligible"] as? Int == 2)
    }

    @Test("--explain prints the decision record on stderr; --tags-file reads a file")
    func explainAndFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("imagebot-tags-\(UUID().uuidString)")
        try Self.tags.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try ImagebotBinary.run(["select", "--semver", "1.x", "--tags-file", file.path, "--explain"])
        #expect(result.status == 0)
        #expect(result.stdout == "v1.0.1\n")
        #expect(result.stderr.contains("excluded: 1"))
        #expect(result.stderr.contains("selected: v1.0.1"))
        let missing = try ImagebotBinary.run(["select", "--semver", "1.x", "--tags-file", "/nonexistent/tags"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read tags file '/nonexistent/tags'"))
    }
}
