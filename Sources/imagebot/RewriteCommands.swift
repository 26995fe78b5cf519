import ArgumentParser
import Automation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Options shared by `dry-run` and `update`.
struct RewriteOptions: ParsableArguments {
    @Argument(help: "Directory (or single file) whose YAML markers to rewrite (default: the current directory).")
    var path: String?

    /// PATH, or the current directory.
    var root: String { path ?? "." }

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Use this result for a policy instead of asking a registry; repeatable.",
            valueName: "ns:name=image:tag[@digest]"
        )
    )
    var overrides: [String] = []

    @Option(
        help: ArgumentHelp(
            "Read policy results from this file ('-': standard input): one NS:NAME=IMAGE:TAG[@DIGEST] per line, or the JSON `imagebot scan --output json` prints; --set wins for the same policy.",
            valueName: "file"))
    var setFile: String?

    @Option(help: "Output format: diff (a unified diff git apply accepts) or json.")
    var output: RewriteOutput = .diff

    @Flag(help: "Exit 1 when there are changes (dry-run: pending; update: written), 0 when none.")
    var exitCode = false

    @OptionGroup var configuration: ConfigOptions

    /// Parses `--set-file` and every `--set` into the policy results the rewriter uses.
    func policyResults() throws -> [String: ImageRef] {
        try PolicyResultArguments.results(overrides: overrides, setFile: setFile)
    }
}

enum RewriteOutput: String, ExpressibleByArgument, CaseIterable {
    case diff, json
}

/// `imagebot dry-run`: everything up to the write.
struct DryRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dry-run",
        abstract: "Show the exact change imagebot would make to the marked values under PATH.",
        discussion: """
            Only the bytes of marked values change; every other byte of every file stays as it \
            is. Warnings and errors go to standard error, one line each, and never stop the run.
            """
    )

    @OptionGroup var options: RewriteOptions

    @Option(
        help: ArgumentHelp(
            "Preview this ImageUpdateAutomation: its policies, its Git repository at the branch tip (fetched into the cache), its update.path; prints the diff and the commit message run --once would push.",
            valueName: "namespace/name"))
    var automation: String?

    func validate() throws {
        if automation != nil, options.path != nil {
            throw ValidationError("--automation reads the automation's Git repository; drop PATH")
        }
        if automation != nil, !options.overrides.isEmpty || options.setFile != nil {
            throw ValidationError(
                "--automation takes its policies' results from the registries; --set and --set-file cannot be combined with it"
            )
        }
    }

    func run() async throws {
        if let automation {
            try await AutomationPreview(options: options, automation: automation).execute()
        } else {
            try await RewriteRun(options: options, writing: false).execute()
        }
    }
}

/// `imagebot update`: the same as `dry-run`, written to the files in place (no Git).
struct Update: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite the marked values under PATH in place.",
        discussion: """
            Each changed file is verified by re-parsing, then replaced atomically (temporary file, \
            fsync, rename) with its permissions kept. Files without a real change are not touched.
            """
    )

    @OptionGroup var options: RewriteOptions

    func run() async throws {
        try await RewriteRun(options: options, writing: true).execute()
    }
}

/// One dry-run or update: plan file by file (memory stays flat in the largest file), print
/// each diff as it is found, write when asked, then report and pick the exit status.
private struct RewriteRun {
    let options: RewriteOptions
    let writing: Bool

    func execute() async throws {
        let policies: [String: ImageRef]
        do {
            policies = try options.policyResults()
        } catch {
            printToStandardError("imagebot: \(error)")
            throw ExitStatus.usage
        }
        guard FileManager.default.fileExists(atPath: options.root) else {
            printToStandardError("imagebot: \(options.root): no such file or directory")
            throw ExitStatus.usage
        }
        let resolved = try await options.configuration.policyResults(root: options.root, overridden: Set(policies.keys))
        let color = options.output == .diff && standardOutputIsTerminal
        let outcome = LocalRewrite(root: options.root, given: policies, resolved: resolved)
            .run(writing: writing, color: color, diff: options.output == .diff ? { print($0, terminator: "") } : nil)

        if options.output == .json {
            print(try outcome.json())
        }
        for warning in outcome.warnings { printToStandardError("warning: \(warning)") }
        for error in outcome.errors { printToStandardError("error: \(error)") }
        for error in outcome.writeErrors { printToStandardError("error: \(error)") }
        let unknown = outcome.unknownPolicies
        if !unknown.isEmpty {
            printToStandardError(
                "hint: markers name \(unknown.count) polic\(unknown.count == 1 ? "y" : "ies") with no result: "
                    + unknown.joined(separator: ", ")
                    + " (give --set NS:NAME=IMAGE:TAG for each, or define them in --config)"
            )
        }
        if outcome.failed { throw ExitStatus.runtime }
        if options.exitCode && outcome.changed { throw ExitStatus.nothing }
    }
}

extension ConfigOptions {
    /// The configuration's results for the policies the markers under `root` name, except
    /// those `overridden` (`--set`) gives. No configuration (and none asked for): none.
    func policyResults(root: String, overridden: Set<String>) async throws -> PolicyResults {
        guard config != nil || FileManager.default.fileExists(atPath: configDirectory) else { return PolicyResults() }
        let configuration = try loadConfiguration()
        return await PolicyResults.resolve(
            configuration, scanner: { scanner(for: configuration) }, root: root, overridden: overridden,
            scanFailed: { printToStandardError($0) })
    }
}

/// `dry-run --automation NS/NAME`: what `run --once` would commit for one automation, computed
/// from the remote's current tip; nothing is committed or pushed.
private struct AutomationPreview {
    let options: RewriteOptions
    let automation: String

    func execute() async throws {
        let configuration = try options.configuration.loadConfiguration()
        let parts = automation.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let key =
            parts.count == 2
            ? ObjectKey(namespace: parts[0], name: parts[1]) : ObjectKey(namespace: "default", name: automation)
        guard parts.count <= 2, let spec = configuration.automations[key] else {
            let known = configuration.automations.keys.sorted().map(\.description).joined(separator: ", ")
            printToStandardError(
                "imagebot: ImageUpdateAutomation \(key) not found in \(options.configuration.configDirectory)"
                    + (known.isEmpty ? "" : " (have: \(known))"))
            throw ExitStatus.usage
        }
        let runner = AutomationRunner(
            configuration: configuration, scanner: options.configuration.scanner(for: configuration),
            secrets: SecretStore(directory: options.configuration.secretsDir, configuration: configuration),
            stateDirectory: options.configuration.resolvedStateDirectory)
        let outcome = await runner.preview(spec)
        switch options.output {
        case .diff:
            for diff in outcome.diffs(color: standardOutputIsTerminal) { print(diff, terminator: "") }
            if let message = outcome.commitMessage {
                // Indented like `git log`, so `git apply` skips it as it skips a mail's text.
                print("\ncommit message (ImageUpdateAutomation \(key), branch \(outcome.branch ?? "?")):")
                for line in message.split(separator: "\n", omittingEmptySubsequences: false) { print("    \(line)") }
            }
        case .json:
            print(try outcome.previewJSON())
        }
        for line in outcome.diagnostics { printToStandardError("\(key): \(line)") }
        printToStandardError("ImageUpdateAutomation \(key): \(outcome.summary)")
        if outcome.failed { throw ExitStatus.runtime }
        if options.exitCode && !outcome.rewrites.isEmpty { throw ExitStatus.nothing }
    }
}
