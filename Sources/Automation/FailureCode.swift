public import Committer
public import Policy
public import Registry
import Template

/// Why a scan, an evaluation or an automation run failed, as a code: the registry's and Git's
/// own codes carried up from where the error happened, and the Automation layer's own kinds.
/// The daemon turns it into a condition reason (`ConditionReason.for`) and a metrics label
/// (`label`); the one-line message stays beside it for people.
public enum FailureCode: Sendable, Hashable, CustomStringConvertible {
    /// A registry request failed (listing tags, fetching a digest, logging in).
    case registry(RegistryError.Code)
    /// A Git operation failed (fetch, commit, sign, push).
    case git(GitError.Code)
    /// A secret, certificate, proxy or cloud identity the spec names is missing or unusable.
    case credentials
    /// An object the spec references does not exist (ImageRepository, GitRepository).
    case missingReference
    /// The ImageRepository a policy reads has no usable scan (it failed, or is suspended and was never scanned).
    case dependencyNotReady
    /// The policy's rule, range, order or filter is invalid.
    case invalidPolicy
    /// The policy ran and selected nothing (no candidate, nothing in range, not numeric).
    case nothingSelected
    /// The commit message template does not parse or execute.
    case template
    /// The commit message template reads a field Flux removed.
    case removedTemplateField
    /// The automation's source or push settings cannot work (no push branch, file remotes disabled).
    case invalidSource
    /// Another writer kept moving the branch: every push attempt was rejected.
    case pushConflict
    /// The state directory could not be written.
    case stateDirectory
    /// The object is suspended and has no earlier result.
    case suspended
    /// The flapping guard held a policy's result back.
    case heldByFlappingGuard
    /// Anything not classified above.
    case other

    /// A bounded, stable label for metrics and logs: `registry.unauthorized`, `git.push_rejected`
    /// style names never carry object names or messages.
    public var label: String {
        switch self {
        case .registry(let code): "registry.\(code.name)"
        case .git(let code): "git.\(code.rawValue)"
        case .credentials: "credentials"
        case .missingReference: "missingReference"
        case .dependencyNotReady: "dependencyNotReady"
        case .invalidPolicy: "invalidPolicy"
        case .nothingSelected: "nothingSelected"
        case .template: "template"
        case .removedTemplateField: "removedTemplateField"
        case .invalidSource: "invalidSource"
        case .pushConflict: "pushConflict"
        case .stateDirectory: "stateDirectory"
        case .suspended: "suspended"
        case .heldByFlappingGuard: "heldByFlappingGuard"
        case .other: "other"
        }
    }

    public var description: String { label }

    /// The code of an error thrown below the Automation layer.
    public static func of(_ error: any Error) -> FailureCode {
        switch error {
        case let error as RegistryError: .registry(error.code)
        case let error as GitError: .git(error.code)
        case let error as AutomationFailure: error.code
        case let error as TemplateError: error.kind == .removedField ? .removedTemplateField : .template
        case let error as PolicyError: of(error)
        case is StateError: .stateDirectory
        case is ScanSetupError: .credentials
        default: .other
        }
    }

    /// A policy engine's error: a broken rule, or a rule that chose nothing.
    public static func of(_ error: PolicyError) -> FailureCode {
        switch error.code {
        case .noCandidates, .nothingInRange, .notNumeric: .nothingSelected
        default: .invalidPolicy
        }
    }
}
