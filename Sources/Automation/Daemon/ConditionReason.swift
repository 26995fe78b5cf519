import Registry

/// The three kinds of object the daemon reconciles, by their Kubernetes kind.
public enum ObjectKind: String, Sendable, Hashable, CaseIterable {
    case imageRepository = "ImageRepository"
    case imagePolicy = "ImagePolicy"
    case imageUpdateAutomation = "ImageUpdateAutomation"
}

/// The `Ready` condition reasons the daemon reports: Flux's own where Flux has one for the
/// failure (image-reflector-controller, image-automation-controller, `fluxcd/pkg/apis/meta`).
public enum ConditionReason {
    public static let succeeded = "Succeeded"

    /// The reason of a `Ready=False` condition for a failure with `code` on an object of `kind`;
    /// a code Flux has no reason for keeps the kind's general failure reason.
    public static func of(_ code: FailureCode?, kind: ObjectKind) -> String {
        switch code {
        case .registry(let code):
            switch code {
            case .invalidReference: "ImageURLInvalid"
            case .unauthorized, .forbidden, .tokenExchange, .credentials: "AuthenticationFailed"
            default: "ReadOperationFailed"
            }
        case .git: "GitOperationFailed"
        case .pushConflict: "GitOperationFailed"
        case .credentials: "AuthenticationFailed"
        case .missingReference, .dependencyNotReady: "DependencyNotReady"
        case .invalidPolicy: "InvalidPolicy"
        case .nothingSelected: "Failure"
        case .template: "UpdateFailed"
        case .removedTemplateField: "RemovedTemplateField"
        case .invalidSource: "InvalidSourceConfiguration"
        case .stateDirectory, .suspended, .heldByFlappingGuard, .other, nil: general(kind)
        }
    }

    /// The reason a failure of `kind` had before codes were carried up (and still has when
    /// nothing more precise is known).
    public static func general(_ kind: ObjectKind) -> String {
        switch kind {
        case .imageRepository: "ReadOperationFailed"
        case .imagePolicy, .imageUpdateAutomation: "ReconciliationFailed"
        }
    }
}
