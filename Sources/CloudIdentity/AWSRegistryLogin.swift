import Registry

/// AWS registry login (see RegistryIdentity): ECR and ECR Public tokens from the pod's AWS
/// identity, as Flux's `provider: aws`. The region comes from the registry host; STS and ECR
/// are called there (or at `AWS_ENDPOINT_URL*`).
struct AWSRegistryLogin {
    let http: HTTPClient
    let environment: IdentityEnvironment
    /// The pod's temporary AWS credentials, shared across logins (RegistryIdentity keeps one).
    var credentialCache = ExpiringCache<AWSCredentials>(margin: .seconds(300))
    /// Proxy and timeouts for STS and ECR.
    var network = HTTPClient.Options()

    /// The credentials for `registry` and how long they stay valid.
    func login(registry: String) async throws(IdentityError) -> (RegistryCredentials, Duration) {
        guard let host = ECRHost(registry: registry) else {
            throw IdentityError(
                .unsupportedRegistry,
                "provider aws: \(registry) is not an ECR registry (expected <account>.dkr.ecr.<region>.amazonaws.com or public.ecr.aws); for other registries use provider generic with a secretRef"
            )
        }
        let credentials = try await AWSCredentialChain(
            http: http, environment: environment, region: host.region, cache: credentialCache, network: network
        )
        .credentials()
        let fips: Bool
        if case .private(_, _, let isFIPS) = host { fips = isFIPS } else { fips = false }
        let service: AWSService = host == .public ? .ecrPublic : .ecr
        let endpoint = service.endpoint(region: host.region, fips: fips, variables: environment.variables)
        let now = AWSTime.now()
        let token = try await ECRAuthorizationToken(host: host, endpoint: endpoint).fetch(
            http: http, credentials: credentials, now: now, options: network)
        // A token already past its expiry (clock skew) is still returned but not cached.
        let lifetime = Duration.seconds(max(0, token.expiresAt.seconds - now.seconds))
        return (.basic(username: token.username, password: token.password), lifetime)
    }
}
