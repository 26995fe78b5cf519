public import Basics

/// A small HTTPS client for the APIs around registries and Git hosts (cloud token services,
/// instance metadata, the GitHub API), over the same libcurl transport as registry traffic:
/// verified TLS, optional CA and client certificate, proxy, timeouts and a capped response.
///
/// It lives here because this module is the one owner of libcurl. It does not retry: token
/// services are called once per token lifetime, and callers decide what a failure means.
public final class HTTPClient: Sendable {
    /// One request.
    public struct Request: Sendable {
        /// `GET`, `POST`, `PUT`, …
        public var method: String
        /// An absolute `http(s)://` URL.
        public var url: String
        /// Header fields, sent in order.
        public var headers: [(name: String, value: String)]
        /// The request body, if any.
        public var body: [UInt8]?

        /// Creates a request.
        public init(
            method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
        ) {
            self.method = method
            self.url = url
            self.headers = headers
            self.body = body
        }
    }

    /// A complete response.
    public struct Response: Sendable {
        /// The HTTP status code.
        public var status: Int
        /// Header fields of the final response, names lowercased, in arrival order.
        public var headers: [(name: String, value: String)]
        /// The body bytes.
        public var body: [UInt8]

        /// The first value of a header, case-insensitively.
        public func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return headers.first { $0.name == lower }?.value
        }
    }

    /// Transfer settings, for a buffered `send` and for an `HTTPStream` alike.
    public struct Options: Sendable {
        /// Whole-request bound, seconds (connect, send and the whole body); nil for none (a
        /// stream that may run long, such as a Git fetch).
        public var timeout: Double? = 30
        /// Connect bound, seconds (including the proxy and the TLS handshake).
        public var connectTimeout: Double = 10
        /// Largest response body `send` accepts, bytes (a stream's reader takes what comes).
        public var maxResponseBytes = 4 << 20
        /// Extra CA certificates (PEM), trusted in addition to the system bundle.
        public var caCertificatePEM: [UInt8]?
        /// Client certificate and key (PEM) for mutual TLS.
        public var clientCertificatePEM: [UInt8]?
        /// Client private key (PEM) for mutual TLS.
        public var clientKeyPEM: [UInt8]?
        /// Explicit proxy; nil means libcurl's `*_proxy`/`NO_PROXY` environment handling.
        public var proxy: ProxySettings?
        /// Follow redirects (at most 5; never from https down to http).
        public var followRedirects = false

        /// Defaults: 30 s, 10 s to connect, 4 MiB, system CAs, no redirects.
        public init() {}
    }

    private let transport = Transport()

    /// Creates a client; connections and TLS sessions are reused between its requests.
    public init() {}

    /// Sends one request. Errors carry the method and the URL without userinfo, never a body.
    public func send(_ request: Request, options: Options = Options()) async throws(RegistryError) -> Response {
        var transfer = TransferOptions()
        transfer.totalTimeout = options.timeout ?? 0
        transfer.connectTimeout = min(options.connectTimeout, options.timeout ?? options.connectTimeout)
        transfer.maxResponseBytes = options.maxResponseBytes
        transfer.caCertificatePEM = options.caCertificatePEM
        transfer.clientCertificatePEM = options.clientCertificatePEM
        transfer.clientKeyPEM = options.clientKeyPEM
        transfer.proxy = options.proxy
        transfer.followRedirects = options.followRedirects
        let internalRequest = HTTPRequest(
            method: request.method, url: request.url, headers: request.headers, body: request.body)
        switch await transport.send(internalRequest, options: transfer) {
        case .success(let response):
            return Response(status: response.status, headers: response.headers, body: response.body)
        case .failure(let error):
            throw error
        }
    }
}
