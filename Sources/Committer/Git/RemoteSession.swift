import Basics
internal import CGit2

#if canImport(Glibc)
import Glibc
#endif

/// Per-operation state shared with libgit2's C callbacks through the `payload` pointer.
///
/// It is passed with `Unmanaged.passUnretained` and kept alive by `withExtendedLifetime` around the
/// whole libgit2 call (never released by a "final" callback). Callbacks run synchronously on the
/// calling thread, so no locking is needed.
final class RemoteSession {
    let credentials: GitCredentials
    let redactedURL: String
    private(set) var credentialAttempts = 0
    /// Set when we refused to offer credentials again after a rejection.
    var authenticationRejected = false
    /// Set when the host key check refused the server; contains the reason (with the SHA256 fingerprint).
    var hostKeyRefusal: String?
    /// Remote ref → status text, for refs the server refused (push).
    var pushStatuses: [String: String] = [:]
    /// Remote ref → (old id on the remote, new id we send), from push negotiation.
    var negotiated: [String: (old: String, new: String)] = [:]

    /// The SSH port from the URL, when not 22 (known_hosts then records `[host]:port`).
    let sshPort: Int?
    /// The HTTP client, TLS material, proxy and time bound (read by the HTTP subtransport).
    let connection: GitConnection
    /// When the operation must have finished (GitRepository `timeout`).
    let deadline: ContinuousClock.Instant?
    /// Set when a progress callback aborted the transfer at the deadline.
    var timedOut = false
    /// Set by the HTTP subtransport: how its failure classifies (timeout, certificate, …).
    var failureCode: GitError.Code?

    init(credentials: GitCredentials, redactedURL: String, connection: GitConnection = GitConnection()) {
        self.credentials = credentials
        self.redactedURL = redactedURL
        self.sshPort = RemoteSession.port(of: redactedURL)
        self.connection = connection
        deadline = connection.timeout.map { ContinuousClock.now + $0 }
    }

    /// Aborts a transfer that runs past the deadline (called from libgit2's progress callbacks).
    func checkDeadline() -> Int32 {
        guard let deadline, ContinuousClock.now >= deadline else { return 0 }
        timedOut = true
        git_error_set_str(
            Int32(GIT_ERROR_NET.rawValue),
            "the operation took longer than the GitRepository's timeout of \(connection.timeout.map(formatDuration) ?? "?")"
        )
        return -1
    }

    func knownHostsNames(host: String) -> [String] {
        if let sshPort, sshPort != 22 { return ["[\(host)]:\(sshPort)"] }
        return [host]
    }

