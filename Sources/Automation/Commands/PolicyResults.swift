public import Setters

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Policy results for the markers under a tree, from the configuration's ImagePolicies through
/// the registries (what `dry-run`, `update` and `explain` apply).
public struct PolicyResults {
    /// Results by marker name `NS:NAME`.
    public var results: [String: ImageRef] = [:]
    /// Why the configuration's policies without a result have none (with the decision counts).
    public var unresolved: [String: String] = [:]
    /// For marker names no policy has but another namespace does: a hint.
    public var hints: [String: String] = [:]
    /// The configuration's downgrade guard for the results it resolved (a `--set` result is
    /// the user's explicit choice, a rollback included).
    var tagGuard: MarkerRewriter.TagGuard?

    /// No results (no configuration).
    public init() {}

    /// Resolves the policies the markers under `root` name, except those `overridden` (`--set`)
    /// gives. `scanner` is made only when a registry must be asked; each repository that
    /// could not be scanned is passed to `scanFailed` as a line.
    public static func resolve(
        _ configuration: Configuration, scanner: () -> Scanner, root: String, overridden: Set<String>,
        scanFailed: (String) -> Void
    ) async -> PolicyResults {
        var resolved = PolicyResults()
        let configGuard = DowngradeGuard.make(configuration)
        resolved.tagGuard = { policy, current, proposed in
            overridden.contains(policy) ? nil : configGuard(policy, current, proposed)
        }
        // Only policies some marker names are resolved (registries cost more than a pass over the tree).
        let referenced = MarkerRewriter(policies: [:]).plan(root: root) { _ in }.referencedPolicies
        let needed = configuration.policies.values.filter {
            referenced.contains($0.key.markerKey) && !overridden.contains($0.key.markerKey)
        }
        if !needed.isEmpty {
            let (scans, resolutions) = await scanner().resolve(Array(needed))
            for scan in scans where scan.error != nil {
                scanFailed("error: ImageRepository \(scan.key): \(scan.error ?? "")")
            }
            (resolved.results, resolved.unresolved) = PolicyResolution.markerResults(resolutions)
        }
        // A marker naming a policy that exists only in another namespace is a common slip.
        for policy in referenced
        where resolved.results[policy] == nil && resolved.unresolved[policy] == nil && !overridden.contains(policy) {
            let name = policy.split(separator: ":").dropFirst().first.map(String.init) ?? ""
            let elsewhere = configuration.policies.keys.filter { $0.name == name }.map(\.namespace).sorted()
            if !elsewhere.isEmpty {
                resolved.hints[policy] = "one named \(name) exists in namespace \(elsewhere.joined(separator: ", "))"
            }
        }
        return resolved
    }
}

/// Setters' image reference, named for the executable, which imports Automation alone
/// (ARCHITECTURE.md, "The executable's imports").
public typealias ImageRef = Setters.ImageRef

extension ImageRef {
    /// The result `--set NS:NAME=IMAGE:TAG[@DIGEST]` gives a policy.
    public static func given(image: String, tag: String, digest: String?) -> ImageRef {
        ImageRef(name: image, tag: tag, digest: digest)
    }
}

/// Pretty, sorted JSON as the commands print it.
func commandJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
