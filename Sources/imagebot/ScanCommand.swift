import ArgumentParser
import Automation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Options naming where configuration, secrets and state live (ARCHITECTURE.md, "Commands").
struct ConfigOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Directory (or file) of Flux manifests (default ./policies).", valueName: "dir"))
    var config: String?

    @Option(help: ArgumentHelp("Secrets as a Secret volume mount: <dir>/<name>/<key>.", valueName: "dir"))
    var secretsDir: String?

    @Option(help: ArgumentHelp("Where the tag cache lives (default $XDG_CACHE_HOME/imagebot).", valueName: "dir"))
    var stateDir: String?

    var resolvedStateDirectory: String {
        if let stateDir { return stateDir }
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["XDG_CACHE_HOME"] ?? (environment["HOME"].map { "\($0)/.cache" } ?? "/tmp")
        return "\(cache)/imagebot"
    }

    var configDirectory: String { config ?? "./policies" }

    /// Loads the configuration, printing its problems; exits 2 when any is an error (an
    /// automation whose message template cannot render stops only itself, when it commits).
    func loadConfiguration() throws -> Configuration {
        let configuration = ConfigLoader.load(directory: configDirectory)
        for diagnostic in configuration.diagnostics { printToStandardError(diagnostic.description) }
        let blocking = configuration.blockingErrors
        guard blocking.isEmpty else {
            printToStandardError(
                "imagebot: \(configDirectory) has \(blocking.count) configuration errors (see imagebot validate)")
            throw ExitStatus.usage
        }
        return configuration
    }

    /// A scanner over the configuration, using the user's docker config for CLI credentials.
    func scanner(for configuration: Configuration) -> Scanner {
        Scanner.commandLine(
            configuration: configuration, secretsDirectory: secretsDir, stateDirectory: resolvedStateDirectory,
            warning: { printToStandardError($0) })
    }
}

/// `imagebot scan`: list every ImageRepository's tags and evaluate every ImagePolicy.
struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan the registries of every ImageRepository and evaluate every ImagePolicy.",
        discussion:
            "Exit status 3 when a registry could not be scanned or a policy selected nothing; the others are still reported."
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "Output format: text (a table) or json.")
    var output: OutputFormat = .text

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let scanner = options.scanner(for: configuration)
        let policies = configuration.policies.values.filter { !$0.suspend }
        let progress = ProgressLine(total: configuration.repositories.count)
        let (scans, resolutions) = await scanner.resolve(Array(policies)) { done, _ in progress.update(done) }
        // Repositories no policy uses are scanned too: `scan` reports every repository.
        let used = Set(scans.map(\.key))
        let unused = configuration.repositories.values.filter { !used.contains($0.key) }.sorted { $0.key < $1.key }
        let allScans = (scans + (await scanner.scan(unused) { done, _ in progress.update(scans.count + done) }))
            .sorted { $0.key < $1.key }
        progress.finish()

        let report = ScanReport(scans: allScans, policies: resolutions)
        switch output {
        case .text: for line in report.tableLines { print(line) }
        case .json: print(try report.json())
        }
        if allScans.contains(where: { $0.error != nil }) || resolutions.contains(where: { $0.latest == nil }) {
            throw ExitStatus.runtime
        }
    }
}
