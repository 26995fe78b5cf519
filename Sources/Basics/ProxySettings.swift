/// A proxy (`proxySecretRef`) for registry, token-service and Git traffic: an `http://`,
/// `https://` (HTTP CONNECT), `socks5://` or `socks5h://` URL and optional credentials.
public struct ProxySettings: Sendable, Hashable, CustomStringConvertible {
    /// Proxy URL, e.g. `http://proxy.internal:3128`.
    public var url: String
    /// Optional proxy user name (HTTP Basic or SOCKS5 username/password).
    public var username: String?
    /// Optional proxy password.
    public var password: String?

    /// Creates proxy settings.
    public init(url: String, username: String? = nil, password: String? = nil) {
        self.url = url
        self.username = username
        self.password = password
    }

    /// The proxy URL without credentials.
    public var description: String {
        "ProxySettings(\(redactUserinfo(url))\(username == nil ? "" : ", user: ***"))"
    }
}

extension ProxySettings: CustomDebugStringConvertible, CustomReflectable {
    /// Same redacted text as `description`.
    public var debugDescription: String { description }
    /// A mirror without the password, so `dump` stays redacted.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}

/// `url` with its `user:pass@` replaced by `***@`, before it goes into a message.
public func redactUserinfo(_ url: String) -> String {
    guard let sep = url.firstRange(of: "://") else { return url }
    let rest = url[sep.upperBound...]
    let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
    guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
    return String(url[..<sep.upperBound]) + "***@" + String(rest[rest.index(after: at)...])
}
