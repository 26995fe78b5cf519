import Basics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Credentials from a Docker config: `{"auths":{…}}` (`.dockerconfigjson`, `~/.docker/config.json`)
/// or the legacy bare map (`.dockercfg`), plus `credHelpers` / `credsStore`.
///
/// Matching follows Flux (go-containerregistry's Kubernetes keychain): keys are normalised
/// (`https://` added, a leading `/v1/` or `/v2/` path dropped), sorted descending so the most
/// specific comes first, and match a target with the same port, the same number of host labels
/// (each a glob) and a path prefix. So `docker.io` does not match Docker Hub images while
/// `index.docker.io` and `https://index.docker.io/v1/` do.
public struct DockerConfig: Sendable, CustomStringConvertible {
    struct Entry: Sendable {
        var key: String  // normalised: host[:port][/path]
        var hostLabels: [String]
        var port: String
        var path: String
        var credentials: RegistryCredentials
    }

    /// Normalised entries, most specific first.
    private(set) var entries: [Entry] = []
    /// `credHelpers`: registry host → helper name (`docker-credential-<name>`).
    public private(set) var credentialHelpers: [String: String] = [:]
    /// `credsStore`: the default helper, if any.
    public private(set) var credentialsStore: String?

    /// A redacted summary (keys only).
    public var description: String {
        "DockerConfig(keys: \(entries.map(\.key)), credHelpers: \(credentialHelpers.keys.sorted()), "
            + "credsStore: \(credentialsStore ?? "none"))"
    }

    /// An empty config (no credentials).
    public init() {}

    /// Parses a Docker config JSON document (either format).
    public init(json: [UInt8]) throws(RegistryError) {
        guard json.count <= 4 << 20 else { throw Self.invalid("docker config is larger than 4 MiB") }
        let data = Data(json)
        let decoder = JSONDecoder()
        var auths: [String: AuthEntry]
        if let file = try? decoder.decode(ConfigFile.self, from: data),
            file.auths != nil || file.credHelpers != nil || file.credsStore != nil
        {
            auths = file.auths ?? [:]
            credentialHelpers = file.credHelpers ?? [:]
            credentialsStore = file.credsStore.flatMap { $0.isEmpty ? nil : $0 }
        } else {
            do {
                auths = try decoder.decode([String: AuthEntry].self, from: data)
            } catch {
                throw Self.invalid(
                    "docker config is neither {\"auths\":{…}} nor a dockercfg map: "
                        + RegistryClient.shortReason(error))
            }
        }
        for (location, entry) in auths.sorted(by: { $0.key < $1.key }) {
            guard let normalised = Self.normalise(location) else { continue }
            let credentials = try entry.credentials(key: location)
            guard credentials != .anonymous else { continue }  // e.g. `{}` placeholders next to credsStore
            entries.append(
                Entry(
                    key: normalised.key, hostLabels: normalised.labels, port: normalised.port,
                    path: normalised.path, credentials: credentials))
        }
        entries = Self.sorted(entries)
    }

    /// One keychain from several configs, as Flux builds from `secretRef` plus the service
    /// account's `imagePullSecrets`: all `auths` entries, re-sorted most specific first (ties keep
    /// the order of `configs`); helpers and stores from earlier configs win.
    public init(merging configs: [DockerConfig]) {
        entries = Self.sorted(configs.flatMap(\.entries))
        for config in configs.reversed() {
            credentialHelpers.merge(config.credentialHelpers) { _, earlier in earlier }
            credentialsStore = config.credentialsStore ?? credentialsStore
        }
    }

    static func sorted(_ entries: [Entry]) -> [Entry] {
        // Descending byte order, stable for duplicates: most specific keys first.
        entries.enumerated().sorted {
            $0.element.key != $1.element.key ? $0.element.key > $1.element.key : $0.offset < $1.offset
        }.map(\.element)
    }

    /// The credentials from `auths` that apply to a repository, or nil (anonymous).
    public func credentials(for reference: ImageReference) -> RegistryCredentials? {
        matchingCredentials(for: reference).first
    }

    /// All matching `auths` credentials, most specific first.
    func matchingCredentials(for reference: ImageReference) -> [RegistryCredentials] {
        let (labels, port) = Self.splitHost(reference.registry)
        let targetPath = "/" + reference.repository
        return entries.filter { e in
            e.port == port && e.hostLabels.count == labels.count
                && zip(e.hostLabels, labels).allSatisfy { Glob.match($0, $1) }
                && targetPath.hasPrefix(e.path)
        }.map(\.credentials)
    }

    /// A key's normalised form (k8s credentialprovider keyring `Add`); nil for non-URLs.
    static func normalise(_ location: String) -> (key: String, labels: [String], port: String, path: String)? {
        var value = location
        if !value.hasPrefix("https://") && !value.hasPrefix("http://") { value = "https://" + value }
        guard let sep = value.firstRange(of: "://") else { return nil }
        let rest = value[sep.upperBound...]
        let hostEnd = rest.firstIndex(where: { (c: Character) in c == "/" || c == "?" || c == "#" }) ?? rest.endIndex
        let authority = String(rest[..<hostEnd])
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var path = String(rest[hostEnd...])
        if let q = path.firstIndex(where: { (c: Character) in c == "?" || c == "#" }) { path = String(path[..<q]) }
        if path.hasPrefix("/v2/") || path.hasPrefix("/v1/") { path = String(path.dropFirst(3)) }
        if path == "/" { path = "" }
        let (labels, port) = splitHost(authority)
        return (authority + path, labels, port, path)
    }

    /// `net.SplitHostPort` semantics, then the host split into dot labels.
    static func splitHost(_ authority: String) -> (labels: [String], port: String) {
        var host = authority
        var port = ""
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = String(after.dropFirst()) }
        } else if authority.filter({ $0 == ":" }).count == 1, let colon = authority.firstIndex(of: ":") {
            host = String(authority[..<colon])
            port = String(authority[authority.index(after: colon)...])
        }
        return (host.split(separator: ".", omittingEmptySubsequences: false).map(String.init), port)
    }

    static func invalid(_ message: String) -> RegistryError {
        RegistryError(code: .credentials, message: message)
    }
}

private struct ConfigFile: Decodable {
    var auths: [String: AuthEntry]?
    var credHelpers: [String: String]?
    var credsStore: String?
}

/// One `auths` entry. `auth` (base64 `user:pass`) wins over `username`/`password`.
private struct AuthEntry: Decodable {
    var auth: String?
    var username: String?
    var password: String?
    var identitytoken: String?
    var registrytoken: String?

    func credentials(key: String) throws(RegistryError) -> RegistryCredentials {
        if let t = registrytoken, !t.isEmpty { return .registryToken(t) }
        if let t = identitytoken, !t.isEmpty { return .identityToken(t) }
        var user = username ?? ""
        var pass = password ?? ""
        if let auth, !auth.isEmpty {
            guard let raw = try? Base64.decode(String(Substring(auth).trimmingSpaces())).get(),
                let text = String(validating: raw, as: UTF8.self), let colon = text.firstIndex(of: ":")
            else {
                throw DockerConfig.invalid(
                    "docker config entry '\(sanitize(key, limit: 200))': 'auth' is not base64 of user:password")
            }
            user = String(text[..<colon])
            pass = String(text[text.index(after: colon)...])
        }
        if user.isEmpty && pass.isEmpty { return .anonymous }
        return .basic(username: user, password: pass)
    }
}
