internal import Basics
internal import CGit2

/// What the HTTP subtransport needs from the operation's session: request settings, the
/// `Authorization` header, and failure wording in the same terms as the libgit2 callbacks.
extension RemoteSession {
    /// The settings of the next request: what is left of the deadline bounds it.
    func httpSettings() throws(StreamFailure) -> GitHTTPSettings {
        var remaining: Duration?
        if let deadline {
            remaining = deadline - ContinuousClock.now
            if let left = remaining, left <= .zero {
                timedOut = true
                throw .status(-1, .timeout, timeoutMessage(nil))
            }
        }
        // Connecting never gets more than 30 s (nor more than the operation has left).
        let connect = min(remaining ?? .seconds(30), .seconds(30))
        return GitHTTPSettings(
            caCertificatePEM: connection.caCertificatePEM, clientCertificatePEM: connection.clientCertificatePEM,
            clientKeyPEM: connection.clientKeyPEM, proxy: connection.proxy, timeout: remaining, connectTimeout: connect)
    }

    /// Sent with every request, as go-git (Flux) does: Basic credentials or the bearer token.
    /// (libgit2 waits for a 401 first; sending up front saves a round trip per request.)
    var authorizationHeader: String? {
        switch credentials {
        case .basic(let username, let password): return "Basic " + Base64.encode(Array("\(username):\(password)".utf8))
        case .bearer(let token): return "Bearer \(token)"
        case .none, .sshKey: return nil
        }
    }

    /// The line for a 401 (or a second credentials request).
    var rejectionMessage: String {
        switch credentials {
        case .basic(let username, _): return "authentication failed: credentials for user '\(username)' were rejected"
        case .sshKey: return "authentication failed: SSH key was rejected"
        case .bearer: return "authentication failed: bearer token was rejected"
        case .none: return "authentication failed: authentication required but no credentials are configured"
        }
    }

    /// The line for a 407 from the proxy.
    var proxyRejectionMessage: String {
        guard let username = connection.proxy?.username else {
            return "proxy authentication failed: the proxy asks for credentials but none are configured"
        }
        return "proxy authentication failed: the proxy rejected the credentials for user '\(username)'"
    }

    /// libgit2 return code, classification and message for a failed exchange.
    func describe(_ failure: GitHTTPFailure) -> (Int32, GitError.Code, String) {
        switch failure.kind {
        case .timeout:
            timedOut = true
            return (-1, .timeout, timeoutMessage(failure.message))
        case .certificate:
            return (GIT_ECERTIFICATE.rawValue, .certificate, "TLS failed: \(failure.message)")
        case .unreachable:
            let lower = failure.message.lowercased()
            if lower.contains("407") || lower.contains("proxy auth") {
                return (GIT_EAUTH.rawValue, .authentication, "\(proxyRejectionMessage): \(failure.message)")
            }
            return (-1, .unreachable, failure.message)
        case .invalidSettings:
            return (-1, .invalidArgument, failure.message)
        }
    }

    private func timeoutMessage(_ detail: String?) -> String {
        let bound = connection.timeout.map(formatDuration) ?? "?"
        return "timed out: the GitRepository's timeout of \(bound) passed" + (detail.map { " (\($0))" } ?? "")
    }

    /// Secrets to mask from any message.
    var secrets: [String] { credentials.secrets + connection.secrets }
}

/// `2s`, `1.5s`, `250ms`: the way a GitRepository spells its timeout.
func formatDuration(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let millis = attoseconds / 1_000_000_000_000_000
    if millis == 0 { return "\(seconds)s" }
    if seconds == 0 { return "\(millis)ms" }
    return "\(Double(seconds) + Double(millis) / 1000)s"
}
