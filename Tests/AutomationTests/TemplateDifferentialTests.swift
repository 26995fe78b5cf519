import Foundation
import Synchronization
import Template
import Testing

@testable import Automation

// The differential test against the real engine: every case in testdata/template-diff/*.json
// is rendered by imagebot (CommitMessageData + MessageTemplate) and by a Go program of ours
// (tools/template-oracle: Go text/template + Sprig's HermeticTxtFuncMap over Go types that
// model Flux's TemplateData exactly), and the two must agree. Flux's `.Changed.Changes` and
// `.Changed.Objects` come from Go map iteration, so the oracle renders those templates in
// every order the maps could take and ours must equal one of them.
//
// testdata/template-diff/known-differences.txt lists the cases (and `meta:` checks) known to
// differ; each is expected to fail (Swift Testing known issue) and fails the test when it
// passes, so the list shrinks as the engine is fixed. IMAGEBOT_TEMPLATE_DIFF_WRITE=1 rewrites
// the list from the current run.

/// Where the sources are (the test reads testdata/ and builds tools/ from the checkout).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
private let caseDirectory = packageRoot.appendingPathComponent("testdata/template-diff")

/// The `go` command on PATH, if any (`make test` installs Debian's golang-go).
private let goCommand: String? = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/go" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

struct OracleFailure: Error, CustomStringConvertible {
    var description: String
}

/// One template case of a family file.
struct DiffCase: Decodable, Sendable {
    var name: String
    var template: String
    /// Dataset name in datasets.json; "standard" when absent.
    var data: String?
    /// Why the case is not compared (a difference between Debian's Go/Sprig and Flux's pins).
    var excluded: String?
    /// How errors are compared: "exact" (default: text/template's message), "location"
    /// (`template: NAME:LINE:COL:` only) or "fails" (both fail at the same stage).
    var error: String?
}

struct DiffFamily: Decodable, Sendable {
    var family: String
    var description: String
    var cases: [DiffCase]
}

struct DiffDataset: Codable, Sendable {
    struct Automation: Codable, Sendable {
        var namespace: String
        var name: String
    }
    struct Change: Codable, Sendable {
        var file, apiVersion, kind, namespace, name, oldValue, newValue, setter: String
    }
    var automation: Automation
    /// nil: `messageTemplateValues` absent from the spec; `[:]`: present and empty.
    var values: [String: String]?
    var changes: [Change]

    // Encode `values: null` explicitly: the oracle must see absent as null, not as missing.
    enum CodingKeys: String, CodingKey { case automation, values, changes }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(automation, forKey: .automation)
        if let values { try c.encode(values, forKey: .values) } else { try c.encodeNil(forKey: .values) }
        try c.encode(changes, forKey: .changes)
    }

    /// The same data for imagebot.
    var commitMessageData: CommitMessageData {
        CommitMessageData(
            automationNamespace: automation.namespace, automationName: automation.name,
            changes: changes.map {
                CommitMessageData.Change(
                    file: $0.file, apiVersion: $0.apiVersion, kind: $0.kind, namespace: $0.namespace,
                    name: $0.name, oldValue: $0.oldValue, newValue: $0.newValue, setter: $0.setter)
            },
            // Absent values are Flux's nil map, empty ones an empty map.
            values: values)
    }
}

/// What one engine gave for one case.
struct DiffOutcome: Codable, Sendable, Equatable, CustomStringConvertible {
    var output: String
    /// "", "parse" or "execute".
    var stage: String?
    /// text/template's error text (for imagebot: the template's name replaced by Flux's).
    var error: String?
    /// The error as Flux reports it (wrapped, or the removed-field message).
    var flux: String?

    var description: String {
        guard let stage, !stage.isEmpty else { return "output \(String(reflecting: output))" }
        return "\(stage) error \(String(reflecting: flux ?? error ?? ""))"
    }
}

private struct OracleInput: Encodable {
    struct Case: Encodable {
        var name, template, data: String
    }
    var datasets: [String: DiffDataset]
    var cases: [Case]
}

private struct OracleOutput: Decodable {
    struct Result: Decodable {
        var name: String
        var orders: Int
        var outcomes: [DiffOutcome]
    }
    var results: [Result]
}

