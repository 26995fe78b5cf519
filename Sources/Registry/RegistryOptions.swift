public import Basics

/// Per-repository settings: credentials, TLS, proxy, timeouts, retry and size limits.
public struct RegistryOptions: Sendable {
    /// Credentials for the registry; `.anonymous` by default.
    public var credentials: RegistryCredentials = .anonymous
    /// Use plain HTTP even where the reference says `https` (Flux `spec.insecure`). Equivalent
    /// to parsing the reference with `insecure: true`.
    public var insecure = false
    /// Extra CA certificates (PEM), trusted in addition to the system bundle.
    public var caCertificatePEM: [UInt8]?
    /// Client certificate (PEM) for mutual TLS.
    public var clientCertificatePEM: [UInt8]?
    /// Client private key (PEM) for mutual TLS.
    public var clientKeyPEM: [UInt8]?
    /// Explicit proxy; nil means libcurl's `http_proxy`/`https_proxy`/`NO_PROXY` handling.
    public var proxy: ProxySettings?
    /// Deadline for the whole operation (all pages, retries and token requests), seconds.
    public var timeout: Double = 60
    /// Connect timeout per request, seconds.
    public var connectTimeout: Double = 10
    /// Total timeout per request, seconds (also capped by the remaining `timeout`).
    public var requestTimeout: Double = 30
    /// Attempts per request including the first (retries on 408/429/499/5xx and network errors).
    public var maxAttempts = 4
    /// Base of the exponential backoff, seconds (full jitter: sleep ∈ [0, base·2ⁿ]).
    public var retryBaseDelay: Double = 0.5
    /// Largest single backoff or `Retry-After` wait we honour, seconds.
    public var maxRetryDelay: Double = 30
    /// Largest response body accepted, bytes.
    public var maxResponseBytes = 32 << 20
    /// `n` for `tags/list` (ECR rejects more than 1000).
    public var tagPageSize = 1000
    /// Most pages followed before failing.
    public var maxTagPages = 10_000
    /// Most tags accepted before failing.
    public var maxTags = 5_000_000

    /// Default options: anonymous, TLS verified, 60 s deadline, 4 attempts.
    public init() {}

    /// Options with the given credentials.
    public init(credentials: RegistryCredentials) {
        self.credentials = credentials
    }

    var transfer: TransferOptions {
        var t = TransferOptions()
        t.connectTimeout = connectTimeout
        t.totalTimeout = requestTimeout
        t.maxResponseBytes = maxResponseBytes
        t.caCertificatePEM = caCertificatePEM
        t.clientCertificatePEM = clientCertificatePEM
        t.clientKeyPEM = clientKeyPEM
        t.proxy = proxy
        return t
    }
}

extension RegistryOptions: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A summary without secrets (credentials redacted, key material reduced to its size).
    public var description: String {
        "RegistryOptions(credentials: \(credentials), insecure: \(insecure), "
            + "ca: \(caCertificatePEM.map { "\($0.count) bytes" } ?? "none"), "
            + "clientCert: \(clientCertificatePEM == nil ? "none" : "set"), "
            + "clientKey: \(clientKeyPEM == nil ? "none" : "***"), proxy: \(proxy.map(\.description) ?? "none"), "
            + "timeout: \(timeout)s, attempts: \(maxAttempts))"
    }
    /// Same redacted text as `description`.
    public var debugDescription: String { description }
    /// A mirror without secrets, so `dump` stays redacted.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }
}
