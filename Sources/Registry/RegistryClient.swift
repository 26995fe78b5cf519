import Basics
public import Logging
import Synchronization

/// An OCI distribution client: lists tags and reads manifest digests, with token/basic auth,
/// retries and a per-registry concurrency limit. One instance is meant to be shared by the
/// whole process so connections and tokens are reused.
public final class RegistryClient: Sendable {
    let transport = Transport()
    let tokens: TokenCache
    let logger: Logger?
    private let permitsPerRegistry: Int
    private let semaphores = Mutex<[String: AsyncSemaphore]>([:])
    /// Tag page sizes per registry after a refusal of `options.tagPageSize`; `.some(nil)`: no `n`.
    let pageSizes = Mutex<[String: Int?]>([:])
    /// `http` or `https` per registry, for hosts that may be either (see `resolveScheme`).
    let schemes = Mutex<[String: String]>([:])
    /// The HTTPS probe in flight per registry (`resolveScheme`).
    let probes = Mutex<[String: Task<Result<HTTPResponse, RegistryError>, Never>]>([:])

    /// Creates a client. `logger` receives debug events (retries, token refreshes); the library
    /// never creates its own logger and never logs credentials.
    public convenience init(maxConcurrentRequestsPerRegistry: Int = 4, logger: Logger? = nil) {
        self.init(
            maxConcurrentRequestsPerRegistry: maxConcurrentRequestsPerRegistry, logger: logger, tokens: TokenCache())
    }

    /// A client whose token cache is given (tests pass one on a clock they control).
    init(maxConcurrentRequestsPerRegistry: Int = 4, logger: Logger? = nil, tokens: TokenCache) {
        permitsPerRegistry = max(1, maxConcurrentRequestsPerRegistry)
        self.logger = logger
        self.tokens = tokens
    }

    /// Forgets cached tokens and auth schemes for a registry (e.g. when its ImageRepository is deleted).
    public func clearCachedAuthentication(registry: String) {
        tokens.removeAll(registry: registry)
    }

    func semaphore(for registry: String) -> AsyncSemaphore {
        semaphores.withLock { map in
            if let s = map[registry] { return s }
            let s = AsyncSemaphore(permits: permitsPerRegistry)
            map[registry] = s
            return s
        }
    }
}

/// What every request of one public operation shares.
struct RequestContext: Sendable {
    let reference: ImageReference
    let options: RegistryOptions
    let deadline: ContinuousClock.Instant
    /// The scheme to use: https, unless `resolveScheme` found that this registry speaks only http.
    var scheme = "https"
    /// `http(s)://registry`.
    var baseURL: String { "\(scheme)://\(reference.registry)" }
    /// Whether plain HTTP is allowed: `insecure: true`, or a host Flux reaches over HTTP
    /// (localhost, loopback, RFC 1918; `ImageReference.scheme`).
    var allowsPlainHTTP: Bool { options.insecure || reference.scheme == "http" }
    /// `repository:<repo>:pull`, the Docker token scope for reading.
    var scope: String { "repository:\(reference.repository):pull" }

    init(reference: ImageReference, options: RegistryOptions) {
        self.reference = reference
        self.options = options
        deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(max(0.001, options.timeout) * 1000)))
    }

    var remainingSeconds: Double {
        let d = deadline - ContinuousClock.now
        let (s, atto) = d.components
        return Double(s) + Double(atto) / 1e18
    }
}
