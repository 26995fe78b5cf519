import ArgumentParser
import Automation
import Setters

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
        help: ArgumentHelp("Use this result for a policy instead of asking a registry; repeatable.", valueName: "ns:name=image:tag[@digest]"))
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
        var policies: [String: ImageRef]
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
        let resolved = try await PolicyResults.resolve(configuration, root: root, overridden: Set(policies.keys))
        policies.merge(resolved.results) { given, _ in given }
        var rewriter = MarkerRewriter(policies: policies, unresolved: resolved.unresolved, tagGuard: resolved.tagGuard)
        rewriter.reportsMarkers = true
        let plan = rewriter.plan(root: root) { _ in }
        var markers = plan.markers
        for index in markers.indices where markers[index].outcome == .unknownPolicy {
            if let hint = resolved.hints[markers[index].policy] {
                markers[index].reason = "no ImagePolicy \(markers[index].policy); \(hint)"
            }
        }
        switch output {
        case .text:
            for marker in markers { print(Self.line(marker)) }
            if markers.isEmpty { printToStandardError("no markers under \(root)") }
        case .json:
            print(try prettyJSON(["markers": markers]))
        }
        // What no marker report covers: markers Flux would not read (and why), and other problems.
        for warning in plan.warnings where !markers.contains(where: { $0.file == warning.file && $0.line == warning.line }) {
            printToStandardError("warning: \(warning)")
        }
        for error in plan.errors where !markers.contains(where: { $0.file == error.file && $0.line == error.line }) {
            printToStandardError("error: \(error)")
        }
    }

    /// `apps/web.yaml:12:16 flux-system:web  ghcr.io/acme/web:1.0.0 → ghcr.io/acme/web:1.1.0  would change`
    static func line(_ marker: MarkerReport) -> String {
        let place = "\(marker.file):\(marker.line):\(marker.column) \(marker.setter)"
        let current = marker.current ?? "?"
        switch marker.outcome {
        case .change:
            return "\(place)  \(current) → \(marker.proposed ?? "?")  would change"
        case .upToDate:
            return "\(place)  \(current)  up to date: the policy's result"
        case .kept:
            return "\(place)  \(current)  stays (policy gives \(marker.proposed ?? "?")): \(marker.reason)"
        case .noResult:
            return "\(place)  \(current)  stays: the policy has no result: \(marker.reason)"
        case .unknownPolicy, .noDigest, .refused:
            return "\(place)  \(current)  stays: \(marker.reason)"
        }
    }
}
