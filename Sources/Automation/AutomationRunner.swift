import Basics
public import CloudIdentity
import Committer
import Policy
import Registry
public import Setters
import Template

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What one ImageUpdateAutomation run did, for people and for `--output json`.
public struct AutomationOutcome: Sendable {
    public var key: ObjectKey
    public var branch: String?
    /// The commit pushed, when one was.
    public var commit: String?
    /// Files changed by the commit, relative to the repository root.
    public var files: [String] = []
    public var changes: [SetterChange] = []
    /// The files' old and new bytes, paths relative to the repository root (for diffs).
    public var rewrites: [FileRewrite] = []
    public var commitMessage: String?
    /// One line: what happened, or why nothing was pushed.
    public var summary: String
    public var failed = false
    /// What kind of failure it was, when `failed`.
    public var failureCode: FailureCode?
    /// Warnings and errors about markers and policies (one line each).
    public var diagnostics: [String] = []
    /// Push attempts (more than one when another writer moved the branch).
    public var attempts = 0
}

/// Runs ImageUpdateAutomations once: resolve the policies of the automation's namespace,
/// fetch the Git repository into the warm cache, rewrite the marked values of the files under
/// `update.path` straight from the fetched tree, commit with the templated message and push,
/// fetching and recomputing on a rejected push (up to 5 attempts; never forced).
public struct AutomationRunner: Sendable {
    public let configuration: Configuration
    public let scanner: Scanner
    public let secrets: SecretStore
    public let stateDirectory: String
    /// GitHub App installation tokens (`provider: github`), cached across runs.
    public let gitHubApps: GitHubAppTokens

    /// The configuration's downgrade guard, built once (it compiles every semver policy's filter).
    let tagGuard: MarkerRewriter.TagGuard

    public init(
        configuration: Configuration, scanner: Scanner, secrets: SecretStore, stateDirectory: String,
        gitHubApps: GitHubAppTokens = GitHubAppTokens()
    ) {
        self.configuration = configuration
        self.scanner = scanner
        self.secrets = secrets
        self.stateDirectory = stateDirectory
        self.gitHubApps = gitHubApps
        tagGuard = DowngradeGuard.make(configuration)
    }

    public func run(_ automation: ImageUpdateAutomationConfig) async -> AutomationOutcome {
        await execute(automation, committing: true, resolutions: nil)
    }

    /// Runs with policy results the caller already has (the daemon's latest evaluations)
    /// instead of scanning: `resolutions` must cover the automation's policies.
    public func run(_ automation: ImageUpdateAutomationConfig, resolutions: [PolicyResolution]) async
        -> AutomationOutcome
    {
        await execute(automation, committing: true, resolutions: resolutions)
    }

    /// The policies an automation applies: Flux's rule, those of its own namespace that its
    /// `policySelector` matches (a suspended one applies its last result, as in Flux).
    public func policies(of automation: ImageUpdateAutomationConfig) -> [ImagePolicyConfig] {
        Self.policies(of: automation, in: configuration)
    }

    public static func policies(of automation: ImageUpdateAutomationConfig, in configuration: Configuration)
        -> [ImagePolicyConfig]
    {
        configuration.policies.values.filter { policy in
            policy.key.namespace == automation.key.namespace
                && (automation.policySelector?.matches(policy.labels) ?? true)
        }.sorted { $0.key < $1.key }
    }

    /// Everything `run` does up to the commit, from the remote's current tip: the rewrites,
    /// diagnostics and commit message it would produce. Nothing is committed or pushed.
    public func preview(_ automation: ImageUpdateAutomationConfig) async -> AutomationOutcome {
        await execute(automation, committing: false, resolutions: nil)
    }

