/// A failure of a registry operation: what kind, a one-line message, and where it came from.
///
/// Never contains credentials: messages are built from status codes, registry error JSON,
/// curl's error text and URLs without userinfo.
public struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; extensible like NIO's error codes.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The stable name of the code.
        public let name: String
        init(_ name: String) { self.name = name }
        /// The name of the code.
        public var description: String { name }

        /// The image string is not a valid repository reference.
        public static let invalidReference = Code("invalidReference")
        /// The registry rejected the credentials (401) or no credentials were given.
        public static let unauthorized = Code("unauthorized")
        /// The registry refused access (403).
        public static let forbidden = Code("forbidden")
        /// The repository or tag does not exist (404).
        public static let notFound = Code("notFound")
        /// The registry rate-limited us (429) and retries were exhausted.
        public static let rateLimited = Code("rateLimited")
        /// Any other unexpected HTTP status.
        public static let httpStatus = Code("httpStatus")
        /// A network-level failure reported by libcurl (connect, TLS, reset, …).
        public static let transport = Code("transport")
        /// A timeout or the operation deadline passed.
        public static let timeout = Code("timeout")
        /// The response was larger than the configured cap.
        public static let responseTooLarge = Code("responseTooLarge")
        /// The response body or a header could not be understood.
        public static let invalidResponse = Code("invalidResponse")
        /// A `Link` header pointed somewhere we refuse to follow (other host, cycle).
        public static let invalidLink = Code("invalidLink")
        /// The tag list exceeded the page or tag limit.
        public static let limitExceeded = Code("limitExceeded")
        /// The token endpoint failed.
        public static let tokenExchange = Code("tokenExchange")
        /// A Docker config file or credential helper failed.
        public static let credentials = Code("credentials")
        /// The task was cancelled.
        public static let cancelled = Code("cancelled")
        /// Invalid client options (e.g. an unusable CA bundle or proxy URL).
        public static let invalidOptions = Code("invalidOptions")
    }

    /// The kind of failure.
    public var code: Code
    /// The human-readable cause, one line, without the image prefix.
    public var message: String
    /// The image (`registry/repository`) the operation was about, if any.
    public var image: String?
    /// The HTTP status, if the failure came from a response.
    public var httpStatus: Int?
    /// libcurl's error text, if the failure came from libcurl.
    public var curlError: String?
    /// For transport errors: whether the failure is transient (reset, refused, partial transfer).
    var transient = false
    /// For transport errors: what kind of TLS failure it was, if any.
    var tlsFailure: TLSFailure?

    enum TLSFailure: Sendable, Hashable {
        /// The handshake failed: typically the server does not speak TLS on that port.
        case handshake
        /// The server speaks TLS but its certificate is not trusted.
        case untrustedCertificate
    }

    /// Creates an error value.
    public init(
        code: Code, message: String, image: String? = nil, httpStatus: Int? = nil, curlError: String? = nil
    ) {
        self.code = code
        self.message = message
        self.image = image
        self.httpStatus = httpStatus
        self.curlError = curlError
    }

    /// One line: `<image>: <message>` (or just the message when no image applies).
    public var description: String {
        guard let image else { return message }
        return "\(image): \(message)"
    }

    /// Whether another attempt may succeed (used by the retry loop).
    var isRetryable: Bool {
        if code == .timeout || (code == .transport && transient) { return true }
        if let s = httpStatus { return RetryPolicy.retryableStatuses.contains(s) }
        return false
    }

    func with(image: String) -> RegistryError {
        var copy = self
        if copy.image == nil { copy.image = image }
        return copy
    }
}
