/// A failure to obtain a workload-identity credential: which step, and why, in one line.
///
/// Never contains a token, key or secret: messages name the provider, the step (reading the
/// token file, the STS call, the token exchange) and the service's error code or HTTP status.
public struct IdentityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The stable name of the code.
        public let name: String
        init(_ name: String) { self.name = name }
        /// The name of the code.
        public var description: String { name }

        /// No credential source was found (no environment keys, token file or metadata server).
        public static let noCredentials = Code("noCredentials")
        /// A credential source was found but unusable (unreadable or expired token file, bad key).
        public static let invalidCredentials = Code("invalidCredentials")
        /// The registry host does not belong to the provider (e.g. `provider: aws` on ghcr.io).
        public static let unsupportedRegistry = Code("unsupportedRegistry")
        /// A token service answered with an error (STS, ECR, Entra, ACR, GitHub).
        public static let serviceError = Code("serviceError")
        /// A token service could not be reached.
        public static let transport = Code("transport")
        /// A token service's answer could not be understood.
        public static let invalidResponse = Code("invalidResponse")
    }

    /// The kind of failure.
    public var code: Code
    /// One line: the step and the cause, without secrets.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
