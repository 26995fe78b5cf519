public import Basics

/// Git's smart HTTP as HTTP exchanges, so the HTTP itself can come from outside this module
/// (imagebot's libcurl client): TLS with an extra CA and a client certificate, HTTP/HTTPS/SOCKS5
/// proxies, timeouts and redirects. Committer builds the requests of the protocol; a
/// `GitHTTPClient` carries them.

/// One request of the smart HTTP protocol.
public struct GitHTTPRequest: Sendable {
    /// `GET` (ref advertisement) or `POST` (upload-pack / receive-pack).
    public var method: String
    /// The absolute URL, possibly with user info (the client must not log it unredacted).
    public var url: String
    /// Header fields, sent in order.
    public var headers: [(name: String, value: String)]
    /// The whole request body (`POST`), nil for none.
    public var body: [UInt8]?
    /// Whether redirects are followed (the first `GET` only, as git and libgit2 do).
    public var followRedirects: Bool
}

/// How one request reaches the server: the GitRepository's TLS material, proxy and time bound.
public struct GitHTTPSettings: Sendable {
    /// Extra CA certificates (PEM), trusted in addition to the system roots (Flux's `ca.crt`).
    public var caCertificatePEM: [UInt8]?
    /// Client certificate (PEM) for mutual TLS (`tls.crt`).
    public var clientCertificatePEM: [UInt8]?
    /// Client private key (PEM) for mutual TLS (`tls.key`).
    public var clientKeyPEM: [UInt8]?
    /// The proxy (`http`, `https`, `socks5` or `socks5h` URL with optional credentials).
    public var proxy: GitConnection.Proxy?
    /// What is left of the operation's time bound; nil for none.
    public var timeout: Duration?
    /// Bound on connecting (TCP, proxy, TLS handshake).
    public var connectTimeout: Duration
}

/// Status and headers of the final response.
public struct GitHTTPResponseHead: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header fields, names lowercased.
    public var headers: [(name: String, value: String)]
    /// The URL that answered (after redirects).
    public var effectiveURL: String

    /// Creates a response head.
    public init(status: Int, headers: [(name: String, value: String)], effectiveURL: String) {
        self.status = status
        self.headers = headers
        self.effectiveURL = effectiveURL
    }

    /// The first value of a header, case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }
}

/// Why an exchange failed below HTTP.
public struct GitHTTPFailure: Error, Sendable {
    /// The class of failure, which becomes the `GitError.Code`.
    public enum Kind: Sendable {
        /// The time bound passed.
        case timeout
        /// TLS failed: untrusted server certificate, refused or unusable client certificate.
        case certificate
        /// The server or proxy could not be reached or broke the connection.
        case unreachable
        /// The settings could not be applied (bad proxy URL, unusable PEM, …).
        case invalidSettings
    }

    /// The class of failure.
    public var kind: Kind
    /// One line (the client's own wording, e.g. libcurl's), without credentials.
    public var message: String

    /// Creates a failure.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }
}

/// One request in flight. Used on the thread that started it; the response body is streamed.
public protocol GitHTTPExchange: AnyObject {
    /// Sends the request (if not yet sent) and returns the final response's status and headers.
    func responseHead() throws(GitHTTPFailure) -> GitHTTPResponseHead
    /// Copies up to `buffer.count` body bytes into `buffer`; 0 at the end of the body.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(GitHTTPFailure) -> Int
}

/// Carries smart HTTP requests for Git remotes (`GitConnection.http`).
public protocol GitHTTPClient: Sendable {
    /// Prepares `request` with `settings`; it is sent by the exchange's first call.
    func start(_ request: GitHTTPRequest, settings: GitHTTPSettings) -> any GitHTTPExchange
}
