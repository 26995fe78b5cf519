import ArgumentParser
import Automation
import Setters

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
            throw ValidationError("--automation takes its policies' results from the registries; --set and --set-file cannot be combined with it")
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
        var policies: [String: ImageRef]
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
        let resolved = try await PolicyResults.resolve(options.configuration, root: options.root, overridden: Set(policies.keys))
        policies.merge(resolved.results) { given, _ in given }
        let unresolved = resolved.unresolved

        let rewriter = MarkerRewriter(policies: policies, unresolved: unresolved, tagGuard: resolved.tagGuard)
        let color = options.output == .diff && standardOutputIsTerminal
        var writeErrors: [String] = []
        let plan = rewriter.plan(root: options.root) { rewrite in
            if options.output == .diff { print(UnifiedDiff.render(rewrite, color: color), terminator: "") }
            guard writing else { return }
            do {
                try rewriter.write(rewrite)
            } catch {
                writeErrors.append("\(error)")
            }
        }

        if options.output == .json {
            print(try RewriteReport(plan: plan, writeErrors: writeErrors).json())
        }
        for warning in plan.warnings { printToStandardError("warning: \(warning)") }
        for error in plan.errors { printToStandardError("error: \(error)") }
        for error in writeErrors { printToStandardError("error: \(error)") }
        let unknown = plan.referencedPolicies.subtracting(policies.keys).subtracting(unresolved.keys).sorted()
        if !unknown.isEmpty {
            printToStandardError(
                "hint: markers name \(unknown.count) polic\(unknown.count == 1 ? "y" : "ies") with no result: "
                    + unknown.joined(separator: ", ")
                    + " (give --set NS:NAME=IMAGE:TAG for each, or define them in --config)"
            )
        }
        let failedPolicies = plan.referencedPolicies.intersection(unresolved.keys)
        if !plan.errors.isEmpty || !writeErrors.isEmpty || !failedPolicies.isEmpty { throw ExitStatus.runtime }
        if options.exitCode && !plan.changes.isEmpty { throw ExitStatus.nothing }
    }
}


/// Policy results for the markers under a tree, from the config's ImagePolicies through the
/// registries (shared by `dry-run`, `update` and `explain`).
struct PolicyResults {
    /// Results by marker name `NS:NAME`.
    var results: [String: ImageRef] = [:]
    /// Why the config's policies without a result have none (with the decision counts).
    var unresolved: [String: String] = [:]
    /// For marker names no policy has but another namespace does: a hint.
    var hints: [String: String] = [:]
    /// The config's downgrade guard for the results it resolved (a `--set` result is the
    /// user's explicit choice, a rollback included).
    var tagGuard: MarkerRewriter.TagGuard?

    /// Resolves the markers' policies that `overridden` (`--set`) does not give. No config (and
    /// none asked for): nothing.
    static func resolve(_ options: ConfigOptions, root: String, overridden: Set<String>) async throws -> PolicyResults {
        var resolved = PolicyResults()
        guard options.config != nil || FileManager.default.fileExists(atPath: options.configDirectory) else { return resolved }
        let configuration = try options.loadConfiguration()
        let configGuard = DowngradeGuard.make(configuration)
        resolved.tagGuard = { policy, current, proposed in
            overridden.contains(policy) ? nil : configGuard(policy, current, proposed)
        }
        // Only policies some marker names are resolved (registries cost more than a pass over the tree).
        let referenced = MarkerRewriter(policies: [:]).plan(root: root) { _ in }.referencedPolicies
        let needed = configuration.policies.values.filter {
            referenced.contains($0.key.markerKey) && !overridden.contains($0.key.markerKey)
        }
        if !needed.isEmpty {
            let (scans, resolutions) = await options.scanner(for: configuration).resolve(Array(needed))
            for scan in scans where scan.error != nil {
                printToStandardError("error: ImageRepository \(scan.key): \(scan.error ?? "")")
            }
            (resolved.results, resolved.unresolved) = PolicyResolution.markerResults(resolutions)
        }
        // A marker naming a policy that exists only in another namespace is a common slip.
        for policy in referenced where resolved.results[policy] == nil && resolved.unresolved[policy] == nil && !overridden.contains(policy) {
            let name = policy.split(separator: ":").dropFirst().first.map(String.init) ?? ""
            let elsewhere = configuration.policies.keys.filter { $0.name == name }.map(\.namespace).sorted()
            if !elsewhere.isEmpty {
                resolved.hints[policy] = "one named \(name) exists in namespace \(elsewhere.joined(separator: ", "))"
            }
        }
        return resolved
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
        let key = parts.count == 2 ? ObjectKey(namespace: parts[0], name: parts[1]) : ObjectKey(namespace: "default", name: automation)
        guard parts.count <= 2, let spec = configuration.automations[key] else {
            let known = configuration.automations.keys.sorted().map(\.description).joined(separator: ", ")
            printToStandardError("imagebot: ImageUpdateAutomation \(key) not found in \(options.configuration.configDirectory)"
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
            let color = standardOutputIsTerminal
            for rewrite in outcome.rewrites { print(UnifiedDiff.render(rewrite, color: color), terminator: "") }
            if let message = outcome.commitMessage {
                // Indented like `git log`, so `git apply` skips it as it skips a mail's text.
                print("\ncommit message (ImageUpdateAutomation \(key), branch \(outcome.branch ?? "?")):")
                for line in message.split(separator: "\n", omittingEmptySubsequences: false) { print("    \(line)") }
            }
        case .json:
            print(try AutomationPreviewReport(outcome).json())
        }
        for line in outcome.diagnostics { printToStandardError("\(key): \(line)") }
        printToStandardError("ImageUpdateAutomation \(key): \(outcome.summary)")
        if outcome.failed { throw ExitStatus.runtime }
        if options.exitCode && !outcome.rewrites.isEmpty { throw ExitStatus.nothing }
    }
}

/// The JSON shape of `dry-run --automation NS/NAME --output json`.
private struct AutomationPreviewReport: Encodable {
    var namespace, name: String
    var branch: String?
    var changes: [SetterChange]
    var files: [String]
    var commitMessage: String?
    var summary: String
    var failed: Bool
    var diagnostics: [String]

    init(_ outcome: AutomationOutcome) {
        namespace = outcome.key.namespace
        name = outcome.key.name
        branch = outcome.branch
        changes = outcome.changes
        files = outcome.rewrites.map(\.relativePath)
        commitMessage = outcome.commitMessage
        summary = outcome.summary
        failed = outcome.failed
        diagnostics = outcome.diagnostics
    }

    func json() throws -> String {
        try prettyJSON(self)
    }
}

/// The JSON shape of `dry-run --output json` and `update --output json`.
private struct RewriteReport: Encodable {
    struct Finding: Encodable {
        var file: String
        var line: Int?
        var column: Int?
        var message: String
    }

    var changes: [SetterChange]
    var warnings: [Finding]
    var errors: [Finding]

    init(plan: SetterPlan, writeErrors: [String]) {
        changes = plan.changes
        warnings = plan.warnings.map { Finding(file: $0.file, line: $0.line, column: $0.column, message: $0.message) }
        errors = plan.errors.map { Finding(file: $0.file, line: $0.line, column: $0.column, message: $0.message) }
            + writeErrors.map { Finding(file: "", message: $0) }
    }

    func json() throws -> String {
        try prettyJSON(self)
    }
}