    private func execute(
        _ automation: ImageUpdateAutomationConfig, committing: Bool, resolutions given: [PolicyResolution]?
    ) async -> AutomationOutcome {
        var outcome = AutomationOutcome(key: automation.key, summary: "")
        if automation.suspend && committing {
            outcome.summary = "suspended"
            return outcome
        }
        var resolutions: [PolicyResolution]
        var memory: FlappingMemory?
        let now = Date().timeIntervalSince1970
        if let given {
            resolutions = given  // the daemon applies its own flapping guard
        } else {
            resolutions = await scanner.resolve(policies(of: automation)).policies
            // The flapping guard, with the previous scan as the evidence of a second scan.
            let loaded = FlappingMemory.load(stateDirectory: stateDirectory, key: automation.key)
            memory = loaded
            resolutions = resolutions.map { resolution in
                guard let latest = resolution.latest else { return resolution }
                let consecutiveScans = resolution.previousTag == latest.tag ? 2 : 1
                return loaded.holds(
                    policy: resolution.key.markerKey, tag: latest.tag, consecutiveScans: consecutiveScans, now: now)
                    ? FlappingMemory.held(resolution.key, tag: latest.tag) : resolution
            }
        }
        let (results, unresolved) = PolicyResolution.markerResults(resolutions)
        // A fingerprint of every result this run applies (and why others have none), and of
        // the spec that turns them into a commit: if any of it changes, the shortcut is off.
        let fingerprint = SHA256.hex(
            Array(
                (results.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.fullReference)" }
                    + unresolved.keys.sorted().map { "\($0)=?" } + specLines(automation)).joined(separator: "\n").utf8))
        let work = GitWork(
            automation: automation, source: configuration.gitRepositories[automation.sourceRef],
            policyFingerprint: fingerprint,
            access: await gitAccess(for: automation), signingKey: signingKey(for: automation),
            stateDirectory: stateDirectory,
            rewriter: MarkerRewriter(policies: results, unresolved: unresolved, tagGuard: tagGuard))
        // libgit2 objects stay on one thread for the whole run, off the cooperative pool.
        let started = outcome
        var finished = await BlockingThread.run { committing ? work.run(started) : work.preview(started) }
        if case .success(let access) = work.access { finished.diagnostics = access.warnings + finished.diagnostics }
        if committing, var memory, finished.commit != nil, !finished.failed {
            memory.record(finished.changes, now: now)
            try? memory.store(stateDirectory: stateDirectory, key: automation.key)
        }
        return finished
    }

    /// Everything of an automation's spec (and its policies' downgrade opt-outs) that shapes
    /// the commit, as stable text (no hash values: they differ between processes).
    func specLines(_ automation: ImageUpdateAutomationConfig) -> [String] {
        func text(_ reference: GitReference?) -> String {
            reference.map {
                [$0.branch, $0.tag, $0.semver, $0.name, $0.commit].map { $0 ?? "" }.joined(separator: ",")
            } ?? ""
        }
        let source = configuration.gitRepositories[automation.sourceRef]
        let allowDowngrade = policies(of: automation).filter { $0.annotations[DowngradeGuard.annotation] == "true" }
            .map(\.key.description)
        return [
            "path=\(automation.updatePath)", "author=\(automation.authorName) <\(automation.authorEmail)>",
            "template=\(automation.messageTemplate ?? "")",
            "values=\((automation.messageTemplateValues ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })",
            "push=\(automation.pushBranch ?? "") \(automation.pushRefspec ?? "") \(automation.pushOptions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })",
            "checkout=\(text(automation.checkout)) source=\(text(source?.reference))",
            "signing=\(automation.signingKeySecret ?? "") \(automation.signingKeyType.rawValue)",
            "allow-downgrade=\(allowDowngrade)",
        ]
    }

    /// The automation's signing key from its secret, with Flux's messages when it is unusable.
    func signingKey(for automation: ImageUpdateAutomationConfig) -> Result<SigningKey?, AutomationFailure> {
        guard let name = automation.signingKeySecret else { return .success(nil) }
        let namespace = automation.key.namespace
        guard secrets.exists(namespace: namespace, name: name) else {
            return .failure(AutomationFailure("could not find signing key secret '\(name)'", code: .credentials))
        }
        let passphrase = secrets.value(
            namespace: namespace, name: name, key: automation.signingKeyType == .gpg ? "passphrase" : "password"
        )
        .map { String(decoding: $0, as: UTF8.self) }
        switch automation.signingKeyType {
        case .gpg:
            guard let key = secrets.value(namespace: namespace, name: name, key: "git.asc") else {
                return .failure(
                    AutomationFailure(
                        "signing key secret '\(name)' does not contain a 'git.asc' key", code: .credentials))
            }
            return .success(SigningKey(type: .gpg, secretName: name, key: key, passphrase: passphrase))
        case .ssh:
            guard let key = secrets.value(namespace: namespace, name: name, key: "identity") else {
                return .failure(
                    AutomationFailure(
                        "signing key secret '\(name)' does not contain an 'identity' key", code: .credentials))
            }
            return .success(SigningKey(type: .ssh, secretName: name, key: key, passphrase: passphrase))
        }
    }
}

