import Basics
public import Registry

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Installation access tokens for GitHub Apps (app JWT → installation → access token), cached
/// per app until shortly before they expire, so the API sees one token request per hour and
/// app rather than one per push.
public final class GitHubAppTokens: Sendable {
    let http: HTTPClient
    private let cache = ExpiringCache<String>()
    /// Wall clock for the JWT's claims and the token's expiry (tests skew it).
    let now: @Sendable () -> Date

    /// Creates a token source over `http`.
    public convenience init(http: HTTPClient = HTTPClient()) {
        self.init(http: http, now: { Date() })
    }

    init(http: HTTPClient, now: @escaping @Sendable () -> Date) {
        self.http = http
        self.now = now
    }

    /// An installation access token for `app`, to use over Git HTTPS as the password of
    /// `GitHubApp.gitUsername`. `options` carries the proxy and CA for the API host.
    public func token(for app: GitHubApp, options: HTTPClient.Options = HTTPClient.Options())
        async throws(IdentityError) -> String
    {
        try await cache.value(for: Self.cacheKey(app)) { () async throws(IdentityError) in
            try await self.mint(app, options: options)
        }
    }

    /// Forgets cached tokens (e.g. after Git rejected one).
    public func removeAll() { cache.removeAll() }

    /// One new token and its remaining lifetime.
    func mint(_ app: GitHubApp, options: HTTPClient.Options) async throws(IdentityError) -> (String, Duration) {
        let jwt = try GitHubAppJWT.make(appID: app.appID, privateKeyPEM: app.privateKeyPEM, now: now())
        let headers = [
            (name: "Authorization", value: "Bearer \(jwt)"),
            (name: "Accept", value: "application/vnd.github+json"),
            (name: "X-GitHub-Api-Version", value: "2022-11-28"),
        ]
        let installationID: Int64
        switch app.installation {
        case .id(let id): installationID = id
        case .owner(let owner):
            installationID = try await lookUpInstallation(app, owner: owner, headers: headers, options: options)
        }

        // Property names are the service's JSON field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct AccessToken: Decodable {
            var token: String
            var expires_at: String?
        }
        let call = ServiceCall(provider: "GitHub App", step: "installation token request", http: http, options: options)
        let url = "\(app.baseURL)/app/installations/\(installationID)/access_tokens"
        let body = try await call.send(
            HTTPClient.Request(
                method: "POST", url: url, headers: headers + [(name: "Content-Type", value: "application/json")],
                body: Array("{}".utf8)))
        let answer = try call.decode(AccessToken.self, from: body, url: url)
        guard !answer.token.isEmpty else {
            throw IdentityError(
                .invalidResponse,
                "GitHub App: installation token request to \(ServiceCall.host(of: url)) returned no token")
        }
        // No expiry (never seen from GitHub) means: use it once, do not cache it.
        var lifetime = Duration.zero
        if let text = answer.expires_at, let expires = try? Date.ISO8601FormatStyle().parse(text) {
            lifetime = .seconds(max(0, expires.timeIntervalSince(now())))
        }
        return (answer.token, lifetime)
    }

    /// The installation ID for `owner`: as an organization, then as a user (as Flux does).
    func lookUpInstallation(
        _ app: GitHubApp, owner: String, headers: [(name: String, value: String)], options: HTTPClient.Options
    ) async throws(IdentityError) -> Int64 {
        struct Installation: Decodable { var id: Int64 }
        let call = ServiceCall(provider: "GitHub App", step: "installation lookup", http: http, options: options)
        var statuses: [String] = []
        for kind in ["orgs", "users"] {
            let url = "\(app.baseURL)/\(kind)/\(PercentEncoding.encode(owner))/installation"
            let response = try await call.sendForStatus(
                HTTPClient.Request(url: url, headers: headers), accepting: 200..<500)
            switch response.status {
            case 200..<300: return try call.decode(Installation.self, from: response.body, url: url).id
            case 404: statuses.append("\(kind == "orgs" ? "organization" : "user") 404")
            default:
                throw call.serviceError(status: response.status, body: response.body, host: ServiceCall.host(of: url))
            }
        }
        throw IdentityError(
            .serviceError,
            "GitHub App: app \(app.appID) has no installation for owner '\(owner)' at \(ServiceCall.host(of: app.baseURL)) (\(statuses.joined(separator: ", ")))"
        )
    }

    /// Separates apps, installations, API hosts and keys without keeping the key in the clear.
    static func cacheKey(_ app: GitHubApp) -> String {
        SHA256.hex(Array("\(app.appID)\u{0}\(app.installation)\u{0}\(app.baseURL)\u{0}".utf8) + app.privateKeyPEM)
    }
}

extension GitHubAppTokens {
    /// Git HTTPS credentials for a GitRepository with `provider: github`: reads the app from its
    /// Secret's data (`secret` is `namespace/name`, for messages) and returns
    /// `x-access-token` with an installation token.
    public func gitCredentials(
        secretData: [String: [UInt8]], secret: String, options: HTTPClient.Options = HTTPClient.Options()
    ) async throws(IdentityError) -> (username: String, password: String) {
        let app = try GitHubApp(secretData: secretData, secret: secret)
        return (GitHubApp.gitUsername, try await token(for: app, options: options))
    }
}
