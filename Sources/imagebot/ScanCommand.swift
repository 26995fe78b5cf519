import ArgumentParser
import Automation
import Policy
import Registry

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
        var userConfig: DockerConfig?
        do {
            userConfig = try DockerConfig.loadUserConfig()
        } catch {
            printToStandardError("warning: ignoring the docker config: \(error)")
        }
        return Scanner(
            configuration: configuration,
            secrets: SecretStore(directory: secretsDir, configuration: configuration),
            client: RegistryClient(),
            cache: TagCache(stateDirectory: resolvedStateDirectory),
            userDockerConfig: userConfig)
    }
}

/// `imagebot scan`: list every ImageRepository's tags and evaluate every ImagePolicy.
struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan the registries of every ImageRepository and evaluate every ImagePolicy.",
        discussion: "Exit status 3 when a registry could not be scanned or a policy selected nothing; the others are still reported."
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

        switch output {
        case .text: printTable(allScans, resolutions)
        case .json: print(try ScanReport(scans: allScans, policies: resolutions).json())
        }
        if allScans.contains(where: { $0.error != nil }) || resolutions.contains(where: { $0.latest == nil }) {
            throw ExitStatus.runtime
        }
    }

    private func printTable(_ scans: [RepositoryScan], _ policies: [PolicyResolution]) {
        print("IMAGEREPOSITORY\tTAGS\tNEW\tSTATUS")
        for scan in scans {
            let status = scan.error ?? "ok (\(scan.revision.prefix(19)))"
            print("\(scan.key)\t\(scan.tags.count)\t\(scan.newTags.count)\t\(status)")
        }
        print("")
        print("IMAGEPOLICY\tLATEST\tDECISION")
        for policy in policies {
            let latest = policy.latest.map { "\($0.name):\($0.tag)" + ($0.digest.map { "@\($0)" } ?? "") } ?? "-"
            let decision = policy.decision?.summary ?? (policy.error ?? "")
            print("\(policy.key)\t\(latest)\t\(policy.latest == nil ? (policy.error ?? decision) : decision)")
        }
    }
}

/// The JSON shape of `imagebot scan --output json`.
struct ScanReport: Encodable {
    struct Repository: Encodable {
        var namespace, name, image: String
        var tagCount: Int
        var newTags: [String]
        var latestTags: [String]
        var revision: String
        var excluded: Int
        var error: String?
    }

    struct Policy: Encodable {
        var namespace, name: String
        var latestRef: PolicyResolution.LatestRef?
        var candidates, excluded, filteredOut, invalid, outsideRange, eligible: Int?
        var tiedWith: [String]?
        var error: String?
    }

    var repositories: [Repository]
    var policies: [Policy]

    init(scans: [RepositoryScan], policies: [PolicyResolution]) {
        repositories = scans.map {
            Repository(
                namespace: $0.key.namespace, name: $0.key.name, image: $0.image, tagCount: $0.tags.count,
                newTags: $0.newTags, latestTags: Array($0.tags.prefix(10)), revision: $0.revision,
                excluded: $0.excluded, error: $0.error)
        }
        self.policies = policies.map {
            Policy(
                namespace: $0.key.namespace, name: $0.key.name, latestRef: $0.latest, candidates: $0.decision?.candidates,
                excluded: $0.decision?.excluded, filteredOut: $0.decision?.filteredOut, invalid: $0.decision?.invalid,
                outsideRange: $0.decision?.outsideRange, eligible: $0.decision?.eligible, tiedWith: $0.decision?.tiedWith,
                error: $0.latest == nil ? $0.error : nil)
        }
    }

    func json() throws -> String {
        try prettyJSON(self)
    }
}
