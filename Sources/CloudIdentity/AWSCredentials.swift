/// An AWS access key, and for temporary credentials the session token and expiry. Its
/// `description` names only the key id's kind, never the key, secret or token.
struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var accessKeyID: String
    var secretAccessKey: String
    /// Present for temporary credentials (STS, container endpoint, IMDS).
    var sessionToken: String?
    /// Nil for long-lived keys.
    var expiration: AWSTime?

    init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: AWSTime? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken?.isEmpty == true ? nil : sessionToken
        self.expiration = expiration
    }

    /// Redacted, e.g. `AWSCredentials(temporary, expires: 2026-12-03T13:00:00Z)`.
    var description: String {
        guard let expiration else {
            return sessionToken == nil ? "AWSCredentials(long-lived)" : "AWSCredentials(temporary)"
        }
        return "AWSCredentials(temporary, expires: \(expiration))"
    }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["redacted": description]) }

    /// The values that must never appear in a message.
    var secrets: [String] { [secretAccessKey] + (sessionToken.map { [$0] } ?? []) }
}
