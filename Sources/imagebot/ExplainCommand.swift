import ArgumentParser
import Automation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `imagebot explain`: for every marker, what imagebot would do with it and why.
struct Explain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain, marker by marker, what imagebot would do under PATH and why.",
        discussion: """
            One line per marker: file:line:column, the policy, the value in the file, the policy's \\
            result, and when nothing changes the reason (already the newest; nothing selected, with \\
            the decision counts; unknown policy, or one in another namespace; no digest reflected; \\
            downgrade blocked; registry error). Nothing is written.
            """
    )

    @Argument(help: "Directory (or single file) whose markers to explain (default: the current directory).")
    var path: String?

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Use this result for a policy instead of asking a registry; repeatable.",
            valueName: "ns:name=image:tag[@digest]"))
    var overrides: [String] = []

    @Option(
        help: ArgumentHelp(
            "Read policy results from this file ('-': standard input): one NS:NAME=IMAGE:TAG[@DIGEST] per line, or the JSON `imagebot scan --output json` prints; --set wins for the same policy.",
            valueName: "file"))
    var setFile: String?

    @Option(help: "Output format: text (a line per marker) or json.")
    var output: OutputFormat = .text

    @OptionGroup var configuration: ConfigOptions

    func run() async throws {
        let root = path ?? "."
        let policies: [String: ImageRef]
        do {
            policies = try PolicyResultArguments.results(overrides: overrides, setFile: setFile)
        } catch {
            printToStandardError("imagebot: \(error)")
            throw ExitStatus.usage
        }
        guard FileManager.default.fileExists(atPath: root) else {
            printToStandardError("imagebot: \(root): no such file or directory")
            throw ExitStatus.usage
        }
        let resolved = try await configuration.policyResults(root: root, overridden: Set(policies.keys))
        let explanation = MarkerExplanation(root: root, given: policies, resolved: resolved)
        switch output {
        case .text:
            for line in explanation.lines { print(line) }
            if explanation.isEmpty { printToStandardError("no markers under \(root)") }
        case .json:
            print(try explanation.json())
        }
        // What no marker report covers: markers Flux would not read (and why), and other problems.
        for problem in explanation.otherProblems { printToStandardError(problem) }
    }
}
