import Policy
import Registry
import Setters

extension Scanner {
    /// A scanner for the command line: the user's docker config (`~/.docker/config.json`)
    /// gives credentials to repositories without a secretRef; a docker config that cannot be
    /// read is passed to `warning` and ignored.
    public static func commandLine(
        configuration: Configuration, secretsDirectory: String?, stateDirectory: String, warning: (String) -> Void
    ) -> Scanner {
        var userConfig: DockerConfig?
        do {
            userConfig = try DockerConfig.loadUserConfig()
        } catch {
            warning("warning: ignoring the docker config: \(error)")
        }
        return Scanner(
            configuration: configuration,
            secrets: SecretStore(directory: secretsDirectory, configuration: configuration),
            client: RegistryClient(),
            cache: TagCache(stateDirectory: stateDirectory),
            userDockerConfig: userConfig)
    }
}

/// What `imagebot scan` reports: every ImageRepository's scan and every ImagePolicy's result.
public struct ScanReport: Encodable {
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
        var counts: PolicyDecision.Counts?
        var tiedWith: [String]?
        var error: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(namespace, forKey: .namespace)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(latestRef, forKey: .latestRef)
            try container.encodeIfPresent(tiedWith, forKey: .tiedWith)
            try container.encodeIfPresent(error, forKey: .error)
            // The counts sit beside the other fields, as they always have.
            try counts?.encode(to: encoder)
        }

        enum CodingKeys: String, CodingKey {
            case namespace, name, latestRef, tiedWith, error
        }
    }

    var repositories: [Repository]
    var policies: [Policy]
    private let scans: [RepositoryScan]
    private let resolutions: [PolicyResolution]

    enum CodingKeys: String, CodingKey {
        case repositories, policies
    }

    public init(scans: [RepositoryScan], policies: [PolicyResolution]) {
        self.scans = scans
        self.resolutions = policies
        repositories = scans.map {
            Repository(
                namespace: $0.key.namespace, name: $0.key.name, image: $0.image, tagCount: $0.tags.count,
                newTags: $0.newTags, latestTags: Array($0.tags.prefix(10)), revision: $0.revision,
                excluded: $0.excluded, error: $0.error)
        }
        self.policies = policies.map {
            Policy(
                namespace: $0.key.namespace, name: $0.key.name, latestRef: $0.latest, counts: $0.decision?.counts,
                tiedWith: $0.decision?.tiedWith, error: $0.latest == nil ? $0.error : nil)
        }
    }

    /// The JSON shape of `imagebot scan --output json`.
    public func json() throws -> String {
        try commandJSON(self)
    }

    /// The text shape of `imagebot scan`: a tab-separated table of repositories, a blank line,
    /// a table of policies.
    public var tableLines: [String] {
        var lines = ["IMAGEREPOSITORY\tTAGS\tNEW\tSTATUS"]
        for scan in scans {
            let status = scan.error ?? "ok (\(scan.revision.prefix(19)))"
            lines.append("\(scan.key)\t\(scan.tags.count)\t\(scan.newTags.count)\t\(status)")
        }
        lines.append("")
        lines.append("IMAGEPOLICY\tLATEST\tDECISION")
        for policy in resolutions {
            let latest = policy.latest.map(\.fullReference) ?? "-"
            let decision = policy.decision?.summary ?? (policy.error ?? "")
            lines.append("\(policy.key)\t\(latest)\t\(policy.latest == nil ? (policy.error ?? decision) : decision)")
        }
        return lines
    }
}