enum TemplateOracle {
    /// The name Flux gives the template; imagebot's name is mapped to it before messages are compared.
    static let fluxTemplateName = "commit message"

    /// The oracle binary, built once per test process into .build/template-oracle.
    static let binary: Result<String, OracleFailure> = catching {
        guard let goCommand else { throw OracleFailure(description: "go is not installed") }
        let out = packageRoot.appendingPathComponent(".build/template-oracle")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let binary = out.appendingPathComponent("oracle").path
        var environment = ProcessInfo.processInfo.environment
        environment["GOPATH"] = packageRoot.appendingPathComponent("tools/template-oracle").path + ":/usr/share/gocode"
        environment["GO111MODULE"] = "off"
        environment["GOFLAGS"] = ""
        environment["GOCACHE"] = out.appendingPathComponent("go-cache").path
        let (status, _, errors) = try runProcess(
            goCommand, ["build", "-o", binary, "oracle"], environment: environment, input: Data())
        guard status == 0 else {
            throw OracleFailure(description: "go build of tools/template-oracle failed: \(errors)")
        }
        return binary
    }

    static let datasets: Result<[String: DiffDataset], OracleFailure> = catching {
        let url = caseDirectory.appendingPathComponent("datasets.json")
        do {
            return try JSONDecoder().decode([String: DiffDataset].self, from: Data(contentsOf: url))
        } catch {
            throw OracleFailure(description: "\(url.path): \(error)")
        }
    }

    static func catching<T>(_ body: () throws -> T) -> Result<T, OracleFailure> {
        do {
            return .success(try body())
        } catch let failure as OracleFailure {
            return .failure(failure)
        } catch {
            return .failure(OracleFailure(description: "\(error)"))
        }
    }