    static func port(of url: String) -> Int? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix(while: { $0 != "/" })
        let hostPort = authority.split(separator: "@").last ?? authority
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return nil }
            let after = hostPort[hostPort.index(after: close)...]
            return after.hasPrefix(":") ? Int(after.dropFirst()) : nil
        }
        guard let colon = hostPort.lastIndex(of: ":") else { return nil }
        return Int(hostPort[hostPort.index(after: colon)...])
    }

    /// Extra HTTP headers (bearer token). Empty for other credential kinds.
    var customHeaders: [String] {
        if case .bearer(let token) = credentials { return ["Authorization: Bearer \(token)"] }
        return []
    }

    func acquire(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, usernameFromURL: String?, allowed: UInt32
    ) -> Int32 {
        credentialAttempts += 1
        if credentialAttempts > 1 {
            // libgit2 asks again after a rejection; stop here instead of looping.
            authenticationRejected = true
            git_error_set_str(Int32(GIT_ERROR_NET.rawValue), rejectionMessage)
            return GIT_EAUTH.rawValue
        }
        switch credentials {
        case .none, .bearer:
            git_error_set_str(
                Int32(GIT_ERROR_NET.rawValue),
                credentials.isBearer
                    ? "authentication failed: bearer token was rejected"
                    : "authentication required but no credentials are configured")
            authenticationRejected = true
            return GIT_EAUTH.rawValue
        case .basic(let username, let password):
            guard allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 else {
                git_error_set_str(
                    Int32(GIT_ERROR_NET.rawValue),
                    "authentication failed: the server does not accept username/password credentials")
                return GIT_EAUTH.rawValue
            }
            return git_credential_userpass_plaintext_new(out, username, password)
        case .sshKey(let privateKey, let passphrase, _):
            if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 && allowed & GIT_CREDENTIAL_SSH_KEY.rawValue == 0 {
                return git_credential_username_new(out, usernameFromURL ?? "git")
            }
            guard allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 || allowed & GIT_CREDENTIAL_SSH_MEMORY.rawValue != 0
            else {
                git_error_set_str(
                    Int32(GIT_ERROR_NET.rawValue),
                    "authentication failed: the server does not accept SSH key credentials")
                return GIT_EAUTH.rawValue
            }
            let keyText = String(decoding: privateKey, as: UTF8.self)
            return git_credential_ssh_key_memory_new(out, usernameFromURL ?? "git", nil, keyText, passphrase)
        }
    }

    /// Fills the callbacks struct: credentials, host key check, push status and negotiation.
    func callbacks() -> git_remote_callbacks {
        var cb = git_remote_callbacks()
        git_remote_init_callbacks(&cb, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        cb.credentials = { out, _, usernameFromURL, allowed, payload in
            guard let out, let payload else { return -1 }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            return session.acquire(out, usernameFromURL: usernameFromURL.map { String(cString: $0) }, allowed: allowed)
        }
        cb.certificate_check = { cert, valid, host, payload in
            guard let cert, let payload else { return -1 }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            return session.checkCertificate(cert, valid: valid != 0, host: host.map { String(cString: $0) } ?? "")
        }
        cb.push_update_reference = { refname, status, payload in
            guard let refname, let payload else { return 0 }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            if let status { session.pushStatuses[String(cString: refname)] = String(cString: status) }
            return 0
        }
        cb.push_negotiation = { updates, count, payload in
            guard let updates, let payload else { return 0 }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            for i in 0..<count {
                guard let update = updates[i], let dst = update.pointee.dst_refname else { continue }
                session.negotiated[String(cString: dst)] = (
                    hexString(update.pointee.dst), hexString(update.pointee.src)
                )
            }
            return 0
        }
        cb.transfer_progress = { _, payload in
            guard let payload else { return 0 }
            return Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue().checkDeadline()
        }
        cb.sideband_progress = { _, _, payload in
            guard let payload else { return 0 }
            return Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue().checkDeadline()
        }
        cb.push_transfer_progress = { _, _, _, payload in
            guard let payload else { return 0 }
            return Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue().checkDeadline()
        }
        cb.payload = Unmanaged.passUnretained(self).toOpaque()
        return cb
    }

    func checkCertificate(_ cert: UnsafeMutablePointer<git_cert>, valid: Bool, host: String) -> Int32 {
        if cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 {
            guard case .sshKey(_, _, let knownHosts) = credentials else {
                hostKeyRefusal = "no known_hosts configured for \(redactedURL)"
                git_error_set_str(Int32(GIT_ERROR_SSH.rawValue), hostKeyRefusal)
                return GIT_ECERTIFICATE.rawValue
            }
            let hostKey = UnsafeMutableRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self)
            return KnownHosts.check(hostKey, host: host, knownHosts: knownHosts, session: self)
        }
        // TLS: accept only what libgit2 already validated against the system trust store.
        return valid ? 0 : GIT_PASSTHROUGH.rawValue
    }
}

/// `known_hosts` matching for SSH host keys (plain and hashed `|1|salt|hash` host patterns).
enum KnownHosts {
    static func check(
        _ key: UnsafeMutablePointer<git_cert_hostkey>, host: String, knownHosts: [UInt8], session: RemoteSession
    ) -> Int32 {
        let hk = key.pointee
        guard hk.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hk.hostkey, hk.hostkey_len > 0 else {
            session.hostKeyRefusal = "SSH host key for \(host) not available from libssh2"
            git_error_set_str(Int32(GIT_ERROR_SSH.rawValue), session.hostKeyRefusal)
            return GIT_ECERTIFICATE.rawValue
        }
        let keyBytes = Array(UnsafeRawBufferPointer(start: raw, count: hk.hostkey_len))
        let keyBase64 = Base64.encode(keyBytes)
        for line in String(decoding: knownHosts, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("@") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 3 else { continue }
            guard fields[2] == Substring(keyBase64) else { continue }
            if hostMatches(String(fields[0]), candidates: session.knownHostsNames(host: host)) { return 0 }
        }
        let fingerprint = "SHA256:" + Base64.encode(SHA256.hash(keyBytes), padding: false)
        session.hostKeyRefusal = "unknown SSH host key for \(host) (\(fingerprint)); add it to known_hosts"
        git_error_set_str(Int32(GIT_ERROR_SSH.rawValue), session.hostKeyRefusal)
        return GIT_ECERTIFICATE.rawValue
    }

    /// Matches a known_hosts host field (comma-separated, plain or `|1|salt|hash`) against the
    /// names ssh would record: `host` for port 22, `[host]:port` otherwise.
    static func hostMatches(_ pattern: String, candidates: [String]) -> Bool {
        for entry in pattern.split(separator: ",") {
            let e = String(entry)
            if e.hasPrefix("|1|") {
                let parts = e.split(separator: "|")
                guard parts.count == 3, let salt = try? Base64.decode(String(parts[1])).get(),
                    let want = try? Base64.decode(String(parts[2])).get()
                else { continue }
                for candidate in candidates where HMAC.sha1(key: salt, message: Array(candidate.utf8)) == want {
                    return true
                }
                continue
            }
            if candidates.contains(e) { return true }
        }
        return false
    }
}
