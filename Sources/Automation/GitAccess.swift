import Basics
import CloudIdentity
public import Committer
import Registry

/// How one automation reaches its Git remote, read from the GitRepository and its Secrets
/// the way Flux reads them: credentials (username/password, bearer token, SSH identity, or a
/// GitHub App's installation token), the proxy (`proxySecretRef`) and the `timeout`; plus one
/// warning for each setting imagebot cannot act on, so none is ignored silently.
struct GitAccess: Sendable {
    var credentials: GitCredentials = .none
    var connection = GitConnection()
    /// Lines for the run's diagnostics (the log, the status, stderr).
    var warnings: [String] = []
}

extension GitCache {
    /// Opens the cache for `remoteURL` with `access`'s credentials and connection.
    convenience init(stateDirectory: String, remoteURL: String, access: GitAccess) throws(GitError) {
        try self.init(
            stateDirectory: stateDirectory, remoteURL: remoteURL, credentials: access.credentials,
            connection: access.connection)
    }
}

/// The Secret keys of a GitHub App (Flux's `githubApp*`).
let gitHubAppKeys = [
    GitHubApp.SecretKey.appID, GitHubApp.SecretKey.installationID, GitHubApp.SecretKey.installationOwner,
    GitHubApp.SecretKey.privateKey, GitHubApp.SecretKey.baseURL,
]

extension AutomationRunner {
    /// The automation's GitRepository as credentials and connection settings.
    func gitAccess(for automation: ImageUpdateAutomationConfig) async -> Result<GitAccess, AutomationFailure> {
        guard let source = configuration.gitRepositories[automation.sourceRef] else { return .success(GitAccess()) }
        var access = GitAccess()
        access.connection.timeout = source.timeout.duration
        // Every http(s) remote goes through libcurl (TLS material, proxies, timeouts).
        access.connection.http = CurlGitHTTP()
        let namespace = source.key.namespace
        let isHTTP = source.url.hasPrefix("https://") || source.url.hasPrefix("http://")
        func failure(_ message: String) -> Result<GitAccess, AutomationFailure> {
            .failure(AutomationFailure("GitRepository \(source.key): \(message)"))
        }

        if let name = source.proxySecretRef {
            guard secrets.exists(namespace: namespace, name: name) else {
                return failure("proxy secret '\(name)' not found")
            }
            func text(_ key: String) -> String? {
                secrets.value(namespace: namespace, name: name, key: key).map { String(decoding: $0, as: UTF8.self) }
            }
            guard let address = text("address"), !address.isEmpty else {
                return failure("invalid proxy secret '\(name)': key 'address' is missing")
            }
            let scheme = address.firstRange(of: "://").map { address[..<$0.lowerBound].lowercased() } ?? ""
            guard ["http", "https", "socks5", "socks5h"].contains(scheme) else {
                return failure(
                    "invalid proxy secret '\(name)': address must be an http, https or socks5 URL, "
                        + "not '\(scheme.isEmpty ? "no scheme" : scheme)'")
            }
            if isHTTP {
                access.connection.proxy = GitConnection.Proxy(
                    url: address, username: text("username"), password: text("password"))
            } else {
                access.warnings.append(
                    "GitRepository \(source.key): proxySecretRef applies to HTTP(S) remotes only; "
                        + "\(source.url.prefix { $0 != ":" }) connects directly")
            }
        }

        switch source.provider {
        case "generic":
            break
        case "github":
            return await gitHubAppAccess(source, access)
        default:
            return failure(
                "provider '\(source.provider)' (workload identity for Git) is not supported by imagebot yet; "
                    + "give credentials with spec.secretRef")
        }
        guard let name = source.secretRef else { return .success(access) }
        guard secrets.exists(namespace: namespace, name: name) else { return failure("secret '\(name)' not found") }
        func bytes(_ key: String) -> [UInt8]? { secrets.value(namespace: namespace, name: name, key: key) }
        func text(_ key: String) -> String? { bytes(key).map { String(decoding: $0, as: UTF8.self) } }
        var appData: [String: [UInt8]] = [:]
        for key in gitHubAppKeys { appData[key] = bytes(key) }
        if GitHubApp.hasAppID(appData) {
            return failure(GitHubApp.providerNotGitHubMessage(secret: "\(namespace)/\(name)"))
        }
        switch applyTLS(secret: name, bytes: bytes, to: &access, url: source.url) {
        case .failure(let refusal): return failure(refusal.message)
        case .success(let warning): if let warning { access.warnings.append("GitRepository \(source.key): \(warning)") }
        }
        if let identity = bytes("identity") {
            guard let knownHosts = bytes("known_hosts") else {
                return .failure(
                    AutomationFailure(
                        "secret '\(name)' has an SSH identity but no known_hosts: host keys are always checked"))
            }
            access.credentials = .sshKey(privateKey: identity, passphrase: text("password"), knownHosts: knownHosts)
        } else if let token = text("bearerToken") {
            access.credentials = .bearer(token: token)
        } else if let username = text("username"), let password = text("password") {
            access.credentials = .basic(username: username, password: password)
        }
        return .success(access)
    }

