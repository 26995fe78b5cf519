public import Basics

/// How a Git remote is reached over HTTP(S): the HTTP client, the TLS material of the
/// GitRepository's Secret (`ca.crt`, `tls.crt`, `tls.key`), a proxy (`proxySecretRef`) and a
/// bound on each remote operation (GitRepository `timeout`).
///
/// With `http` set, every `http://`/`https://` remote goes through it (see `SmartHTTPTransport`);
/// without it libgit2's own HTTP is used, which can apply none of the other settings (a proxy,
/// a CA or a client certificate is then refused rather than ignored).
public struct GitConnection: Sendable, CustomStringConvertible {
    /// A proxy for the remote: the one proxy type, shared with registry traffic.
    public typealias Proxy = ProxySettings

    /// Carries the smart HTTP requests; nil for libgit2's built-in HTTP.
    public var http: (any GitHTTPClient)?
    /// The proxy, or nil for a direct connection.
    public var proxy: Proxy?
    /// The longest a fetch, listing or push may take; nil for no bound.
    public var timeout: Duration?
    /// Extra CA certificates (PEM), trusted in addition to the system roots.
    public var caCertificatePEM: [UInt8]?
    /// Client certificate (PEM) for mutual TLS.
    public var clientCertificatePEM: [UInt8]?
    /// Client private key (PEM) for mutual TLS.
    public var clientKeyPEM: [UInt8]?

    /// A direct connection without a time bound.
    public init(http: (any GitHTTPClient)? = nil, proxy: Proxy? = nil, timeout: Duration? = nil) {
        self.http = http
        self.proxy = proxy
        self.timeout = timeout
    }

    /// The proxy's URL without credentials, the timeout and which TLS material is set.
    public var description: String {
        "GitConnection(proxy: \(proxy.map { redactURL($0.url) } ?? "none")\(proxy?.password == nil ? "" : ", password: ***"), "
            + "timeout: \(timeout.map { "\($0)" } ?? "none"), ca: \(caCertificatePEM == nil ? "none" : "set"), "
            + "clientCert: \(clientCertificatePEM == nil ? "none" : "set"), clientKey: \(clientKeyPEM == nil ? "none" : "***"))"
    }

    /// Settings that only an HTTP client can honour, by name (empty when none is set).
    var needsHTTPClient: [String] {
        var names: [String] = []
        if proxy != nil { names.append("a proxy") }
        if caCertificatePEM != nil { names.append("ca.crt") }
        if clientCertificatePEM != nil || clientKeyPEM != nil { names.append("a client certificate") }
        return names
    }

    /// Strings to mask out of error text.
    var secrets: [String] {
        [proxy?.password].compactMap { $0 }.filter { !$0.isEmpty }
    }
}
