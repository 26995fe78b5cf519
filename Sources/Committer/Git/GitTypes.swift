#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Credentials for one remote. `description` never reveals secrets.
public enum GitCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Anonymous access.
    case none
    /// HTTP Basic authentication.
    case basic(username: String, password: String)
    /// An HTTP bearer token, sent as an `Authorization: Bearer` custom header.
    case bearer(token: String)
    /// An SSH private key (PEM/OpenSSH bytes), its optional passphrase and `known_hosts` bytes.
    case sshKey(privateKey: [UInt8], passphrase: String?, knownHosts: [UInt8])

    /// A redacted description.
    public var description: String {
        switch self {
        case .none: return "none"
        case .basic(let username, _): return "basic(username: \(username), password: ***)"
        case .bearer: return "bearer(token: ***)"
        case .sshKey(_, let passphrase, let knownHosts):
            return
                "sshKey(privateKey: ***, passphrase: \(passphrase == nil ? "nil" : "***"), knownHosts: \(knownHosts.count) bytes)"
        }
    }

    /// Same as `description`.
    public var debugDescription: String { description }

    var isBearer: Bool {
        if case .bearer = self { return true }
        return false
    }

    /// Secret strings to mask out of any error text.
    var secrets: [String] {
        switch self {
        case .none: return []
        case .basic(_, let password): return password.isEmpty ? [] : [password]
        case .bearer(let token): return token.isEmpty ? [] : [token]
        case .sshKey(_, let passphrase, _): return (passphrase ?? "").isEmpty ? [] : [passphrase ?? ""]
        }
    }
}

/// A Flux checkout reference. Precedence: `commit` > `name` > `tag` > `semver` > `branch` (default `master`).
public struct GitReference: Sendable, Hashable {
    /// A branch name, e.g. `main`.
    public var branch: String?
    /// A tag name, e.g. `v1.2.3`.
    public var tag: String?
    /// A semver range over tags, e.g. `>=1.0.0 <2.0.0`.
    public var semver: String?
    /// A full ref name, e.g. `refs/heads/main` or `refs/pull/420/head`.
    public var name: String?
    /// A full commit id (hex).
    public var commit: String?

    /// Creates a reference; all fields nil means branch `master`.
    public init(
        branch: String? = nil, tag: String? = nil, semver: String? = nil, name: String? = nil, commit: String? = nil
    ) {
        self.branch = branch
        self.tag = tag
        self.semver = semver
        self.name = name
        self.commit = commit
    }
}

/// An author/committer identity.
public struct GitSignature: Sendable {
    /// Display name.
    public var name: String
    /// E-mail address.
    public var email: String
    /// Seconds since the epoch.
    public var time: Int64
    /// Offset from UTC in minutes.
    public var offsetMinutes: Int32

    /// Creates a signature; `time` defaults to now (UTC).
    public init(name: String, email: String, time: Int64? = nil, offsetMinutes: Int32 = 0) {
        self.name = name
        self.email = email
        self.time = time ?? Int64(Glibc.time(nil))
        self.offsetMinutes = offsetMinutes
    }
}

/// The outcome of a push.
public struct PushResult: Sendable, Hashable {
    /// What happened to the branch.
    public enum Outcome: Sendable, Hashable {
        /// The remote branch now points at our commit.
        case pushed
        /// Another writer moved the branch; fetch, recompute and retry.
        case rejectedNonFastForward
        /// The remote branch already pointed at our commit.
        case upToDate
    }

    /// What happened.
    public var outcome: Outcome
    /// A one-line human-readable summary.
    public var message: String

    /// Creates a result.
    public init(outcome: Outcome, message: String) {
        self.outcome = outcome
        self.message = message
    }
}

/// Signs a commit buffer (as produced by `git_commit_create_buffer`); returns an armoured signature.
public protocol CommitSigner {
    /// Returns the armoured signature (PGP or SSH) over `commitBuffer`.
    func sign(_ commitBuffer: [UInt8]) throws -> String
}

/// Retries the fetch → recompute → commit → push cycle when the push is rejected as non-fast-forward.
public enum PushRetry {
    /// Runs `attempt(n)` (n from 1) until it returns something other than `rejectedNonFastForward`,
    /// at most `maxAttempts` times, sleeping a jittered 20–80 ms × n between attempts.
    /// Returns the last result (which is `rejectedNonFastForward` if every attempt lost the race).
    /// This blocks the calling thread; run it off the Swift cooperative pool.
    public static func run(maxAttempts: Int = 5, attempt: (Int) throws -> PushResult) throws -> PushResult {
        let attempts = max(1, maxAttempts)
        var last = PushResult(outcome: .rejectedNonFastForward, message: "no attempt made")
        for n in 1...attempts {
            last = try attempt(n)
            guard last.outcome == .rejectedNonFastForward else { return last }
            if n < attempts {
                let millis = UInt32.random(in: 20...80) * UInt32(n)
                usleep(millis * 1000)
            }
        }
        return last
    }
}

/// A tag of a remote and the commit it points to, for choosing a semver checkout.
public struct GitTag: Sendable, Hashable {
    /// The tag's name without `refs/tags/`, e.g. `v1.2.3`.
    public var name: String
    /// The commit id the tag points to (an annotated tag peeled).
    public var commit: String
    /// The commit's time, seconds since the epoch.
    public var time: Int64

    public init(name: String, commit: String, time: Int64) {
        self.name = name
        self.commit = commit
        self.time = time
    }
}
