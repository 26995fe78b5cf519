import Committer
import Policy

/// A GitRepository's `spec.ref.semver`: the tag with the highest version in the range, by
/// Policy's semver (Masterminds' rules, as Flux's source-controller uses), so `v1.0.0-rc.10`
/// is newer than `v1.0.0-rc.9`.
enum SemverCheckout {
    /// The chosen tag; nil when the range is invalid or no tag's version is in it. Tags naming
    /// the same version (`v1.2.3`, `1.2.3`) go to the newer commit, then the greater name.
    static func choose(_ range: String, among tags: [GitTag]) -> GitTag? {
        guard let range = try? SemverRange(range) else { return nil }
        var best: (version: SemanticVersion, tag: GitTag)?
        for tag in tags {
            guard let version = SemanticVersion(tag: tag.name), range.contains(version) else { continue }
            if let current = best {
                let order = SemanticVersion.compare(version, current.version)
                if order < 0 || order == 0 && (tag.time, tag.name) <= (current.tag.time, current.tag.name) { continue }
            }
            best = (version, tag)
        }
        return best?.tag
    }
}

extension GitCache {
    /// `resolve(_:chooseTag:)` with semver ranges decided as Flux decides them.
    func resolveCheckout(_ reference: GitReference) throws(GitError) -> String {
        try resolve(reference, chooseTag: SemverCheckout.choose)
    }
}
