import Policy
public import Setters

/// Semver policies never move a marked value to a lower version than the one in the file
/// (Flux did after a controller restart, flux2#4984). The skipped change is reported as a
/// warning naming both versions. An ImagePolicy opts out with the annotation
/// `imagebot.dev/allow-downgrade: "true"` (a deliberate rollback).
public enum DowngradeGuard {
    public static let annotation = "imagebot.dev/allow-downgrade"

    /// The guard for the semver policies of `configuration`, keyed by marker name `NS:NAME`.
    public static func make(_ configuration: Configuration) -> MarkerRewriter.TagGuard {
        var engines: [String: ImagePolicy] = [:]
        for policy in configuration.policies.values where policy.annotations[annotation] != "true" {
            guard case .semver = policy.rule, let rule = policy.rule else { continue }
            let filter = policy.filterPattern.flatMap { try? TagFilter(pattern: $0, extract: policy.filterExtract) }
            guard policy.filterPattern == nil || filter != nil,
                let engine = try? ImagePolicy(rule: rule, filter: filter)
            else { continue }
            engines[policy.key.markerKey] = engine
        }
        return { [engines] policy, current, proposed in
            guard let engine = engines[policy], engine.isDowngrade(from: current, to: proposed) == true else {
                return nil
            }
            return "policy \(policy) selected \(proposed), a lower version than \(current); downgrade blocked "
                + "(annotate the ImagePolicy \(annotation): \"true\" to allow it)"
        }
    }
}
