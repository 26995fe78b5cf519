import Registry

/// Where the pod's AWS credentials come from, in the SDKs' default order: environment keys,
/// web identity (IRSA), the container endpoint (EKS Pod Identity, ECS), then the EC2 instance
/// metadata service. Shared config files (`~/.aws`) are not read: a controller pod has none.
enum AWSCredentialSource: Sendable {
    case environment(AWSCredentials)
    case webIdentity(AWSWebIdentity)
    case container(AWSContainerCredentials)
    case instanceMetadata(AWSInstanceMetadata)

    /// The first source the environment configures. `region` is the registry's: STS is
    /// called there, as Flux does for registry logins.
    static func detect(_ variables: [String: String], region: String) throws(IdentityError) -> AWSCredentialSource {
        func value(_ name: String) -> String? {
            guard let v = variables[name]?.trimmingWhitespace(), !v.isEmpty else { return nil }
            return v
        }
        // The SDKs only use environment keys when both halves are set (AWS_ACCESS_KEY and
        // AWS_SECRET_KEY are older spellings they still read).
        if let id = value("AWS_ACCESS_KEY_ID") ?? value("AWS_ACCESS_KEY"),
            let secret = value("AWS_SECRET_ACCESS_KEY") ?? value("AWS_SECRET_KEY")
        {
            return .environment(
                AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN")))
        }
        if let tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE") {
            guard let role = value("AWS_ROLE_ARN") else {
                throw IdentityError(
                    .invalidCredentials,
                    "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not (check the eks.amazonaws.com/role-arn annotation of the service account)"
                )
            }
            let endpoint = AWSService.sts.endpoint(region: region, fips: false, variables: variables)
            return .webIdentity(
                AWSWebIdentity(
                    roleARN: role, tokenFile: tokenFile, sessionName: value("AWS_ROLE_SESSION_NAME"),
                    endpoint: endpoint, region: region))
        }
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return .container(
                AWSContainerCredentials(
                    url: "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative),
                    tokenFile: value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
                    token: value("AWS_CONTAINER_AUTHORIZATION_TOKEN")))
        }
        if let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            return .container(
                AWSContainerCredentials(
                    url: full, tokenFile: value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
                    token: value("AWS_CONTAINER_AUTHORIZATION_TOKEN")))
        }
        if value("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" {
            throw IdentityError(
                .noCredentials,
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, use IRSA (AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE) or EKS Pod Identity (AWS_CONTAINER_CREDENTIALS_FULL_URI); the EC2 instance role is off (AWS_EC2_METADATA_DISABLED=true)"
            )
        }
        let ipv6 = value("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")?.lowercased() == "ipv6"
        let endpoint =
            value("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? (ipv6 ? "http://[fd00:ec2::254]" : "http://169.254.169.254")
        return .instanceMetadata(
            AWSInstanceMetadata(
                endpoint: endpoint, allowsV1: value("AWS_EC2_METADATA_V1_DISABLED")?.lowercased() != "true"))
    }
}

/// Resolves the pod's AWS credentials, reusing temporary ones until shortly before they
/// expire: each registry login needs them once, and logins for several registries share them.
struct AWSCredentialChain: Sendable {
    let http: HTTPClient
    let environment: IdentityEnvironment
    let region: String

    /// Temporary credentials per source, shared by every login of one RegistryIdentity: STS and
    /// IMDS see one request per credential lifetime, not one per registry. Keys name the
    /// source's settings (role, token file path, endpoint), never a secret.
    let cache: ExpiringCache<AWSCredentials>
    /// Proxy and timeouts for STS (the container and instance endpoints are on the node).
    var network = HTTPClient.Options()

    func credentials() async throws(IdentityError) -> AWSCredentials {
        let source = try AWSCredentialSource.detect(environment.variables, region: region)
        let key: String
        switch source {
        case .environment(let credentials): return credentials
        case .webIdentity(let s): key = s.cacheKey
        case .container(let s): key = s.cacheKey
        case .instanceMetadata(let s): key = s.cacheKey
        }
        let (http, environment, network) = (http, environment, network)
        return try await cache.value(for: key) { () async throws(IdentityError) -> (AWSCredentials, Duration) in
            let now = AWSTime.now()
            let credentials: AWSCredentials
            switch source {
            case .environment(let c): credentials = c
            case .webIdentity(let s):
                credentials = try await s.credentials(http: http, environment: environment, now: now, options: network)
            case .container(let s): credentials = try await s.credentials(http: http, environment: environment)
            case .instanceMetadata(let s): credentials = try await s.credentials(http: http)
            }
            // Without an expiry (some container agents) the credentials are not kept.
            let lifetime = credentials.expiration.map { Duration.seconds(max(0, $0.seconds - now.seconds)) } ?? .zero
            return (credentials, lifetime)
        }
    }
}