extension PolicyResolution {
    /// Resolutions as the setter rewriter takes them: results by marker key `ns:name`, and for
    /// the policies without one, the reason (so their markers are reported with it).
    public static func markerResults(_ resolutions: [PolicyResolution]) -> (
        results: [String: ImageRef], unresolved: [String: String]
    ) {
        var results: [String: ImageRef] = [:]
        var unresolved: [String: String] = [:]
        for resolution in resolutions {
            let key = resolution.key.markerKey
            if let latest = resolution.latest {
                results[key] = ImageRef(name: latest.name, tag: latest.tag, digest: latest.digest)
            } else {
                unresolved[key] = resolution.error ?? "nothing selected"
            }
        }
        return (results, unresolved)
    }
}

/// A failure of one automation, one line naming the cause (never a credential).
public struct AutomationFailure: Error, Sendable, CustomStringConvertible {
    public let description: String
    public let code: FailureCode
    public init(_ description: String, code: FailureCode = .other) {
        self.description = description
        self.code = code
    }
}

/// Key material for signing commits (never printed).
struct SigningKey: Sendable {
    let type: ImageUpdateAutomationConfig.SigningKeyType
    let secretName: String
    let key: [UInt8]
    let passphrase: String?
}

/// The blocking part of a run, on one thread.
private struct GitWork: Sendable {
    let automation: ImageUpdateAutomationConfig
    let source: GitRepositoryConfig?
    let policyFingerprint: String
    let access: Result<GitAccess, AutomationFailure>
    let signingKey: Result<SigningKey?, AutomationFailure>
    let stateDirectory: String
    let rewriter: MarkerRewriter

    func run(_ initial: AutomationOutcome) -> AutomationOutcome {
        var outcome = initial
        do {
            try attempt(&outcome)
        } catch {
            outcome.failed = true
            outcome.failureCode = FailureCode.of(error)
            outcome.summary = "\(error)"
        }
        return outcome
    }

    func preview(_ initial: AutomationOutcome) -> AutomationOutcome {
        var outcome = initial
        do {
            let target = try self.target()
            outcome.branch = target.pushBranch
            let cache = try GitCache(stateDirectory: stateDirectory, remoteURL: target.source.url, access: gitAccess())
            let template = try CommitMessageData.template(forSpec: automation.messageTemplate)
            let (base, _) = try fetchBase(cache, target)
            if try proposeChange(cache, base: base, template: template, outcome: &outcome) != nil {
                outcome.summary =
                    "would commit \(outcome.rewrites.count) file\(outcome.rewrites.count == 1 ? "" : "s") on \(base.prefix(7)) to branch '\(target.pushBranch)'"
            }
        } catch {
            outcome.failed = true
            outcome.failureCode = FailureCode.of(error)
            outcome.summary = "\(error)"
        }
        return outcome
    }

    /// Where an automation reads and writes: Flux's precedence for the checkout reference
    /// (automation, then GitRepository, then `master`) and the push branch.
    private struct Target {
        var source: GitRepositoryConfig
        var checkout: GitReference
        /// The checkout branch, when the checkout is a branch (not a tag, semver, name or commit).
        var checkoutBranch: String?
        var pushBranch: String
    }