    /// Cases (and `meta:` checks) that differ on purpose, with the reason: a line `<case> <reason>`.
    static let knownDifferenceReasons: [String: String] = {
        let url = caseDirectory.appendingPathComponent("known-differences.txt")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        var reasons: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let words = line.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if let name = words.first, !name.isEmpty { reasons[name] = words.count > 1 ? words[1] : "" }
        }
        return reasons
    }()

    /// The deliberate differences README.md lists (its "Commit message templates" section).
    static let documentedReasons: Set<String> = [
        "typed-lists", "no-randomness-or-time", "dicts-are-values", "no-methods-with-arguments", "valid-utf8",
    ]

    static var knownDifferences: Set<String> { Set(knownDifferenceReasons.keys) }

    static var familyFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: caseDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && $0 != "datasets.json" }.sorted()
    }

    static func loadFamily(_ file: String) throws -> DiffFamily {
        let url = caseDirectory.appendingPathComponent(file)
        do {
            return try JSONDecoder().decode(DiffFamily.self, from: Data(contentsOf: url))
        } catch {
            throw OracleFailure(description: "\(url.path): \(error)")
        }
    }

    /// Flux's controller runs in a container without a time zone: `toDate` reads UTC.
    static var oracleEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "UTC"
        return environment
    }

    /// The names of the oracle's function map (Sprig's hermetic map).
    static func functionNames() throws -> [String] {
        let (status, stdout, errors) = try runProcess(try binary.get(), ["-functions"], environment: nil, input: Data())
        guard status == 0 else { throw OracleFailure(description: "oracle -functions failed: \(errors)") }
        return try JSONDecoder().decode([String].self, from: stdout)
    }

    /// Renders `cases` with the oracle: every distinct outcome per case name.
    static func render(_ cases: [DiffCase], datasets: [String: DiffDataset]) throws -> [String: [DiffOutcome]] {
        let input = OracleInput(
            datasets: datasets,
            cases: cases.map { .init(name: $0.name, template: $0.template, data: $0.data ?? "standard") })
        let (status, stdout, errors) = try runProcess(
            try binary.get(), [], environment: oracleEnvironment, input: try JSONEncoder().encode(input))
        guard status == 0 else { throw OracleFailure(description: "oracle failed (\(status)): \(errors)") }
        let output = try JSONDecoder().decode(OracleOutput.self, from: stdout)
        return Dictionary(output.results.map { ($0.name, $0.outcomes) }, uniquingKeysWith: { a, _ in a })
    }

    /// Renders one case with imagebot, as Flux's templateMsg would report it.
    static func imagebot(_ template: String, _ data: CommitMessageData) -> DiffOutcome {
        let parsed: MessageTemplate
        do {
            parsed = try CommitMessageData.template(forSpec: template)
        } catch {
            return outcome(error, parsing: true)
        }
        do {
            return DiffOutcome(output: try parsed.render(data.templateValue))
        } catch {
            return outcome(error, parsing: false)
        }
    }

    /// imagebot's template name (the one `template(forSpec:)` gives).
    static let imagebotTemplateName: String = (try? CommitMessageData.template(forSpec: "x"))?.name ?? "message"

    static func outcome(_ error: TemplateError, parsing: Bool) -> DiffOutcome {
        if error.kind == .removedField {
            // Flux reports a removed field when executing; imagebot may find it when parsing.
            return DiffOutcome(output: "", stage: "execute", error: nil, flux: error.message)
        }
        var message = error.message
        if imagebotTemplateName != fluxTemplateName {
            message = message.replacingOccurrences(
                of: "template: \(imagebotTemplateName):", with: "template: \(fluxTemplateName):"
            )
            .replacingOccurrences(
                of: "executing \"\(imagebotTemplateName)\"", with: "executing \"\(fluxTemplateName)\"")
        }
        if parsing {
            return DiffOutcome(
                output: "", stage: "parse", error: message,
                flux: "unable to create commit message template from spec: \(message)")
        }
        return DiffOutcome(
            output: "", stage: "execute", error: message, flux: "failed to run template from spec: \(message)")
    }

    /// Whether imagebot's outcome matches one of the oracle's under the case's error rule.
    static func matches(_ ours: DiffOutcome, _ theirs: DiffOutcome, rule: String) -> Bool {
        guard (ours.stage ?? "") == (theirs.stage ?? "") else { return false }
        if (ours.stage ?? "").isEmpty { return ours.output == theirs.output }
        // A removed field: Flux's own message is the whole answer.
        if ours.error == nil || theirs.flux?.hasPrefix("template uses removed") == true {
            return ours.flux == theirs.flux
        }
        switch rule {
        case "fails": return true
        case "location": return location(ours.error ?? "") == location(theirs.error ?? "")
        default: return ours.error == theirs.error
        }
    }

    /// `template: NAME:LINE:COL:` (or `template: NAME:LINE:`) of a message.
    static func location(_ message: String) -> String {
        let prefix = "template: \(fluxTemplateName):"
        guard message.hasPrefix(prefix) else { return message }
        let rest = message.dropFirst(prefix.count)
        let digits = rest.prefix { $0.isNumber || $0 == ":" }
        return prefix + digits
    }

    static func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]?, input: Data)
        throws -> (Int32, Data, String)
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "template-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("in")
        let outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        try input.write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        let errors = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        return (process.terminationStatus, try Data(contentsOf: outURL), errors)
    }
}

/// Differences found by the last run, per family file (for IMAGEBOT_TEMPLATE_DIFF_WRITE).
private let differencesFound = Mutex<[String: [String]]>([:])

@Suite(
    "Template: differential test against Go text/template + Sprig",
    .enabled(
        if: goCommand != nil,
        "go is not installed: `make test` installs golang-go and golang-github-masterminds-sprig-dev"))
