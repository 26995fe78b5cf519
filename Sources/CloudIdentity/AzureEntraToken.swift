import Basics
import Registry

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A Microsoft Entra access token for one scope from the pod's identity, in the order of Flux's
/// credential chain without shell-outs: a client secret in the environment, workload identity
/// (a projected service-account token as client assertion), then managed identity (IMDS).
struct AzureEntraToken {
    let http: HTTPClient
    let environment: IdentityEnvironment
    /// Proxy and timeouts for the Entra token endpoint (not for IMDS, which is on the node).
    var network = HTTPClient.Options()

    /// The public cloud's authority, used when `AZURE_AUTHORITY_HOST` is not set.
    static let defaultAuthority = "https://login.microsoftonline.com/"
    /// The instance metadata service; `AZURE_POD_IDENTITY_AUTHORITY_HOST` replaces it, as in the
    /// Azure SDKs (AAD Pod Identity's NMI, test servers).
    static let defaultIMDS = "http://169.254.169.254"
    static let imdsAPIVersion = "2018-02-01"

    /// An access token for `scope` (e.g. `https://containerregistry.azure.net/.default`).
    func accessToken(scope: String) async throws(IdentityError) -> String {
        let env = environment.variables
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        let clientID = value("AZURE_CLIENT_ID")
        let tenantID = value("AZURE_TENANT_ID")
        let authority = value("AZURE_AUTHORITY_HOST")

        if let tenantID, let clientID, let secret = value("AZURE_CLIENT_SECRET") {
            return try await tokenRequest(
                authority: authority ?? Self.defaultAuthority, tenantID: tenantID,
                fields: [
                    ("client_id", clientID), ("grant_type", "client_credentials"), ("client_secret", secret),
                    ("scope", scope),
                ])
        }
        // Flux (and azidentity) take workload identity only when all four variables are set.
        if let clientID, let tenantID, let authority, let file = value("AZURE_FEDERATED_TOKEN_FILE") {
            let assertion = try federatedToken(path: file)
            return try await tokenRequest(
                authority: authority, tenantID: tenantID,
                fields: [
                    ("client_id", clientID), ("grant_type", "client_credentials"),
                    ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                    ("client_assertion", assertion), ("scope", scope),
                ])
        }
        return try await managedIdentity(scope: scope, clientID: clientID)
    }

    /// The projected service-account token, checked to be a JWT that has not expired, so a
    /// stale mount reads as such rather than as an Entra error.
    func federatedToken(path: String) throws(IdentityError) -> String {
        guard let bytes = environment.readFile(path) else {
            throw IdentityError(
                .invalidCredentials, "Azure: cannot read the federated token file \(path) (AZURE_FEDERATED_TOKEN_FILE)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let token = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard let claims = JWTClaims(token: token) else {
            throw IdentityError(.invalidCredentials, "Azure: the federated token file \(path) does not hold a JWT")
        }
        if let expiry = claims.expiry, expiry <= Date() {
            throw IdentityError(
                .invalidCredentials,
                "Azure: the federated token in \(path) expired \(Int(-expiry.timeIntervalSinceNow)) s ago; is the projected service-account token refreshed?"
            )
        }
        return token
    }

    /// POST `{authority}{tenant}/oauth2/v2.0/token`.
    func tokenRequest(authority: String, tenantID: String, fields: [(String, String)]) async throws(IdentityError)
        -> String
    {
        let base = authority.hasSuffix("/") ? authority : authority + "/"
        let url = "\(base)\(PercentEncoding.encode(tenantID))/oauth2/v2.0/token"
        let call = ServiceCall(provider: "Azure", step: "token request", http: http, options: network)
        let body = try await call.send(
            HTTPClient.Request(
                method: "POST", url: url, headers: [FormEncoding.contentType], body: FormEncoding.body(fields)))
        return try accessToken(in: body, url: url, call: call)
    }

    /// GET the IMDS token endpoint (`Metadata: true`), for the user-assigned identity
    /// `clientID` when set.
    func managedIdentity(scope: String, clientID: String?) async throws(IdentityError) -> String {
        var base =
            environment.variables["AZURE_POD_IDENTITY_AUTHORITY_HOST"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.defaultIMDS
        while base.hasSuffix("/") { base.removeLast() }
        let resource = scope.hasSuffix("/.default") ? String(scope.dropLast("/.default".count)) : scope
        var query = [("api-version", Self.imdsAPIVersion), ("resource", resource)]
        if let clientID { query.append(("client_id", clientID)) }
        let url = "\(base)/metadata/identity/oauth2/token?\(FormEncoding.encode(query))"
        var options = HTTPClient.Options()
        // Off Azure nothing answers at the link-local address: fail fast.
        options.connectTimeout = 5
        let call = ServiceCall(provider: "Azure", step: "managed identity token request", http: http, options: options)
        let body: [UInt8]
        do throws(IdentityError) {
            body = try await call.send(HTTPClient.Request(url: url, headers: [(name: "Metadata", value: "true")]))
        } catch  where error.code == .transport {
            throw IdentityError(
                .noCredentials,
                "\(error.message) (no AZURE_CLIENT_SECRET or workload identity variables AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_AUTHORITY_HOST, AZURE_FEDERATED_TOKEN_FILE either)"
            )
        }
        return try accessToken(in: body, url: url, call: call)
    }

    private func accessToken(in body: [UInt8], url: String, call: ServiceCall) throws(IdentityError) -> String {
        // Property names are the service's JSON field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct Answer: Decodable { var access_token: String }
        let token = try call.decode(Answer.self, from: body, url: url).access_token
        guard !token.isEmpty else {
            throw IdentityError(
                .invalidResponse, "Azure: \(call.step) to \(ServiceCall.host(of: url)) returned an empty token")
        }
        return token
    }
}