    private func target() throws -> Target {
        guard let source else {
            throw AutomationFailure(
                "referenced git repository does not exist: GitRepository \(automation.sourceRef)",
                code: .missingReference)
        }
        let checkout = automation.checkout ?? source.reference ?? GitReference(branch: "master")
        let checkoutIsBranch =
            checkout.commit == nil && checkout.name == nil && checkout.tag == nil && checkout.semver == nil
        let checkoutBranch = checkoutIsBranch ? (checkout.branch ?? "master") : nil
        // Flux pushes to the checkout's `branch` even when a tag or commit is what is checked out.
        guard let pushBranch = automation.pushBranch ?? checkoutBranch ?? checkout.branch else {
            throw AutomationFailure(
                "push spec not provided, and cannot be inferred from .spec.git.checkout.ref or GitRepository .spec.ref",
                code: .invalidSource)
        }
        return Target(source: source, checkout: checkout, checkoutBranch: checkoutBranch, pushBranch: pushBranch)
    }

    /// Fetches the checkout and push branches; returns the commit to build on and the heads seen.
    private func fetchBase(_ cache: GitCache, _ target: Target) throws -> (base: String, heads: [String: String]) {
        var branches = [target.pushBranch]
        if let checkoutBranch = target.checkoutBranch, checkoutBranch != target.pushBranch {
            branches.append(checkoutBranch)
        }
        let checkout = target.checkout
        let heads = try cache.fetch(branches: branches, tags: checkout.tag != nil || checkout.semver != nil)
        // semver checkouts use the same range engine as ImagePolicies (Flux's Masterminds rules).
        let checkoutCommit = try cache.resolveCheckout(checkout)
        // A separate push branch continues from its own head when it exists.
        let base =
            target.pushBranch == target.checkoutBranch
            ? checkoutCommit : (heads["refs/heads/\(target.pushBranch)"] ?? checkoutCommit)
        return (base, heads)
    }

    /// The rewrite of the marked values under `update.path` in `base`'s tree, and its commit
    /// message; nil (with the reason in the summary) when every value is up to date.
    private func proposeChange(
        _ cache: GitCache, base: String, template: MessageTemplate, outcome: inout AutomationOutcome
    ) throws -> (replacing: [String: [UInt8]], message: String)? {
        let root = Self.normalized(automation.updatePath)
        let files = try cache.files(in: base, under: root, include: MarkerRewriter.isCandidateFileName)
        let plan = rewriter.plan(files: files)
        outcome.diagnostics = (plan.warnings + plan.errors).map { "\(Self.join(root, $0.description))" }
        outcome.changes = plan.changes
        outcome.rewrites = plan.rewrites.map { rewrite in
            var rooted = rewrite
            rooted.relativePath = Self.join(root, rewrite.relativePath)
            return rooted
        }
        guard !plan.rewrites.isEmpty else {
            outcome.summary = "no changes: every marked value under \(automation.updatePath) is up to date"
            return nil
        }
        let data = CommitMessageData(
            automationNamespace: automation.key.namespace, automationName: automation.key.name,
            changes: plan.changes.map {
                CommitMessageData.Change(
                    file: $0.file, apiVersion: $0.object.apiVersion, kind: $0.object.kind,
                    namespace: $0.object.namespace, name: $0.object.name,
                    oldValue: $0.old, newValue: $0.new, setter: $0.setter)
            },
            values: automation.messageTemplateValues)
        let message = try template.render(data.templateValue)
        outcome.commitMessage = message
        var replacing: [String: [UInt8]] = [:]
        for rewrite in outcome.rewrites { replacing[rewrite.relativePath] = rewrite.updated }
        return (replacing, message)
    }

