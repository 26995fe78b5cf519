/// Reading a GitRepository Secret's `githubApp*` keys, with Flux's checks and messages
/// (`fluxcd/pkg` `runtime/secrets` and `auth/githubapp`, image-automation-controller's
/// `internal/source`).
extension GitHubApp {
    /// Flux's refusal when a GitRepository without `provider: github` has a Secret with
    /// `githubAppID`: "secretRef '<namespace>/<name>' has github app data but provider is not
    /// set to github: invalid source configuration".
    public static func providerNotGitHubMessage(secret: String) -> String {
        "secretRef '\(secret)' has github app data but provider is not set to github: invalid source configuration"
    }

    /// Flux's refusal for `provider: github` without a Secret, or with one that has no
    /// `githubApp*` key.
    public static let missingAppDataMessage =
        "secretRef with github app data must be specified when provider is set to github: invalid source configuration"

    /// Whether a Secret counts as GitHub App data where Flux refuses it without
    /// `provider: github`: a non-empty `githubAppID`.
    public static func hasAppID(_ data: [String: [UInt8]]) -> Bool {
        !(data[SecretKey.appID] ?? []).isEmpty
    }

    /// Reads the app from a Secret's data for `provider: github`; `secret` is its
    /// `namespace/name`, for messages. Checks what Flux checks, in its order, and that the
    /// private key parses; messages never contain the key.
    public init(secretData data: [String: [UInt8]], secret: String) throws(IdentityError) {
        let appKeys = [SecretKey.appID, SecretKey.installationOwner, SecretKey.installationID, SecretKey.privateKey]
        guard appKeys.contains(where: { data[$0] != nil }) else {
            throw IdentityError(.noCredentials, Self.missingAppDataMessage)
        }
        guard let appIDBytes = data[SecretKey.appID] else {
            throw IdentityError(.invalidCredentials, "secret '\(secret)': key '\(SecretKey.appID)' not found")
        }
        guard let key = data[SecretKey.privateKey] else {
            throw IdentityError(.invalidCredentials, "secret '\(secret)': key '\(SecretKey.privateKey)' not found")
        }
        let owner = data[SecretKey.installationOwner]
        let installationID = data[SecretKey.installationID]
        guard (owner == nil) != (installationID == nil) else {
            throw IdentityError(
                .invalidCredentials,
                "secret '\(secret)' must contain exactly one of '\(SecretKey.installationOwner)' or '\(SecretKey.installationID)'"
            )
        }
        // Flux parses the numbers strictly (no whitespace): "123\n" is not an app ID.
        guard let appID = Int64(String(decoding: appIDBytes, as: UTF8.self)), appID > 0 else {
            throw IdentityError(
                .invalidCredentials,
                "app ID must be provided to use github app authentication: '\(SecretKey.appID)' is not a number")
        }
        let installation: Installation
        if let installationID {
            guard let id = Int64(String(decoding: installationID, as: UTF8.self)), id > 0 else {
                throw IdentityError(
                    .invalidCredentials,
                    "app installation owner or ID must be provided to use github app authentication: '\(SecretKey.installationID)' is not a number"
                )
            }
            installation = .id(id)
        } else {
            let login = String(decoding: owner ?? [], as: UTF8.self)
            guard !login.isEmpty else {
                throw IdentityError(
                    .invalidCredentials,
                    "app installation owner or ID must be provided to use github app authentication: '\(SecretKey.installationOwner)' is empty"
                )
            }
            installation = .owner(login)
        }
        guard !key.isEmpty else {
            throw IdentityError(.invalidCredentials, "private key must be provided to use github app authentication")
        }
        _ = try GitHubAppJWT.privateKey(from: key)
        let baseURL = data[SecretKey.baseURL].map { String(decoding: $0, as: UTF8.self) }
        if let baseURL, !baseURL.isEmpty, !(baseURL.hasPrefix("https://") || baseURL.hasPrefix("http://")) {
            throw IdentityError(
                .invalidCredentials,
                "'\(SecretKey.baseURL)' must be an http(s) URL, e.g. https://github.example.com/api/v3")
        }
        self.init(appID: appID, installation: installation, privateKeyPEM: key, baseURL: baseURL)
    }
}
