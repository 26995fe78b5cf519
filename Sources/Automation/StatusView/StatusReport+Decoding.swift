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

extension Array where Element == Condition {
    /// The `Ready` condition, as Flux reports it first.
    var ready: Condition? { first { $0.type == "Ready" } }
}
