#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension StatusReport {
    /// Reads the body of `GET /api/v1/status` as `json()` writes it (RFC 3339 times).
    public static func decode(_ bytes: [UInt8]) throws -> StatusReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(StatusReport.self, from: Data(bytes))
    }

    /// The repository a policy reads, when the report has it.
    func repository(of policy: PolicyStatus) -> RepositoryStatus? {
        imageRepositories.first { "\($0.namespace)/\($0.name)" == policy.imageRepositoryRef }
    }
}

extension StatusReport {
    /// The current `Ready` condition of an object named in a failure record.
    func readiness(kind: String, namespace: String, name: String) -> Condition? {
        switch kind {
        case "ImageRepository":
            imageRepositories.first { $0.namespace == namespace && $0.name == name }?.conditions.ready
        case "ImagePolicy":
            imagePolicies.first { $0.namespace == namespace && $0.name == name }?.conditions.ready
        case "ImageUpdateAutomation":
            imageUpdateAutomations.first { $0.namespace == namespace && $0.name == name }?.conditions.ready
        default:
            nil
        }
    }
}

extension Array where Element == Condition {
    /// The `Ready` condition, as Flux reports it first.
    var ready: Condition? { first { $0.type == "Ready" } }
}
