import Registry

/// Google registry login (see RegistryIdentity): an OAuth2 access token of the pod's service
/// account from the metadata server (GKE workload identity or the node's account), the
/// password of `oauth2accesstoken`.
struct GCPRegistryLogin {
    let http: HTTPClient
    let environment: IdentityEnvironment

    /// The metadata server's address in Google's Go libraries (no DNS needed); `GCE_METADATA_HOST`
    /// replaces it with `host[:port]`.
    static let defaultMetadataHost = "169.254.169.254"
    /// The scopes Flux asks for.
    static let scopes = [
        "https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/userinfo.email",
    ]
    static let user = "oauth2accesstoken"
    static let registryForms = "gcr.io, *.gcr.io, *-docker.pkg.dev or docker.s3nsregistry.fr"

    /// The credentials for `registry` and how long they stay valid.
    func login(registry: String) async throws(IdentityError) -> (RegistryCredentials, Duration) {
        guard Self.isGoogleRegistry(registry) else {
            throw IdentityError(
                .unsupportedRegistry,
                "GCP: invalid registry '\(registry)' for provider gcp: must be \(Self.registryForms); drop spec.provider for other registries"
            )
        }
        // Flux's application-default credentials would prefer a key file; imagebot only speaks to
        // the metadata server, and says so rather than log in as a different identity.
        if let file = environment.variables["GOOGLE_APPLICATION_CREDENTIALS"], !file.isEmpty {
            throw IdentityError(
                .noCredentials,
                "GCP: GOOGLE_APPLICATION_CREDENTIALS is set but credential files are not supported; use workload identity (the metadata server) and unset it"
            )
        }
        let host =
            environment.variables["GCE_METADATA_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultMetadataHost
        let query = FormEncoding.encode([("scopes", Self.scopes.joined(separator: ","))])
        let url = "http://\(host)/computeMetadata/v1/instance/service-accounts/default/token?\(query)"
        var options = HTTPClient.Options()
        // Off GCP nothing answers at the link-local address: fail fast.
        options.connectTimeout = 5
        let call = ServiceCall(provider: "GCP", step: "metadata server token request", http: http, options: options)
        let body: [UInt8]
        do throws(IdentityError) {
            body = try await call.send(
                HTTPClient.Request(url: url, headers: [(name: "Metadata-Flavor", value: "Google")]))
        } catch  where error.code == .transport {
            throw IdentityError(
                .noCredentials, "\(error.message) (not on GCP? GCE_METADATA_HOST names another metadata server)")
        }
        // Property names are the service's JSON field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct Answer: Decodable {
            var access_token: String
            var expires_in: Double?
        }
        let answer = try call.decode(Answer.self, from: body, url: url)
        guard !answer.access_token.isEmpty else {
            throw IdentityError(
                .invalidResponse, "GCP: metadata server token request to \(host) returned an empty token")
        }
        // No expiry: use the token for this request only.
        let lifetime = Duration.seconds(max(0, answer.expires_in ?? 0))
        return (.basic(username: Self.user, password: answer.access_token), lifetime)
    }

    /// Flux's pattern: `gcr.io`, `<x>.gcr.io`, `<x>-docker.pkg.dev`, `docker.s3nsregistry.fr`.
    static func isGoogleRegistry(_ registry: String) -> Bool {
        registry == "gcr.io" || registry == "docker.s3nsregistry.fr"
            || (registry.count > ".gcr.io".count && registry.hasSuffix(".gcr.io"))
            || (registry.count > "-docker.pkg.dev".count && registry.hasSuffix("-docker.pkg.dev"))
    }
}
