import Basics

/// Credentials for one registry. Its `description` never shows secrets.
public enum RegistryCredentials: Sendable, Hashable, CustomStringConvertible {
    /// No credentials: anonymous token flow or no auth.
    case anonymous
    /// User name and password (HTTP Basic, or Basic to the token endpoint).
    case basic(username: String, password: String)
    /// An OAuth2 refresh token (`identitytoken` in a Docker config), exchanged at the realm.
    case identityToken(String)
    /// A ready bearer token (`registrytoken`), sent as is.
    case registryToken(String)

    /// Redacted form, e.g. `basic(user: alice, password: ***)`.
    public var description: String {
        switch self {
        case .anonymous: "anonymous"
        case .basic(let user, _): "basic(user: \(user), password: ***)"
        case .identityToken: "identityToken(***)"
        case .registryToken: "registryToken(***)"
        }
    }

    /// A stable, non-reversible key so token caches separate different identities.
    var cacheKey: String {
        switch self {
        case .anonymous: return "anon"
        case .basic(let u, let p): return "basic:" + SHA256.hex(Array("\(u)\u{0}\(p)".utf8))
        case .identityToken(let t): return "idt:" + SHA256.hex(Array(t.utf8))
        case .registryToken(let t): return "rt:" + SHA256.hex(Array(t.utf8))
        }
    }
}

extension RegistryCredentials: CustomDebugStringConvertible, CustomReflectable {
    /// Same redacted text as `description`.
    public var debugDescription: String { description }
    /// A mirror without the secrets, so `dump` and `String(reflecting:)` stay redacted.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}
