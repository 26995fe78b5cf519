public import Committer
public import Policy

/// A namespaced object name, `namespace/name`; namespaces default to `default` as in Kubernetes.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }

    /// `namespace:name`, as an ImagePolicy is named in setter markers.
    public var markerKey: String { "\(namespace):\(name)" }

    /// The key of a marker's policy `namespace:name`.
    public init?(markerKey: String) {
        let parts = markerKey.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        self.init(namespace: String(parts[0]), name: String(parts[1]))
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}

/// Where something was written: file, 1-based line and column.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A problem found in the configuration: one line naming the place, the object and the cause.
public struct ConfigDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case warning, error
    }

    public var severity: Severity
    public var location: SourceLocation
    /// `Kind namespace/name`, empty when the document has no usable identity.
    public var object: String
    public var message: String

    public init(_ severity: Severity, _ location: SourceLocation, object: String, _ message: String) {
        self.severity = severity
        self.location = location
        self.object = object
        self.message = message
    }

    public var description: String {
        "\(location): \(severity.rawValue): " + (object.isEmpty ? "" : "\(object): ") + message
    }
}

/// `ImageRepository` (image.toolkit.fluxcd.io/v1): which image to scan and how.
public struct ImageRepositoryConfig: Sendable, Hashable {
    public var key: ObjectKey
    public var location: SourceLocation
    public var labels: [String: String] = [:]
    public var annotations: [String: String] = [:]
    /// `spec.image` as written (no scheme, no tag).
    public var image: String = ""
    public var interval: GoDuration = .zero
    /// Defaults to `interval`; floored at 1 s when used.
    public var timeout: GoDuration?
    public var secretRef: String?
    public var certSecretRef: String?
    public var proxySecretRef: String?
    public var serviceAccountName: String?
    public var suspend = false
    /// Namespace label selectors allowed to reference this repository; nil = same namespace only.
    public var accessFrom: [[String: String]]?
    /// Empty means Flux's default `^.*\.sig$`.
    public var exclusionList: [String] = []
    public var provider = "generic"
    public var insecure = false

    /// The effective scan timeout: `timeout`, else `interval`, never under one second.
    public var effectiveTimeout: GoDuration {
        let value = timeout ?? interval
        return value < .seconds(1) ? .seconds(1) : value
    }
}

/// `ImagePolicy`: how to pick the tag from a repository's tags.
public struct ImagePolicyConfig: Sendable, Hashable {
    public enum DigestReflection: String, Sendable, Hashable, CaseIterable {
        case never = "Never"
        case ifNotPresent = "IfNotPresent"
        case always = "Always"
    }

    public var key: ObjectKey
    public var location: SourceLocation
    public var labels: [String: String] = [:]
    public var annotations: [String: String] = [:]
    public var repository: ObjectKey
    /// Nil only when the manifest had no usable choice (an error was reported).
    public var rule: ImagePolicy.Rule?
    public var filterPattern: String?
    public var filterExtract = ""
    public var digestReflection = DigestReflection.never
    /// Only with `digestReflectionPolicy: Always` (then required; Flux defaults 10m in code).
    public var interval: GoDuration?
    public var suspend = false
}

/// `GitRepository` (source.toolkit.fluxcd.io/v1): where automations read and push.
public struct GitRepositoryConfig: Sendable, Hashable {
    public var key: ObjectKey
    public var location: SourceLocation
    public var url = ""
    public var reference: GitReference?
    public var secretRef: String?
    public var proxySecretRef: String?
    public var interval: GoDuration = .zero
    /// Git operations timeout; Flux's default 60 s.
    public var timeout = GoDuration.seconds(60)
    public var provider = "generic"
}

/// `ImageUpdateAutomation`: which policies to apply where, and how to commit and push.
public struct ImageUpdateAutomationConfig: Sendable, Hashable {
    public struct LabelSelector: Sendable, Hashable {
        public struct Requirement: Sendable, Hashable {
            public var key: String
            /// `In`, `NotIn`, `Exists`, `DoesNotExist`.
            public var op: String
            public var values: [String]
        }

