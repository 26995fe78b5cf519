import Registry

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Azure Container Registry login (see RegistryIdentity): an Entra access token for ACR's
/// audience, exchanged at the registry's `/oauth2/exchange` for an ACR refresh token, which is
/// the password of the all-zero user.
struct AzureRegistryLogin {
    let http: HTTPClient
    let environment: IdentityEnvironment
    /// Where the exchange is sent instead of `https://<registry>`; tests point it at a loopback
    /// server (production never sets it: the exchange must go to the registry itself).
    var exchangeBaseURL: String? = nil
    /// Proxy and CA for Entra and the exchange (the ACR host is the registry: its CA applies).
    var network = HTTPClient.Options()

    /// The ACR host suffixes Flux accepts: public, China, the retired Germany cloud, US Government.
    static let registrySuffixes = [".azurecr.io", ".azurecr.cn", ".azurecr.de", ".azurecr.us"]
    /// The token audience Flux requests for every ACR cloud.
    static let scope = "https://containerregistry.azure.net/.default"
    /// The lifetime assumed when the refresh token's expiry cannot be read (ACR issues 3 h).
    static let defaultLifetime = Duration.seconds(3600)
    static let user = "00000000-0000-0000-0000-000000000000"

    /// The credentials for `registry` and how long they stay valid.
    func login(registry: String) async throws(IdentityError) -> (RegistryCredentials, Duration) {
        guard Self.isACR(registry) else {
            throw IdentityError(
                .unsupportedRegistry,
                "Azure: invalid registry '\(registry)' for provider azure: the host must end in \(Self.registrySuffixes.joined(separator: ", ")); use the registry's login server or drop spec.provider"
            )
        }
        let accessToken = try await AzureEntraToken(http: http, environment: environment, network: network)
            .accessToken(scope: Self.scope)
        let refreshToken = try await exchange(accessToken, registry: registry)
        var lifetime = Self.defaultLifetime
        if let expiry = JWTClaims(token: refreshToken)?.expiry {
            lifetime = .seconds(max(0, expiry.timeIntervalSinceNow))
        }
        return (.basic(username: Self.user, password: refreshToken), lifetime)
    }

    /// Whether `registry` is an ACR login server: a name before one of the suffixes.
    static func isACR(_ registry: String) -> Bool {
        registrySuffixes.contains { registry.count > $0.count && registry.hasSuffix($0) }
    }

    /// POST `https://<registry>/oauth2/exchange` → `refresh_token`.
    func exchange(_ accessToken: String, registry: String) async throws(IdentityError) -> String {
        let url = "\(exchangeBaseURL ?? "https://\(registry)")/oauth2/exchange?api-version=2021-07-01"
        var fields = [("grant_type", "access_token"), ("service", registry)]
        if let tenant = environment.variables["AZURE_TENANT_ID"], !tenant.isEmpty { fields.append(("tenant", tenant)) }
        fields.append(("access_token", accessToken))
        let call = ServiceCall(provider: "Azure", step: "ACR token exchange", http: http, options: network)
        let body = try await call.send(
            HTTPClient.Request(
                method: "POST", url: url, headers: [FormEncoding.contentType], body: FormEncoding.body(fields)))
        // Property names are the service's JSON field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct Answer: Decodable { var refresh_token: String }
        let token = try call.decode(Answer.self, from: body, url: url).refresh_token
        guard !token.isEmpty else {
            throw IdentityError(
                .invalidResponse,
                "Azure: ACR token exchange at \(ServiceCall.host(of: url)) returned an empty refresh token")
        }
        return token
    }
}
