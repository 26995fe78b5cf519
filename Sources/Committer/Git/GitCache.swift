import Basics
internal import CGit2

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A bare repository cache for one remote URL, under `<stateDirectory>/git/<sha256-hex of URL>`;
/// reused across runs (incremental fetch, never a fresh clone per run).
///
/// All methods are synchronous and block on network and disk I/O: run them on a dedicated thread
/// (e.g. `NIOThreadPool` or a `DispatchQueue`), never on the Swift cooperative pool. An instance
/// wraps libgit2 objects, which are confined to one thread at a time, hence it is not `Sendable`.
/// Local layout: fetched branches under `refs/remotes/origin/*`, tags under `refs/tags/*`,
/// arbitrary `name` refs under `refs/imagebot/names/*`.
///
/// By verb: `+Remote` (ls-remote, fetch, push), `+Resolve` (checkout references, tags),
/// `+Tree` (reading files), `+Commit` (building commits), `+Paths` (path safety).
public final class GitCache {
    /// The cache directory (a bare repository).
    public let path: String
    /// The remote URL with any user info removed (safe to log).
    public let redactedURL: String
    /// Objects received by the last fetch (0 when nothing had to be transferred).
    public internal(set) var lastFetchReceivedObjects = 0

    let remoteURL: String
    let credentials: GitCredentials
    let connection: GitConnection
    let repository: RepositoryHandle
    /// Held while this cache is in use, when no other one is; makes libgit2's leftover lock
    /// files safe to remove.
    private let cacheLock: CacheLock?
    var secrets: [String] { credentials.secrets + connection.secrets }
    var context: ErrorContext { ErrorContext(subject: redactedURL, secrets: secrets) }

    /// Opens (or creates) the cache for `remoteURL` below `stateDirectory`; remote operations
    /// go through `connection`'s proxy and stop at its timeout.
    public init(
        stateDirectory: String, remoteURL: String, credentials: GitCredentials,
        connection: GitConnection = GitConnection()
    ) throws(GitError) {
        self.remoteURL = remoteURL
        self.credentials = credentials
        self.connection = connection
        self.redactedURL = redactURL(remoteURL).masking(credentials.secrets + connection.secrets)
        let directory = stateDirectory + "/git/" + SHA256.hex(Array(remoteURL.utf8))
        self.path = directory
        do {
            try AtomicFile.createDirectories(directory)
        } catch {
            throw GitError(
                code: .invalidArgument,
                message: "cannot create cache directory \(directory) for \(redactedURL): \(error.message)",
                function: "createDirectory")
        }
        cacheLock = CacheLock(directory: directory)
        let isHTTP = remoteURL.hasPrefix("http://") || remoteURL.hasPrefix("https://")
        if isHTTP && connection.http == nil && !connection.needsHTTPClient.isEmpty {
            throw GitError(
                code: .invalidArgument,
                message:
                    "\(redactedURL): \(connection.needsHTTPClient.joined(separator: ", ")) needs an HTTP client (libgit2's own HTTP cannot apply it)",
                function: "GitCache.init")
        }
        try check(
            smartHTTPRegistration, "git_transport_register", ErrorContext(subject: redactedURL, secrets: []),
            what: "registering the HTTP transport for")
        self.repository = try RepositoryHandle(
            bareAt: directory,
            context: ErrorContext(subject: redactedURL, secrets: credentials.secrets + connection.secrets))
    }
}

@available(*, unavailable)
extension GitCache: Sendable {}