struct TemplateDifferentialTests {
    @Test("cases", arguments: TemplateOracle.familyFiles)
    func family(_ file: String) throws {
        let family = try TemplateOracle.loadFamily(file)
        let datasets = try TemplateOracle.datasets.get()
        let names = family.cases.map(\.name)
        #expect(Set(names).count == names.count, "\(file): case names repeat")
        let compared = family.cases.filter { $0.excluded == nil }
        let oracle = try TemplateOracle.render(compared, datasets: datasets)
        var differing: [String] = []
        for c in compared {
            guard let dataset = datasets[c.data ?? "standard"] else {
                Issue.record("\(c.name): no dataset \(c.data ?? "standard")")
                continue
            }
            let theirs = oracle[c.name] ?? []
            let ours = TemplateOracle.imagebot(c.template, dataset.commitMessageData)
            let same = theirs.contains { TemplateOracle.matches(ours, $0, rule: c.error ?? "exact") }
            if !same { differing.append(c.name) }
            let report =
                "\(c.name): \(String(reflecting: c.template))\n  imagebot: \(ours)\n  Go+Sprig: "
                + theirs.prefix(3).map(\.description).joined(separator: "\n        or: ")
            if TemplateOracle.knownDifferences.contains(c.name) {
                withKnownIssue("known difference") {
                    if !same { Issue.record(Comment(rawValue: report)) }
                }
            } else if !same {
                Issue.record(Comment(rawValue: report))
            }
        }
        differencesFound.withLock { $0[file] = differing }
        if ProcessInfo.processInfo.environment["IMAGEBOT_TEMPLATE_DIFF_WRITE"] == "1" {
            try writeKnownDifferences()
        }
    }

    @Test("the template is named as Flux names it (`commit message`, in every error message)")
    func templateName() {
        let check = { #expect(TemplateOracle.imagebotTemplateName == TemplateOracle.fluxTemplateName) }
        if TemplateOracle.knownDifferences.contains("meta:template-name") {
            withKnownIssue("known difference", check)
        } else {
            check()
        }
    }

    @Test("every known difference names a reason the README documents")
    func everyKnownDifferenceIsDocumented() {
        for (name, reason) in TemplateOracle.knownDifferenceReasons.sorted(by: { $0.key < $1.key }) {
            #expect(
                TemplateOracle.documentedReasons.contains(reason),
                "\(name): reason '\(reason)' is not one README.md documents")
        }
    }

    /// Every family file's cases have names unique across files (the known-differences list is flat).
    @Test("case names are unique across families, and every excluded case says why")
    func caseNames() throws {
        var seen: [String: String] = [:]
        for file in TemplateOracle.familyFiles {
            for c in try TemplateOracle.loadFamily(file).cases {
                #expect(seen[c.name] == nil, "\(c.name) in \(file) and \(seen[c.name] ?? "")")
                seen[c.name] = file
                if let reason = c.excluded { #expect(!reason.isEmpty, "\(c.name): excluded without a reason") }
            }
        }
        #expect(seen.count >= 300)
    }

    @Test("every function of Sprig's hermetic map is called by a compared case")
    func functionCoverage() throws {
        var templates = ""
        for file in TemplateOracle.familyFiles {
            for c in try TemplateOracle.loadFamily(file).cases where c.excluded == nil {
                templates += c.template + "\n"
            }
        }
        // A name counts when it stands as a word (not a field `.name` or a variable `$name`).
        let words = Set(
            templates.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "$") }.map(String.init))
        let names = try TemplateOracle.functionNames()
        #expect(names.count > 150)
        let uncovered = names.filter { !words.contains($0) }
        #expect(uncovered.isEmpty, "functions no case calls: \(uncovered)")
    }

    /// Rewrites the list with the cases that differ now, keeping the header and known reasons;
    /// a new difference gets `?`, which `everyKnownDifferenceIsDocumented` refuses until a
    /// documented reason replaces it.
    private func writeKnownDifferences() throws {
        let all = differencesFound.withLock { $0 }
        guard all.count == TemplateOracle.familyFiles.count else { return }  // the last family writes
        let url = caseDirectory.appendingPathComponent("known-differences.txt")
        let old = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var lines = old.split(separator: "\n").filter { $0.hasPrefix("#") }.map(String.init)
        func line(_ name: String) -> String {
            "\(name) \(TemplateOracle.knownDifferenceReasons[name].flatMap { $0.isEmpty ? nil : $0 } ?? "?")"
        }
        if TemplateOracle.imagebotTemplateName != TemplateOracle.fluxTemplateName {
            lines.append(line("meta:template-name"))
        }
        for file in all.keys.sorted() { lines += (all[file] ?? []).map(line) }
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }
}
