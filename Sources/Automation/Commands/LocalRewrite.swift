public import Setters

/// `dry-run` and `update` over a local tree: plan file by file (memory stays flat in the
/// largest file), hand each diff over as it is found, write when asked.
public struct LocalRewrite {
    let rewriter: MarkerRewriter
    let root: String

    /// The results `given` (`--set`) win over the `resolved` ones.
    public init(root: String, given: [String: ImageRef], resolved: PolicyResults) {
        self.root = root
        self.rewriter = MarkerRewriter(
            policies: given.merging(resolved.results) { given, _ in given }, unresolved: resolved.unresolved,
            tagGuard: resolved.tagGuard)
    }

    /// Plans (and with `writing`, writes) every rewrite; `diff` receives each file's unified diff.
    public func run(writing: Bool, color: Bool, diff: ((String) -> Void)?) -> Outcome {
        var writeErrors: [String] = []
        let plan = rewriter.plan(root: root) { rewrite in
            diff?(UnifiedDiff.render(rewrite, color: color))
            guard writing else { return }
            do {
                try rewriter.write(rewrite)
            } catch {
                writeErrors.append("\(error)")
            }
        }
        let unresolved = rewriter.unresolved
        return Outcome(
            plan: plan, writeErrors: writeErrors,
            unknownPolicies: plan.referencedPolicies.subtracting(rewriter.policies.keys).subtracting(unresolved.keys)
                .sorted(),
            failedPolicies: !plan.referencedPolicies.intersection(unresolved.keys).isEmpty)
    }

    /// What a run found and did.
    public struct Outcome {
        let plan: SetterPlan
        /// Files that could not be written, a line each.
        public let writeErrors: [String]
        /// Policies markers name that have no result and no reason for none.
        public let unknownPolicies: [String]
        /// A marker names a policy that failed.
        public let failedPolicies: Bool

        /// Warnings about markers, a line each.
        public var warnings: [String] { plan.warnings.map(\.description) }
        /// Errors about markers, a line each.
        public var errors: [String] { plan.errors.map(\.description) }
        /// Whether any marked value changes.
        public var changed: Bool { !plan.changes.isEmpty }
        /// An error, a failed policy or a failed write: the run failed.
        public var failed: Bool { !plan.errors.isEmpty || !writeErrors.isEmpty || failedPolicies }

        /// The JSON shape of `dry-run --output json` and `update --output json`.
        public func json() throws -> String {
            try commandJSON(RewriteReport(plan: plan, writeErrors: writeErrors))
        }
    }
}

/// The JSON shape of `dry-run --output json` and `update --output json`.
private struct RewriteReport: Encodable {
    struct Finding: Encodable {
        var file: String
        var line: Int?
        var column: Int?
        var message: String
    }

    var changes: [SetterChange]
    var warnings: [Finding]
    var errors: [Finding]

    init(plan: SetterPlan, writeErrors: [String]) {
        changes = plan.changes
        warnings = plan.warnings.map { Finding(file: $0.file, line: $0.line, column: $0.column, message: $0.message) }
        errors =
            plan.errors.map { Finding(file: $0.file, line: $0.line, column: $0.column, message: $0.message) }
            + writeErrors.map { Finding(file: "", message: $0) }
    }
}

/// `explain`: for every marker under a tree, what would happen to it and why.
public struct MarkerExplanation {
    let markers: [MarkerReport]
    /// Problems no marker's line covers (markers Flux would not read, and others), a line each
    /// with its `warning: ` or `error: ` prefix.
    public let otherProblems: [String]

    /// Explains the markers under `root` with the results `given` (`--set`) and `resolved`.
    public init(root: String, given: [String: ImageRef], resolved: PolicyResults) {
        var rewriter = LocalRewrite(root: root, given: given, resolved: resolved).rewriter
        rewriter.reportsMarkers = true
        let plan = rewriter.plan(root: root) { _ in }
        var markers = plan.markers
        for index in markers.indices where markers[index].outcome == .unknownPolicy {
            if let hint = resolved.hints[markers[index].policy] {
                markers[index].reason = "no ImagePolicy \(markers[index].policy); \(hint)"
            }
        }
        self.markers = markers
        let reported = markers
        otherProblems =
            plan.warnings.filter { warning in !reported.contains { $0.file == warning.file && $0.line == warning.line }
            }
            .map { "warning: \($0)" }
            + plan.errors.filter { error in !reported.contains { $0.file == error.file && $0.line == error.line } }
            .map { "error: \($0)" }
    }

    /// No marker under the tree.
    public var isEmpty: Bool { markers.isEmpty }

    /// A line per marker.
    public var lines: [String] { markers.map(Self.line) }

    /// `{"markers": [...]}`.
    public func json() throws -> String {
        try commandJSON(["markers": markers])
    }

    /// `apps/web.yaml:12:16 flux-system:web  ghcr.io/acme/web:1.0.0 → ghcr.io/acme/web:1.1.0  would change`
    static func line(_ marker: MarkerReport) -> String {
        let place = "\(marker.file):\(marker.line):\(marker.column) \(marker.setter)"
        let current = marker.current ?? "?"
        switch marker.outcome {
        case .change:
            return "\(place)  \(current) → \(marker.proposed ?? "?")  would change"
        case .upToDate:
            return "\(place)  \(current)  up to date: the policy's result"
        case .kept:
            return "\(place)  \(current)  stays (policy gives \(marker.proposed ?? "?")): \(marker.reason)"
        case .noResult:
            return "\(place)  \(current)  stays: the policy has no result: \(marker.reason)"
        case .unknownPolicy, .noDigest, .refused:
            return "\(place)  \(current)  stays: \(marker.reason)"
        }
    }
}

extension AutomationOutcome {
    /// The unified diff of each rewrite (`dry-run --automation`).
    public func diffs(color: Bool) -> [String] {
        rewrites.map { UnifiedDiff.render($0, color: color) }
    }

    /// The JSON shape of `dry-run --automation NS/NAME --output json`.
    public func previewJSON() throws -> String {
        try commandJSON(AutomationPreviewReport(self))
    }
}

private struct AutomationPreviewReport: Encodable {
    var namespace, name: String
    var branch: String?
    var changes: [SetterChange]
    var files: [String]
    var commitMessage: String?
    var summary: String
    var failed: Bool
    var diagnostics: [String]

    init(_ outcome: AutomationOutcome) {
        namespace = outcome.key.namespace
        name = outcome.key.name
        branch = outcome.branch
        changes = outcome.changes
        files = outcome.rewrites.map(\.relativePath)
        commitMessage = outcome.commitMessage
        summary = outcome.summary
        failed = outcome.failed
        diagnostics = outcome.diagnostics
    }
}
