/// Why a policy could not be built or could not select a tag.
///
/// The message is written for the person who owns the `ImagePolicy`: it quotes the
/// offending range, pattern or tag so the fix is obvious from one line.
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is; stable for programs, the message is for people.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate let name: String
        public var description: String { name }

        /// The semver range does not parse.
        public static let invalidRange = Code(name: "invalidRange")
        /// The alphabetical or numerical order is not `asc` or `desc`.
        public static let invalidOrder = Code(name: "invalidOrder")
        /// A filter or exclusion regular expression does not compile.
        public static let invalidPattern = Code(name: "invalidPattern")
        /// No policy kind was chosen (Flux's `policy: {}`).
        public static let missingPolicy = Code(name: "missingPolicy")
        /// Matching a pattern hit PCRE2's match or depth limit (a catastrophic pattern).
        public static let matchLimit = Code(name: "matchLimit")
        /// No candidate was left to choose from.
        public static let noCandidates = Code(name: "noCandidates")
        /// Candidates existed but none satisfied the semver range.
        public static let nothingInRange = Code(name: "nothingInRange")
        /// A numerical policy met a value that is not a number.
        public static let notNumeric = Code(name: "notNumeric")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