    /// `provider: github`: an installation token of the GitHub App in the secret, used as
    /// `x-access-token` over HTTPS (as Flux).
    private func gitHubAppAccess(_ source: GitRepositoryConfig, _ base: GitAccess) async -> Result<
        GitAccess, AutomationFailure
    > {
        var access = base
        let namespace = source.key.namespace
        guard let name = source.secretRef else {
            return .failure(AutomationFailure("GitRepository \(source.key): \(GitHubApp.missingAppDataMessage)"))
        }
        guard secrets.exists(namespace: namespace, name: name) else {
            return .failure(AutomationFailure("GitRepository \(source.key): secret '\(name)' not found"))
        }
        var data: [String: [UInt8]] = [:]
        for key in gitHubAppKeys { data[key] = secrets.value(namespace: namespace, name: name, key: key) }
        do {
            let app = try GitHubApp(secretData: data, secret: "\(namespace)/\(name)")
            var options = HTTPClient.Options()
            if let proxy = access.connection.proxy {
                options.proxy = ProxySettings(url: proxy.url, username: proxy.username, password: proxy.password)
            }
            options.timeout = Double(source.timeout.milliseconds) / 1000
            let token = try await gitHubApps.token(for: app, options: options)
            access.credentials = .basic(username: GitHubApp.gitUsername, password: token)
            return .success(access)
        } catch {
            return .failure(AutomationFailure("GitRepository \(source.key): GitHub App: \(error)"))
        }
    }

    /// Flux's TLS keys of a GitRepository Secret for https remotes: `ca.crt` (or the older
    /// `caFile`) is trusted in addition to the system roots (go-git appends it to the system
    /// pool), `tls.crt` with `tls.key` is the client certificate. Returns a warning when the
    /// keys cannot apply (a non-https remote), or the one-line refusal.
    private func applyTLS(secret name: String, bytes: (String) -> [UInt8]?, to access: inout GitAccess, url: String)
        -> Result<String?, TLSRefusal>
    {
        let ca = bytes("ca.crt") ?? bytes("caFile")
        let cert = bytes("tls.crt")
        let key = bytes("tls.key")
        let present = [("ca.crt", ca), ("tls.crt", cert), ("tls.key", key)].filter { $0.1 != nil }.map(\.0)
        guard !present.isEmpty else { return .success(nil) }
        guard url.hasPrefix("https://") else {
            return .success(
                "secret '\(name)' has \(present.joined(separator: ", ")), which applies to https:// remotes only; ignored"
            )
        }
        if (cert == nil) != (key == nil) {
            return .failure(
                TLSRefusal("secret '\(name)': tls.crt and tls.key must be given together for a client certificate"))
        }
        access.connection.caCertificatePEM = ca
        access.connection.clientCertificatePEM = cert
        access.connection.clientKeyPEM = key
        return .success(nil)
    }
}

/// Why a GitRepository's TLS keys cannot be used (the message of the run's failure line).
struct TLSRefusal: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
