/// A failed file-system call, with the path and `strerror` text (atomic writes, the
/// rewriter's walk and writes, the state directory).
public struct FileSystemError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path involved.
    public var path: String
    /// What was being done, e.g. "rename".
    public var operation: String
    /// The cause.
    public var message: String

    /// Creates an error.
    public init(path: String, operation: String, message: String) {
        self.path = path
        self.operation = operation
        self.message = message
    }

    /// `path: operation: message`.
    public var description: String { "\(path): \(operation): \(message)" }
}
