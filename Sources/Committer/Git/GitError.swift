internal import CGit2

/// libgit2 is initialised exactly once, lazily and thread-safely (Swift global `let`), and never shut down.
let libgit2InitResult: Int32 = git_libgit2_init()

/// Ensures libgit2 is initialised before first use.
@inline(__always)
func ensureLibgit2() {
    precondition(libgit2InitResult > 0, "git_libgit2_init failed")
}

/// An error from the Git layer: a libgit2 failure or a precondition we check ourselves.
///
/// `message` is one line naming the remote/ref and the cause. It never contains credentials:
/// URLs are redacted of user info and any secret value is masked before the error is built.
public struct GitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is, independent of libgit2's numeric codes.
    public enum Code: String, Sendable, Hashable {
        /// A libgit2 call failed for a reason not classified below.
        case libgit2
        /// The remote could not be reached (DNS, connection refused, missing path, …).
        case unreachable
        /// The remote rejected our credentials, or none were accepted.
        case authentication
        /// The SSH host key or TLS certificate was not trusted.
        case certificate
        /// A branch, tag, ref or commit does not exist.
        case notFound
        /// A path argument was unsafe (`..`, absolute, through a symlink) or named a non-regular file.
        case invalidPath
        /// An argument was invalid (bad reference, unsupported option, …).
        case invalidArgument
        /// The remote refused a reference update for a reason other than non-fast-forward.
        case pushRejected
        /// Commit signing failed.
        case signing
        /// A remote operation took longer than the GitRepository's `timeout`.
        case timeout
    }

    /// The classified failure kind.
    public var code: Code
    /// One line naming the remote/ref and the cause; never contains credentials.
    public var message: String
    /// libgit2's return code (0 when the error did not come from libgit2).
    public var libgit2Code: Int32
    /// libgit2's error class (`git_error_t`), 0 when unknown.
    public var libgit2Class: Int32
    /// The libgit2 function that failed, or the Swift operation name.
    public var function: String

    /// Creates an error value.
    public init(code: Code, message: String, libgit2Code: Int32 = 0, libgit2Class: Int32 = 0, function: String) {
        self.code = code
        self.message = message.replacingNewlines()
        self.libgit2Code = libgit2Code
        self.libgit2Class = libgit2Class
        self.function = function
    }

    /// `message` followed by the failing function.
    public var description: String {
        libgit2Code == 0
            ? "\(message) [\(function)]" : "\(message) [\(function), libgit2 \(libgit2Code)/\(libgit2Class)]"
    }
}

extension String {
    func replacingNewlines() -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for ch in self { out.append(ch == "\n" || ch == "\r" ? " " : ch) }
        while out.hasSuffix(" ") { out.removeLast() }
        return out
    }

    /// Replaces every occurrence of each non-empty secret with `***`.
    func masking(_ secrets: [String]) -> String {
        var out = self
        for secret in secrets where secret.count >= 1 {
            out = out.replacingAll(secret, with: "***")
        }
        return out
    }

    func replacingAll(_ needle: String, with replacement: String) -> String {
        guard !needle.isEmpty else { return self }
        return self.replacing(needle, with: replacement)
    }
}

/// Context used to phrase and sanitise errors (the redacted remote and the secrets to mask).
struct ErrorContext {
    var subject: String
    var secrets: [String]

    static let none = ErrorContext(subject: "", secrets: [])
}

/// Reads `git_error_last()` immediately (it is thread-local) and builds a `GitError`.
func lastError(_ rc: Int32, _ function: String, _ context: ErrorContext, what: String) -> GitError {
    let last = git_error_last()
    let klass = last?.pointee.klass ?? 0
    let raw = last?.pointee.message.map { String(cString: $0) } ?? "unknown error"
    let cause = raw.masking(context.secrets).replacingNewlines()
    let code: GitError.Code
    switch rc {
    case GIT_EAUTH.rawValue: code = .authentication
    case GIT_ECERTIFICATE.rawValue: code = .certificate
    case GIT_ENOTFOUND.rawValue: code = .notFound
    default:
        let lower = cause.lowercased()
        if lower.contains("401") || lower.contains("authentication") || lower.contains("unauthorized") {
            code = .authentication
        } else if klass == GIT_ERROR_NET.rawValue || klass == GIT_ERROR_SSH.rawValue || klass == GIT_ERROR_OS.rawValue
            || lower.contains("failed to resolve path") || lower.contains("could not find repository")
            || lower.contains("failed to connect") || lower.contains("failed to start ssh")
        {
            code = .unreachable
        } else {
            code = .libgit2
        }
    }
    let prefix = context.subject.isEmpty ? what : "\(what) \(context.subject)"
    return GitError(
        code: code, message: "\(prefix): \(cause)", libgit2Code: rc, libgit2Class: klass, function: function)
}

/// Every libgit2 return code goes through here: negative codes throw with the error text captured on the spot.
@inline(__always)
func check(_ rc: Int32, _ function: String, _ context: ErrorContext = .none, what: String = "git") throws(GitError) {
    guard rc < 0 else { return }
    throw lastError(rc, function, context, what: what)
}

/// Removes `user:password@` from URLs so they can appear in messages.
func redactURL(_ url: String) -> String {
    guard let schemeEnd = url.firstRange(of: "://") else {
        // scp-like "user@host:path": the user name is not a secret but keep only host:path for symmetry.
        return url
    }
    let afterScheme = url[schemeEnd.upperBound...]
    let authorityEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
    let authority = afterScheme[afterScheme.startIndex..<authorityEnd]
    guard let at = authority.lastIndex(of: "@") else { return url }
    return String(url[url.startIndex..<schemeEnd.upperBound]) + String(authority[authority.index(after: at)...])
        + String(afterScheme[authorityEnd...])
}
