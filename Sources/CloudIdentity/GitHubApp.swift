/// A GitHub App installation, as a GitRepository's Secret describes it with Flux's
/// `githubApp*` keys. Its `description` never shows the private key.
public struct GitHubApp: Sendable, Hashable, CustomStringConvertible {
    /// Which installation of the app the token is for.
    public enum Installation: Sendable, Hashable, CustomStringConvertible {
        /// `githubAppInstallationID`.
        case id(Int64)
        /// `githubAppInstallationOwner`: an organization or user login, looked up by the API.
        case owner(String)

        /// `id 42` or `owner acme`.
        public var description: String {
            switch self {
            case .id(let id): "id \(id)"
            case .owner(let owner): "owner \(owner)"
            }
        }
    }

    /// The Secret keys Flux reads (`fluxcd/pkg` `auth/githubapp`).
    public enum SecretKey {
        /// The app's numeric ID.
        public static let appID = "githubAppID"
        /// The numeric installation ID; exclusive with `installationOwner`.
        public static let installationID = "githubAppInstallationID"
        /// The organization or user the app is installed on; exclusive with `installationID`.
        public static let installationOwner = "githubAppInstallationOwner"
        /// The app's RSA private key, PEM (PKCS#1 or PKCS#8).
        public static let privateKey = "githubAppPrivateKey"
        /// The API base URL, e.g. `https://github.example.com/api/v3`; default `https://api.github.com`.
        public static let baseURL = "githubAppBaseURL"
    }

    /// The user name that goes with an installation token over Git HTTPS.
    public static let gitUsername = "x-access-token"
    /// The public GitHub API.
    public static let defaultBaseURL = "https://api.github.com"

    /// `githubAppID`.
    public var appID: Int64
    /// The installation: by ID, or looked up from its owner.
    public var installation: Installation
    /// `githubAppPrivateKey`, PEM.
    public var privateKeyPEM: [UInt8]
    /// `githubAppBaseURL` without a trailing slash; requests go to `<baseURL>/app/…` as given
    /// (GitHub Enterprise Server: `https://host/api/v3`).
    public var baseURL: String

    /// Creates an app description; `baseURL` nil or empty means `https://api.github.com`.
    public init(appID: Int64, installation: Installation, privateKeyPEM: [UInt8], baseURL: String? = nil) {
        self.appID = appID
        self.installation = installation
        self.privateKeyPEM = privateKeyPEM
        var base = baseURL ?? ""
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base.isEmpty ? Self.defaultBaseURL : base
    }

    /// Names the app without its key.
    public var description: String {
        "GitHubApp(id: \(appID), installation: \(installation), api: \(baseURL), key: ***)"
    }
}

extension GitHubApp: CustomDebugStringConvertible, CustomReflectable {
    /// Same redacted text as `description`.
    public var debugDescription: String { description }
    /// A mirror without the key, so `dump` stays redacted.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}
