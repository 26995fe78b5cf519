import ArgumentParser
import Automation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `imagebot run --once`: every ImageUpdateAutomation once — scan, select, rewrite, commit, push.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every ImageUpdateAutomation: scan, select, rewrite, commit and push to the branch.",
        discussion: """
            With --once, each automation runs one time and the command exits: 0 when all succeeded \
            (pushed or up to date), 3 when any failed (after running the others). Without --once \
            imagebot runs as the daemon: each ImageRepository scanned at its interval (jittered, \
            with backoff on failure), each automation run at its interval and as soon as one of its \
            policies selects a new image; the config dir is reloaded when it changes; an HTTP \
            server on --listen serves /healthz, /readyz, /metrics, /api/v1/status and \
            POST /hooks/<image-repository>. SIGTERM drains and exits 0.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Run each automation once and exit.")
    var once = false

    @Option(help: "Output format of --once: text (a line per automation) or json.")
    var output: OutputFormat = .text

    @OptionGroup(title: "Daemon options (without --once)") var daemon: DaemonOptions

    func run() async throws {
        guard once else {
            try await DaemonLauncher(configuration: options, daemon: daemon).run()
            return
        }
        let configuration = try options.loadConfiguration()
        let runner = AutomationRunner(
            configuration: configuration, scanner: options.scanner(for: configuration),
            secrets: SecretStore(directory: options.secretsDir, configuration: configuration),
            stateDirectory: options.resolvedStateDirectory)
        var outcomes: [AutomationOutcome] = []
        for automation in configuration.automations.values.sorted(by: { $0.key < $1.key }) {
            let outcome = await runner.run(automation)
            for line in outcome.diagnostics { printToStandardError("\(automation.key): \(line)") }
            if output == .text {
                let files = outcome.files.isEmpty ? "" : " [\(outcome.files.joined(separator: ", "))]"
                print("ImageUpdateAutomation \(automation.key): \(outcome.summary)\(files)")
            }
            outcomes.append(outcome)
        }
        if output == .json { print(try RunReport(outcomes).json()) }
        if outcomes.contains(where: \.failed) { throw ExitStatus.runtime }
    }
}

/// The JSON shape of `imagebot run --once --output json`.
struct RunReport: Encodable {
    struct Automation: Encodable {
        var namespace, name: String
        var branch: String?
        var commit: String?
        var files: [String]
        var summary: String
        var failed: Bool
        var attempts: Int
        var message: String?
    }

    var automations: [Automation]

    init(_ outcomes: [AutomationOutcome]) {
        automations = outcomes.map {
            Automation(
                namespace: $0.key.namespace, name: $0.key.name, branch: $0.branch, commit: $0.commit, files: $0.files,
                summary: $0.summary, failed: $0.failed, attempts: $0.attempts, message: $0.commitMessage)
        }
    }

    func json() throws -> String {
        try prettyJSON(self)
    }
}