        public var matchLabels: [String: String] = [:]
        public var matchExpressions: [Requirement] = []

        /// Kubernetes semantics: every label and every requirement must hold.
        public func matches(_ labels: [String: String]) -> Bool {
            for (key, value) in matchLabels where labels[key] != value { return false }
            for requirement in matchExpressions {
                let value = labels[requirement.key]
                switch requirement.op {
                case "In": if value.map(requirement.values.contains) != true { return false }
                case "NotIn": if let value, requirement.values.contains(value) { return false }
                case "Exists": if value == nil { return false }
                case "DoesNotExist": if value != nil { return false }
                default: return false
                }
            }
            return true
        }
    }

    public enum SigningKeyType: String, Sendable, Hashable, CaseIterable {
        case gpg, ssh
    }

    public var key: ObjectKey
    public var location: SourceLocation
    public var sourceRef: ObjectKey
    public var checkout: GitReference?
    public var authorName = ""
    public var authorEmail = ""
    public var signingKeySecret: String?
    public var signingKeyType = SigningKeyType.gpg
    public var messageTemplate: String?
    /// Where `spec.git.commit.messageTemplate` is written (its value), for diagnostics.
    public var messageTemplateLocation: SourceLocation?
    public var messageTemplateValues: [String: String]?  // nil: absent (Go nil map)
    public var pushBranch: String?
    public var pushRefspec: String?
    public var pushOptions: [String: String] = [:]
    public var interval: GoDuration = .zero
    public var policySelector: LabelSelector?
    /// `update.path` as written, default the repository root; read inside the repository
    /// (`ManifestDecoder.pathInsideRepository`).
    public var updatePath = "."
    public var suspend = false
}

/// A Kubernetes `Secret` given as a manifest (local use); `data` decoded, `stringData` merged.
public struct SecretConfig: Sendable, Hashable {
    public var key: ObjectKey
    public var location: SourceLocation
    public var type = "Opaque"
    public var data: [String: [UInt8]] = [:]
}

/// Everything read from a config directory, and every problem found while reading it.
public struct Configuration: Sendable {
    public var repositories: [ObjectKey: ImageRepositoryConfig] = [:]
    public var policies: [ObjectKey: ImagePolicyConfig] = [:]
    public var automations: [ObjectKey: ImageUpdateAutomationConfig] = [:]
    public var gitRepositories: [ObjectKey: GitRepositoryConfig] = [:]
    public var secrets: [ObjectKey: SecretConfig] = [:]
    /// Labels of `Namespace` manifests (for `accessFrom`); Kubernetes' automatic
    /// `kubernetes.io/metadata.name` label is always implied.
    public var namespaceLabels: [String: [String: String]] = [:]
    /// Warnings and errors, in file order.
    public var diagnostics: [ConfigDiagnostic] = []
    /// Automations that cannot work however the rest of the configuration is (a message
    /// template that cannot render), with their error, which is in `diagnostics` too. Flux
    /// stops only such an automation; the daemon runs the others (see `blockingErrors`).
    public var stalledAutomations: [ObjectKey: ConfigDiagnostic] = [:]

    public init() {}

    public var errors: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .error } }
    /// The errors that stop the whole configuration: all but those of `stalledAutomations`.
    public var blockingErrors: [ConfigDiagnostic] {
        let stalled = Set(stalledAutomations.values)
        return errors.filter { !stalled.contains($0) }
    }
    /// How many Flux objects were read (Secrets and Namespaces not counted).
    public var objectCount: Int { repositories.count + policies.count + automations.count + gitRepositories.count }
    public var warnings: [ConfigDiagnostic] { diagnostics.filter { $0.severity == .warning } }

    /// The labels a namespace carries, including the one Kubernetes sets on every namespace.
    public func labels(ofNamespace namespace: String) -> [String: String] {
        var labels = namespaceLabels[namespace] ?? [:]
        labels["kubernetes.io/metadata.name"] = namespace
        return labels
    }
}
