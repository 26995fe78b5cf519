import Basics
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Docker token endpoint's answer (distribution `token` spec / OAuth2).
// Property names are the service's JSON field names.
// swift-format-ignore: AlwaysUseLowerCamelCase
private struct TokenResponse: Decodable {
    var token: String?
    var access_token: String?
    var expires_in: Double?
}

extension RegistryClient {
    /// Gets a bearer token for the challenge: from the credentials, or from the realm
    /// (GET with Basic credentials, or OAuth2 refresh-token POST for identity tokens).
    func bearerToken(for challenge: AuthChallenge, _ context: RequestContext) async throws(RegistryError) -> String {
        let credentials = context.options.credentials
        if case .registryToken(let token) = credentials { return token }
        guard let realm = challenge.realm, let realmURL = URLParts(realm) else {
            throw RegistryError(code: .invalidResponse, message: "bearer challenge without a usable http(s) realm")
        }
        if context.baseURL.hasPrefix("https:") && realmURL.scheme == "http" && credentials != .anonymous {
            throw RegistryError(
                code: .tokenExchange,
                message: "refusing to send credentials to plain-HTTP token realm \(realmURL.origin)")
        }
        var scopes = [context.scope]
        if let extra = challenge.scope, !scopes.contains(extra) { scopes.append(extra) }
        var fields = scopes.map { (name: "scope", value: $0) }
        if let service = challenge.service { fields.append((name: "service", value: service)) }

        var response: HTTPResponse
        if case .identityToken(let refresh) = credentials {
            var form = fields
            form.append(contentsOf: [
                (name: "grant_type", value: "refresh_token"), (name: "refresh_token", value: refresh),
                (name: "client_id", value: "imagebot"),
            ])
            let post = HTTPRequest(
                method: "POST", url: realm,
                headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded")],
                body: Array(FormEncoding.encode(form).utf8))
            response = try await sendWithRetry(post, context)
            if response.status == 404 {  // registries without OAuth2 support: plain token GET
                response = try await sendWithRetry(HTTPRequest(url: Self.url(realm, fields)), context)
            }
        } else {
            var get = HTTPRequest(url: Self.url(realm, fields))
            if let basic = basicAuthorization(credentials) {
                get.headers.append((name: "Authorization", value: basic))
            }
            response = try await sendWithRetry(get, context)
        }
        guard response.status == 200 else {
            var error = responseError(response, method: "GET", url: realmURL.origin + realmURL.path)
            error.message = "token request failed: " + error.message
            if error.code != .unauthorized && error.code != .forbidden { error.code = .tokenExchange }
            throw error
        }
        let decoded: TokenResponse
        do {
            decoded = try JSONDecoder().decode(TokenResponse.self, from: Data(response.body))
        } catch {
            throw RegistryError(
                code: .tokenExchange, message: "token response from \(realmURL.origin) is not valid JSON")
        }
        guard let token = decoded.token ?? decoded.access_token, !token.isEmpty else {
            throw RegistryError(code: .tokenExchange, message: "token response from \(realmURL.origin) has no token")
        }
        let expiresIn = decoded.expires_in.flatMap { $0 > 0 ? $0 : nil } ?? 60
        tokens.store(
            token,
            for: TokenCache.key(registry: context.reference.registry, scope: context.scope, credentials: credentials),
            expiresIn: expiresIn)
        logger?.debug(
            "registry token fetched",
            metadata: ["image": "\(context.reference.canonicalName)", "expires_in": "\(expiresIn)"])
        return token
    }

    private static func url(_ base: String, _ fields: [(name: String, value: String)]) -> String {
        base + (base.contains("?") ? "&" : "?") + FormEncoding.encode(fields)
    }
}

/// `application/x-www-form-urlencoded` bodies and query strings (RFC 3986 percent-encoding of
/// both sides), for the token endpoints here and the token services of CloudIdentity.
public enum FormEncoding {
    /// `name=value&…`.
    public static func encode(_ fields: [(name: String, value: String)]) -> String {
        fields.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }.joined(separator: "&")
    }

    /// The body bytes of `fields`.
    public static func body(_ fields: [(name: String, value: String)]) -> [UInt8] { Array(encode(fields).utf8) }

    /// The header a form body needs.
    public static let contentType = (name: "Content-Type", value: "application/x-www-form-urlencoded")
}
