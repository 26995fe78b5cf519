public import Registry

/// A GitHub App, as a GitRepository's Secret describes it (Flux's `githubApp*` keys).
public struct GitHubApp: Sendable, Hashable, CustomStringConvertible {
    /// `githubAppID`.
    public var appID: String
    /// `githubAppInstallationID`; nil means: look it up from the repository owner.
    public var installationID: String?
    /// `githubAppPrivateKey`, PEM.
    public var privateKeyPEM: [UInt8]
    /// `githubAppBaseURL`, default `https://api.github.com`.
    public var baseURL: String

    /// Creates an app description.
    public init(appID: String, installationID: String?, privateKeyPEM: [UInt8], baseURL: String? = nil) {
        self.appID = appID
        self.installationID = installationID
        self.privateKeyPEM = privateKeyPEM
        self.baseURL = baseURL ?? "https://api.github.com"
    }

    /// Names the app without its key.
    public var description: String {
        "GitHubApp(id: \(appID), installation: \(installationID ?? "lookup"), key: ***)"
    }
}

/// Installation access tokens for GitHub Apps (RS256 app JWT → installation token), cached
/// until shortly before they expire.
public final class GitHubAppTokens: Sendable {
    let http: HTTPClient
    private let cache = ExpiringCache<String>()

    /// Creates a token source over `http`.
    public init(http: HTTPClient = HTTPClient()) {
        self.http = http
    }

    /// An installation access token for `app`, to push to `repositoryURL` as `x-access-token`.
    /// `options` carries the proxy and CA for the API host.
    public func token(
        for app: GitHubApp, repositoryURL: String, options: HTTPClient.Options = HTTPClient.Options()
    ) async throws(IdentityError) -> String {
        throw IdentityError(.noCredentials, "GitHub App tokens are not implemented yet")
    }
}
