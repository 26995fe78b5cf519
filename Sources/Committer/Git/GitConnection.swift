/// How a Git remote is reached over HTTP(S): a proxy (GitRepository `proxySecretRef`) and a
/// bound on each remote operation (GitRepository `timeout`).
public struct GitConnection: Sendable, CustomStringConvertible {
    /// An HTTP proxy for the remote: `http://host:port` (HTTP CONNECT for https remotes).
    public struct Proxy: Sendable, Hashable {
        /// `http://` or `https://` proxy URL.
        public var url: String
        /// Proxy user name, when the proxy wants Basic credentials.
        public var username: String?
        /// Proxy password.
        public var password: String?

        /// Creates proxy settings.
        public init(url: String, username: String? = nil, password: String? = nil) {
            self.url = url
            self.username = username
            self.password = password
        }
    }

    /// The proxy, or nil for a direct connection.
    public var proxy: Proxy?
    /// The longest a fetch, listing or push may take; nil for no bound.
    public var timeout: Duration?

    /// A direct connection without a time bound.
    public init(proxy: Proxy? = nil, timeout: Duration? = nil) {
        self.proxy = proxy
        self.timeout = timeout
    }

    /// The proxy's URL without credentials and the timeout.
    public var description: String {
        "GitConnection(proxy: \(proxy.map { redactURL($0.url) } ?? "none")\(proxy?.password == nil ? "" : ", password: ***"), "
            + "timeout: \(timeout.map { "\($0)" } ?? "none"))"
    }

    /// Strings to mask out of error text.
    var secrets: [String] {
        [proxy?.password].compactMap { $0 }.filter { !$0.isEmpty }
    }
}