    private func attempt(_ outcome: inout AutomationOutcome) throws {
        let target = try self.target()
        let (source, checkoutBranch, pushBranch) = (target.source, target.checkoutBranch, target.pushBranch)
        let checkoutIsBranch = checkoutBranch != nil
        outcome.branch = pushBranch
        let cache = try GitCache(stateDirectory: stateDirectory, remoteURL: source.url, access: gitAccess())
        // Same policy results and same remote heads as the last successful run: nothing to do.
        let watched = Set(["refs/heads/\(pushBranch)"] + (checkoutBranch.map { ["refs/heads/\($0)"] } ?? []))
        let previous = AutomationState.load(stateDirectory: stateDirectory, key: automation.key)
        if checkoutIsBranch, let previous, previous.remote == source.url, previous.policies == policyFingerprint {
            let heads = try cache.remoteHeads().filter { watched.contains($0.key) }
            if heads == previous.heads {
                outcome.summary = "no change since the last run (remote heads and policy results unchanged)"
                return
            }
        }
        let template = try CommitMessageData.template(forSpec: automation.messageTemplate)
        // The keyring (a private GNUPGHOME) lives as long as this run and is removed after it.
        var keyring: GPGKeyring?
        var signer: (any CommitSigner)?
        if let key = try signingKey.get() {
            switch key.type {
            case .gpg:
                let imported = try GPGKeyring(armoredKey: key.key, secretName: key.secretName)
                keyring = imported
                signer = GPGCommitSigner(
                    keyID: imported.fingerprint, homeDirectory: imported.homeDirectory, passphrase: key.passphrase)
            case .ssh:
                signer = SSHCommitSigner(privateKey: key.key, passphrase: key.passphrase)
            }
        }
        defer { withExtendedLifetime(keyring) {} }
        var lastHeads: [String: String] = [:]
        let result = try PushRetry.run(maxAttempts: 5) { attempt in
            outcome.attempts = attempt
            let (base, heads) = try fetchBase(cache, target)
            lastHeads = heads
            let clock = ContinuousClock()
            let rewriteStart = clock.now
            let proposed = try proposeChange(cache, base: base, template: template, outcome: &outcome)
            StageMetrics.rewrite(clock.now - rewriteStart)
            guard let (replacing, message) = proposed else {
                return PushResult(outcome: .upToDate, message: "")
            }
            let commit = try cache.commit(
                parent: base, replacing: replacing,
                author: GitSignature(name: automation.authorName, email: automation.authorEmail),
                message: message, signer: signer)
            outcome.commit = commit
            outcome.files = replacing.keys.sorted()
            let pushStart = clock.now
            let pushed = try cache.push(
                commit, to: pushBranch, force: false, refspec: automation.pushRefspec, options: automation.pushOptions)
            StageMetrics.push(clock.now - pushStart, outcome: "\(pushed.outcome)")
            return pushed
        }
        if result.outcome != .rejectedNonFastForward, checkoutIsBranch {
            // Remember what this run saw; a lost state file only costs one full run next time.
            var heads = lastHeads.filter { watched.contains($0.key) }
            if result.outcome == .pushed, let commit = outcome.commit { heads["refs/heads/\(pushBranch)"] = commit }
            try? AutomationState(remote: source.url, heads: heads, policies: policyFingerprint)
                .store(stateDirectory: stateDirectory, key: automation.key)
        }
        switch result.outcome {
        case .pushed:
            outcome.summary =
                "pushed commit \(outcome.commit?.prefix(7) ?? "?") to branch '\(pushBranch)'"
                + (outcome.attempts > 1
                    ? " (after \(outcome.attempts - 1) rejected push\(outcome.attempts > 2 ? "es" : ""))" : "")
        case .upToDate:
            outcome.commit = nil
            if outcome.summary.isEmpty { outcome.summary = "up to date" }
        case .rejectedNonFastForward:
            outcome.failed = true
            outcome.failureCode = .pushConflict
            outcome.commit = nil
            outcome.summary =
                "push to '\(pushBranch)' was rejected \(outcome.attempts) times: another writer keeps moving the branch"
        }
    }

    /// The GitRepository's credentials and connection settings; a failure to assemble them is a
    /// credentials failure (a secret missing or incomplete).
    private func gitAccess() throws -> GitAccess {
        try access.mapError { AutomationFailure($0.description, code: $0.code == .other ? .credentials : $0.code) }
            .get()
    }

    /// `./apps/` → `apps`, `.` → `` (the repository root).
    /// `update.path` inside the repository, as Flux joins it; empty for the root.
    static func normalized(_ path: String) -> String {
        let inside = ManifestDecoder.pathInsideRepository(path)
        return inside == "." ? "" : inside
    }

    static func join(_ root: String, _ path: String) -> String { root.isEmpty ? path : "\(root)/\(path)" }
}
