public import Registry

/// The cloud providers an ImageRepository's `spec.provider` names.
public enum CloudProvider: String, Sendable, Hashable, CaseIterable {
    case aws, azure, gcp
}

/// Where identity code reads the pod's environment and files, injectable for tests.
public struct IdentityEnvironment: Sendable {
    /// Environment variables (`AWS_ROLE_ARN`, `AZURE_FEDERATED_TOKEN_FILE`, `GCE_METADATA_HOST`, …).
    public var variables: [String: String]
    /// Reads a file (projected service-account tokens); nil when it cannot be read.
    public var readFile: @Sendable (String) -> [UInt8]?

    /// Creates an environment.
    public init(variables: [String: String], readFile: @escaping @Sendable (String) -> [UInt8]?) {
        self.variables = variables
        self.readFile = readFile
    }

    /// The process's own environment and file system.
    public static func process() -> IdentityEnvironment {
        IdentityEnvironment(variables: ProcessEnvironment.variables(), readFile: ProcessEnvironment.readFile)
    }
}

/// Registry credentials from the controller's cloud identity, as Flux's `spec.provider`:
/// ECR for `aws`, Artifact Registry/GCR for `gcp`, ACR for `azure`. Tokens are cached per
/// registry until shortly before they expire: one token request per lifetime, not per scan.
public final class RegistryIdentity: Sendable {
    let http: HTTPClient
    let environment: IdentityEnvironment
    private let cache = ExpiringCache<RegistryCredentials>()
    /// AWS role or instance credentials, reused by the logins to every ECR registry.
    private let awsCredentials = ExpiringCache<AWSCredentials>(margin: .seconds(300))

    /// Creates a provider of registry credentials over `http`, reading `environment`.
    public init(http: HTTPClient = HTTPClient(), environment: IdentityEnvironment = .process()) {
        self.http = http
        self.environment = environment
    }

    /// Credentials for `registry` (a host, possibly with a port) from `provider`'s identity.
    /// `network` (the repository's proxy and CA) applies to the calls that leave the node — STS,
    /// ECR, Entra, the ACR exchange — never to the metadata endpoints on the node itself.
    public func credentials(
        for registry: String, provider: CloudProvider, network: HTTPClient.Options = HTTPClient.Options()
    ) async throws(IdentityError) -> RegistryCredentials {
        try await cache.value(for: "\(provider.rawValue)|\(registry)") { () async throws(IdentityError) in
            try await self.login(registry: registry, provider: provider, network: network)
        }
    }

    /// One login: the credentials and how long they stay valid.
    func login(
        registry: String, provider: CloudProvider, network: HTTPClient.Options = HTTPClient.Options()
    ) async throws(IdentityError) -> (RegistryCredentials, Duration) {
        switch provider {
        case .aws:
            try await AWSRegistryLogin(
                http: http, environment: environment, credentialCache: awsCredentials, network: network
            )
            .login(registry: registry)
        case .gcp: try await GCPRegistryLogin(http: http, environment: environment).login(registry: registry)
        case .azure:
            try await AzureRegistryLogin(http: http, environment: environment, network: network).login(
                registry: registry)
        }
    }
}
