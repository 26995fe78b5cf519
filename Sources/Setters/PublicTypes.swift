/// A policy's latest image reference (`status.latestRef`), the input for rewriting markers.
public struct ImageRef: Sendable, Hashable, Codable {
    /// The image name as configured on the repository (`spec.image`), e.g. `ghcr.io/org/app`.
    public var name: String
    /// The selected tag.
    public var tag: String
    /// The digest (`sha256:…`) when the policy reflects digests.
    public var digest: String?

    /// Creates a reference.
    public init(name: String, tag: String, digest: String? = nil) {
        self.name = name
        self.tag = tag
        self.digest = digest
    }

    /// `name:tag`, plus `@digest` when known: the value of a full `NS:NAME` marker.
    public var fullReference: String {
        "\(name):\(tag)" + (digest.map { "@\($0)" } ?? "")
    }
}

extension SetterChange {
    /// The marker's policy key `NS:NAME` (the setter without its field).
    public var policy: String {
        let parts = setter.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.prefix(2).joined(separator: ":")
    }

    /// The tag this change replaced (nil for name and digest markers).
    public var replacedTag: String? {
        let parts = setter.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        let field = parts.count == 3 ? Marker.Field(rawValue: String(parts[2])) : .full
        return field?.tag(in: old)
    }
}

/// The Kubernetes object a change belongs to; fields are empty when absent (non-KRM YAML).
public struct ObjectIdentity: Sendable, Codable, Hashable {
    /// `apiVersion` of the document's top-level mapping.
    public var apiVersion: String
    /// `kind` of the document's top-level mapping.
    public var kind: String
    /// `metadata.namespace`.
    public var namespace: String
    /// `metadata.name`.
    public var name: String

    /// Creates an identity.
    public init(apiVersion: String = "", kind: String = "", namespace: String = "", name: String = "") {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }
}

/// One replaced value.
public struct SetterChange: Sendable, Codable, Hashable {
    /// Path relative to the rewritten root, `/`-separated.
    public var file: String
    /// 1-based line of the value.
    public var line: Int
    /// 1-based column of the value (in characters).
    public var column: Int
    /// The marker value, e.g. `flux-system:app:tag`.
    public var setter: String
    /// The decoded value before.
    public var old: String
    /// The decoded value after.
    public var new: String
    /// The enclosing document's object.
    public var object: ObjectIdentity

    /// Creates a change.
    public init(file: String, line: Int, column: Int, setter: String, old: String, new: String, object: ObjectIdentity)
    {
        self.file = file
        self.line = line
        self.column = column
        self.setter = setter
        self.old = old
        self.new = new
        self.object = object
    }
}

/// A warning or error found while planning; never thrown, always reported.
public struct SetterDiagnostic: Sendable, Codable, Hashable, CustomStringConvertible {
    /// How serious the finding is.
    public enum Severity: String, Sendable, Codable, Hashable {
        /// Something was skipped or ignored; the rest of the run is fine.
        case warning
        /// A marker or file could not be rewritten.
        case error
    }

    /// How serious the finding is.
    public var severity: Severity
    /// Path relative to the root (or the root itself for root-level problems).
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The cause, one line.
    public var message: String

    /// Creates a diagnostic.
    public init(severity: Severity, file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message` (missing parts omitted).
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if line != nil, let column { location += ":\(column)" }
        return "\(location): \(message)"
    }
}

/// New contents for one file with at least one real change.
public struct FileRewrite: Sendable, Hashable {
    /// Path relative to the root, `/`-separated (the path as walked, even for a symlink).
    public var relativePath: String
    /// The path that is written: the symlink's resolved target for symlinked files.
    public var absolutePath: String
    /// The bytes read.
    public var original: [UInt8]
    /// The bytes to write (verified by re-parsing).
    public var updated: [UInt8]
    /// The changes, in file order.
    public var changes: [SetterChange]

    /// Creates a rewrite.
    public init(
        relativePath: String, absolutePath: String, original: [UInt8], updated: [UInt8], changes: [SetterChange]
    ) {
        self.relativePath = relativePath
        self.absolutePath = absolutePath
        self.original = original
        self.updated = updated
        self.changes = changes
    }
}

/// The result of planning a rewrite: what would change, and everything noticed on the way.
public struct SetterPlan: Sendable {
    /// Files to write, sorted by relative path (empty when the caller streamed them).
    public var rewrites: [FileRewrite] = []
    /// All changes across files, in file then document order.
    public var changes: [SetterChange] = []
    /// Warnings (skipped files, unknown policies, missing digests …), in walk order.
    public var warnings: [SetterDiagnostic] = []
    /// Errors (markers or files that could not be rewritten safely), in walk order.
    public var errors: [SetterDiagnostic] = []
    /// Every `NS:NAME` named by a well-formed marker, known or not.
    public var referencedPolicies: Set<String> = []
    /// Number of files that passed the `"$imagepolicy"` screen and were parsed.
    public var filesParsed = 0
    /// Every marker and what happened to it (only with `MarkerRewriter.reportsMarkers`).
    public var markers: [MarkerReport] = []

    /// Creates an empty plan.
    public init() {}
}

/// One marker and what the rewriter did with it: the record behind `imagebot explain`.
public struct MarkerReport: Sendable, Codable, Hashable {
    public enum Outcome: String, Sendable, Codable, Hashable {
        /// The value changes to `proposed`.
        case change
        /// The value already is the policy's result.
        case upToDate
        /// The policy has no result (nothing selected, a registry error): see `reason`.
        case noResult
        /// No policy of that name is known.
        case unknownPolicy
        /// A digest marker whose policy reflects no digest.
        case noDigest
        /// The caller's guard kept the value (a blocked downgrade).
        case kept
        /// The value cannot be replaced safely (block scalar, tagged, verification failed).
        case refused
    }

    public var file: String
    public var line: Int
    public var column: Int
    public var setter: String
    public var policy: String
    /// The value in the file.
    public var current: String?
    /// The value the policy gives (whether or not it is written).
    public var proposed: String?
    public var outcome: Outcome
    /// Why, in one line (empty for `change`/`upToDate`).
    public var reason: String

    public init(
        file: String, line: Int, column: Int, setter: String, policy: String, current: String?, proposed: String?,
        outcome: Outcome, reason: String
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.setter = setter
        self.policy = policy
        self.current = current
        self.proposed = proposed
        self.outcome = outcome
        self.reason = reason
    }
}
