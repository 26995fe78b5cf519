import Basics
import Committer
public import Logging
import Policy
import Setters

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything the daemon decides, without doing any of it: which objects this shard tracks
/// (config diff and generations), when each is due, what a finished scan, evaluation or run
/// changes (status, conditions, triggers, the flapping guard), and what to start next.
/// `AutomationController` runs the work this hands out and reports back; time and randomness
/// come in as values, so every decision is a table test.
struct ControllerState {
    typealias Instant = ContinuousClock.Instant

    struct RepositoryEntry {
        var config: ImageRepositoryConfig
        var status: RepositoryStatus
        var generation = 0
        /// The last successful scan (its tags are what policies are evaluated against).
        var scan: RepositoryScan?
        var nextScan: Instant
        var scanning = false
        /// Set when a scan finished, successfully or not: its policies have been tried.
        var attempted = false
    }

    struct PolicyEntry {
        var config: ImagePolicyConfig
        var status: PolicyStatus
        var generation = 0
        /// The last result with a selection (kept when a later evaluation fails, as Flux keeps
        /// `latestRef`): automations apply it.
        var resolution: PolicyResolution?
        /// The last failure, with its code (automations report it for the policy's markers).
        var lastError: String?
        var lastFailureCode: FailureCode?
        /// The tag list revision the policy was last evaluated against; nil = evaluate again.
        var evaluatedRevision: String?
        var nextDigestCheck: Instant?
        var evaluating = false
        /// The `latestRef` whose tag-to-commit latency was already recorded.
        var latencyRecordedFor: PolicyResolution.LatestRef?
        /// Consecutive successful scans that gave the current `latestRef` (the flapping guard's
        /// evidence that a result is not a blip).
        var stableScans = 0
    }

    struct AutomationEntry {
        var config: ImageUpdateAutomationConfig
        var status: AutomationStatus
        var generation = 0
        var nextRun: Instant
        var running = false
        /// A policy changed while it ran: run again as soon as it finishes.
        var rerun = false
        /// Tags this automation replaced, with when: the flapping guard's memory.
        var replaced = FlappingMemory()
        /// Policies whose result was held back by the flapping guard in the last run.
        var held: Set<ObjectKey> = []
        /// Why the automation cannot run (its message template cannot render); not run while set.
        var stalled: String?
    }

    /// A scan to start: the repository, and the policies to evaluate against its tags.
    struct ScanJob {
        var key: ObjectKey
        var repository: ImageRepositoryConfig
        var generation: Int
        var policies: [(config: ImagePolicyConfig, revision: String?, generation: Int)]
    }

    /// A policy to evaluate again against its repository's last scan (digest reflection).
    struct EvaluationJob {
        var key: ObjectKey
        var policy: ImagePolicyConfig
        var generation: Int
        var scan: RepositoryScan
    }

    /// An automation to run with these results, or an outcome known without running it.
    struct RunJob {
        var key: ObjectKey
        var automation: ImageUpdateAutomationConfig
        var generation: Int
        var resolutions: [PolicyResolution]
        var refused: AutomationOutcome?
    }

    struct DueWork {
        var scans: [ScanJob] = []
        var evaluations: [EvaluationJob] = []
        var runs: [RunJob] = []
        var isEmpty: Bool { scans.isEmpty && evaluations.isEmpty && runs.isEmpty }
    }

    // Settings
    var shard = ShardAssignment.single
    var schedule = Schedule()
    var maxConcurrentScans = 8
    var maxConcurrentAutomations = 4
    var allowFileRemotes = true
    var instance = "imagebot"
    /// A uniform draw in 0..<1 for the schedule's jitter.
    var random: @Sendable () -> Double = { Double.random(in: 0..<1) }
    var logger: Logger

    // State
    private(set) var configuration = Configuration()
    private(set) var repositories: [ObjectKey: RepositoryEntry] = [:]
    private(set) var policies: [ObjectKey: PolicyEntry] = [:]
    private(set) var automations: [ObjectKey: AutomationEntry] = [:]
    /// Work handed out and not reported back yet (including that of objects since removed).
    private(set) var scansInFlight: Set<ObjectKey> = []
    private(set) var evaluationsInFlight: Set<ObjectKey> = []
    private(set) var runsInFlight: Set<ObjectKey> = []
    /// The latest failures, oldest first, at most `failureHistory`.
    private(set) var failures: [FailureRecord] = []
    /// Events to send to the notification URLs; the controller takes them.
    var outbox: [NotificationEvent] = []

    /// How many failures the status keeps (a page's worth; each is one line).
    static let failureHistory = 20

    init(logger: Logger) {
        self.logger = logger
    }

    // MARK: - Configuration

    /// What a configuration change did, for the log.
    struct ConfigSummary: Equatable {
        var repositories, policies, automations: Int
        var firstLoad: Bool
    }

    /// Takes a new configuration: the objects this shard tracks, each keeping its state when
    /// its spec is unchanged; a changed spec bumps the generation and is due now.
    mutating func apply(_ new: Configuration, now: Instant, at time: Date) -> ConfigSummary {
        let firstLoad = configuration.automations.isEmpty && repositories.isEmpty
        let owned = new.automations.values.filter { shard.owns($0.key) }
        var neededPolicies = Set<ObjectKey>()
        var usedPolicies = Set<ObjectKey>()
        for automation in new.automations.values {
            let keys = AutomationRunner.policies(of: automation, in: new).map(\.key)
            usedPolicies.formUnion(keys)
            if shard.owns(automation.key) { neededPolicies.formUnion(keys) }
        }
        // Policies (and repositories) no automation uses are still tracked for the status
        // page, by the shard their own key hashes to.
        for key in new.policies.keys where !usedPolicies.contains(key) && shard.owns(key) { neededPolicies.insert(key) }
        var neededRepositories = Set(neededPolicies.compactMap { new.policies[$0]?.repository })
        let usedRepositories = Set(new.policies.values.map(\.repository))
        for key in new.repositories.keys where !usedRepositories.contains(key) && shard.owns(key) {
            neededRepositories.insert(key)
        }

        var nextRepositories = Self.merge(
            repositories, neededRepositories.compactMap { new.repositories[$0] }, key: \.key, config: \.config,
            generation: \.generation,
            changed: { entry in
                entry.scan = nil
                entry.status.image = entry.config.image
                entry.nextScan = now
            },
            new: { config in
                RepositoryEntry(
                    config: config,
                    status: RepositoryStatus(
                        namespace: config.key.namespace, name: config.key.name, image: config.image),
                    nextScan: now)
            })
        var rescan: [ObjectKey] = []
        let nextPolicies = Self.merge(
            policies, neededPolicies.compactMap { new.policies[$0] }, key: \.key, config: \.config,
            generation: \.generation,
            changed: { entry in
                entry.evaluatedRevision = nil
                entry.status.imageRepositoryRef = entry.config.repository.description
                rescan.append(entry.config.repository)
            },
            new: { config in
                rescan.append(config.repository)
                return PolicyEntry(
                    config: config,
                    status: PolicyStatus(
                        namespace: config.key.namespace, name: config.key.name,
                        imageRepositoryRef: config.repository.description))
            })
        // A new or changed policy is evaluated with a scan of its repository, now.
        for key in rescan { nextRepositories[key]?.nextScan = now }
        let nextAutomations = Self.merge(
            automations, owned, key: \.key, config: \.config, generation: \.generation,
            changed: { entry in entry.nextRun = now },
            new: { [shard] config in
                AutomationEntry(
                    config: config,
                    status: AutomationStatus(
                        namespace: config.key.namespace, name: config.key.name, shard: shard.index),
                    nextRun: now)
            })
        repositories = nextRepositories
        policies = nextPolicies
        automations = nextAutomations
        configuration = new
        for key in automations.keys.sorted() { applyStall(key, new.stalledAutomations[key], now: now, at: time) }
        return ConfigSummary(
            repositories: repositories.count, policies: policies.count, automations: automations.count,
            firstLoad: firstLoad)
    }

    /// An automation whose template cannot render is stopped, as Flux stalls it: Ready=False
    /// with Flux's reason, one failure; it runs again (now) once a new config clears it.
    private mutating func applyStall(_ key: ObjectKey, _ stall: ConfigDiagnostic?, now: Instant, at time: Date) {
        guard var entry = automations[key], entry.stalled != stall?.message else { return }
        entry.stalled = stall?.message
        if let stall {
            let code = ConfigLoader.failureCode(ofStall: stall)
            let reason = ConditionReason.of(code, kind: .imageUpdateAutomation)
            logger.error(
                "automation stalled",
                metadata: [
                    "imageupdateautomation": "\(key)", "reason": "\(reason)", "error": "\(stall.description)",
                ])
            if entry.status.conditions.setReady(false, reason: reason, message: stall.message, at: time) {
                failed(.imageUpdateAutomation, key, code: code, reason: reason, message: stall.message, at: time)
            }
        } else {
            entry.nextRun = now
        }
        automations[key] = entry
    }

    /// The one "config changed → bump the generation" rule: entries whose config is unchanged
    /// are kept as they are, changed ones get the new config, a new generation and `changed`;
    /// new ones are made by `new`; the others are dropped.
    private static func merge<Entry, Config: Equatable>(
        _ current: [ObjectKey: Entry], _ configs: [Config], key: KeyPath<Config, ObjectKey>,
        config: WritableKeyPath<Entry, Config>, generation: WritableKeyPath<Entry, Int>,
        changed: (inout Entry) -> Void, new: (Config) -> Entry
    ) -> [ObjectKey: Entry] {
        var next: [ObjectKey: Entry] = [:]
        for spec in configs {
            let objectKey = spec[keyPath: key]
            guard var entry = current[objectKey] else {
                next[objectKey] = new(spec)
                continue
            }
            if entry[keyPath: config] != spec {
                entry[keyPath: config] = spec
                entry[keyPath: generation] += 1
                changed(&entry)
            }
            next[objectKey] = entry
        }
        return next
    }

    // MARK: - What to start

    /// The work due at `now`, within the concurrency limits, marked as started. `date` is the
    /// wall-clock time (the flapping guard's window).
    mutating func startDueWork(now: Instant, date: Date) -> DueWork {
        var work = DueWork()
        for key in repositories.keys.sorted() where scansInFlight.count < maxConcurrentScans {
            if let entry = repositories[key], !entry.scanning, entry.nextScan <= now {
                work.scans.append(startScan(key))
            }
        }
        for key in policies.keys.sorted() {
            guard let entry = policies[key], !entry.evaluating, let due = entry.nextDigestCheck, due <= now,
                let repository = repositories[entry.config.repository], !repository.scanning, let scan = repository.scan
            else { continue }
            policies[key]?.evaluating = true
            evaluationsInFlight.insert(key)
            work.evaluations.append(
                EvaluationJob(key: key, policy: entry.config, generation: entry.generation, scan: scan))
        }
        var busyBranches = Set(runsInFlight.compactMap { automations[$0].map { branchKey($0.config) } })
        for key in automations.keys.sorted() where runsInFlight.count < maxConcurrentAutomations {
            guard let entry = automations[key], !entry.running, entry.nextRun <= now, !entry.config.suspend,
                entry.stalled == nil,
                policiesAttempted(entry.config), !busyBranches.contains(branchKey(entry.config))
            else { continue }
            busyBranches.insert(branchKey(entry.config))
            work.runs.append(startRun(key, date: date))
        }
        return work
    }

    /// The earliest due time after `now` of work not started; nil when nothing is scheduled.
    /// Work already due but held back (concurrency, a busy branch, a first scan not done) is
    /// started when the work holding it back finishes, which the controller hears about.
    func nextDue(after now: Instant) -> Instant? {
        var due: Instant?
        func consider(_ instant: Instant?) {
            guard let instant, instant > now else { return }
            due = min(due ?? instant, instant)
        }
        for entry in repositories.values where !entry.scanning { consider(entry.nextScan) }
        for entry in policies.values where !entry.evaluating { consider(entry.nextDigestCheck) }
        for entry in automations.values where !entry.running && !entry.config.suspend && entry.stalled == nil {
            consider(entry.nextRun)
        }
        return due
    }

    /// Automations writing the same repository and branch run one at a time.
    func branchKey(_ automation: ImageUpdateAutomationConfig) -> String {
        let source = configuration.gitRepositories[automation.sourceRef]
        let branch = automation.pushBranch ?? automation.checkout?.branch ?? source?.reference?.branch ?? "master"
        return "\(source?.url ?? automation.sourceRef.description) \(branch)"
    }

    /// An automation waits for the first scan of every repository its policies use, so it does
    /// not start by "reverting" to nothing.
    func policiesAttempted(_ automation: ImageUpdateAutomationConfig) -> Bool {
        AutomationRunner.policies(of: automation, in: configuration).allSatisfy { policy in
            repositories[policy.repository]?.attempted ?? true
        }
    }

    /// What `requestScan` found for a webhook's name.
    enum ScanRequest: Equatable {
        case scheduled([ObjectKey])
        case otherShard
        case unknown
    }

    /// Moves the scans of the repositories named `name` (any namespace) or `namespace/name` to now.
    mutating func requestScan(_ name: String, now: Instant) -> ScanRequest {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let matches: (ObjectKey) -> Bool = { key in
            parts.count == 2 ? key.namespace == parts[0] && key.name == parts[1] : key.name == name
        }
        let keys = repositories.keys.filter(matches).sorted()
        guard !keys.isEmpty else {
            return configuration.repositories.keys.contains(where: matches) ? .otherShard : .unknown
        }
        for key in keys { repositories[key]?.nextScan = now }
        return .scheduled(keys)
    }

    // MARK: - Scans and evaluations

    private mutating func startScan(_ key: ObjectKey) -> ScanJob {
        repositories[key]?.scanning = true
        scansInFlight.insert(key)
        let entry = repositories[key]!
        // A suspended policy's evaluation only reads its stored result (Scanner.evaluate).
        let toEvaluate = policies.values.filter { $0.config.repository == key }.sorted { $0.config.key < $1.config.key }
            .map { (config: $0.config, revision: $0.evaluatedRevision, generation: $0.generation) }
        return ScanJob(key: key, repository: entry.config, generation: entry.generation, policies: toEvaluate)
    }

    /// One policy's evaluation that came with a scan.
    struct Evaluation {
        var resolution: PolicyResolution
        var generation: Int
        var duration: Duration
    }

    mutating func scanFinished(
        _ key: ObjectKey, generation: Int, scan: RepositoryScan, duration: Duration, evaluations: [Evaluation],
        seenAt: Date, at time: Date, now: Instant
    ) {
        scansInFlight.remove(key)
        guard var entry = repositories[key] else { return }
        entry.scanning = false
        guard entry.generation == generation else {
            // The repository changed while it was scanned: scan the new one now.
            entry.nextScan = now
            repositories[key] = entry
            return
        }
        DaemonMetrics.scanned(
            key, failure: scan.error == nil ? nil : scan.failureCode ?? .other, tags: scan.tags.count,
            duration: duration)
        if let error = scan.error {
            entry.status.consecutiveFailures += 1
            let reason = ConditionReason.of(scan.failureCode, kind: .imageRepository)
            logger.error(
                "scan failed",
                metadata: [
                    "imagerepository": "\(key)", "error": "\(error)", "code": "\(scan.failureCode ?? .other)",
                ])
            if entry.status.conditions.setReady(false, reason: reason, message: error, at: time) {
                failed(
                    .imageRepository, key, code: scan.failureCode ?? .other, reason: reason, message: error, at: time)
            }
        } else {
            let changed = entry.status.lastScanResult?.revision != scan.revision
            entry.status.consecutiveFailures = 0
            entry.status.lastScanResult = .init(
                tagCount: scan.tags.count, scanTime: seenAt, latestTags: Array(scan.tags.prefix(10)),
                revision: scan.revision)
            entry.scan = scan
            let message = "successful scan: found \(scan.tags.count) tags"
            let recovered = entry.status.conditions.isFailing
            if entry.status.conditions.setReady(true, reason: ConditionReason.succeeded, message: message, at: time),
                recovered
            {
                notify(
                    .imageRepository, key, severity: "info", reason: ConditionReason.succeeded, message: message,
                    at: time)
            }
            if changed {
                logger.info(
                    "scanned",
                    metadata: [
                        "imagerepository": "\(key)", "tags": "\(scan.tags.count)",
                        "new_tags": "\(scan.newTags.prefix(5).joined(separator: ","))",
                        "revision": "\(scan.revision)",
                    ])
            }
        }
        entry.attempted = true
        entry.nextScan =
            now
            + schedule.delay(
                interval: entry.config.interval.duration, failures: entry.status.consecutiveFailures, random: random())
        repositories[key] = entry
        for evaluation in evaluations {
            record(
                evaluation.resolution, generation: evaluation.generation, revision: scan.revision,
                duration: evaluation.duration,
                seenAt: seenAt, at: time, now: now)
        }
        // Policies not re-evaluated saw the same tag list, so the same result: one more stable scan.
        if scan.error == nil {
            let evaluated = Set(evaluations.map(\.resolution.key))
            for policyKey in policies.keys.sorted() {
                guard let policy = policies[policyKey], policy.config.repository == key, !evaluated.contains(policyKey),
                    policy.resolution != nil
                else { continue }
                countStableScan(policyKey, now: now)
            }
        }
    }

    private mutating func countStableScan(_ key: ObjectKey, now: Instant) {
        guard var entry = policies[key] else { return }
        entry.stableScans += 1
        policies[key] = entry
        // A result held back by the flapping guard may go out now.
        if entry.stableScans == 2 {
            for (automationKey, automation) in automations where automation.held.contains(key) {
                trigger(automationKey, now: now)
            }
        }
    }

    mutating func evaluationFinished(
        _ key: ObjectKey, _ resolution: PolicyResolution, generation: Int, revision: String, duration: Duration,
        at time: Date,
        now: Instant
    ) {
        evaluationsInFlight.remove(key)
        policies[key]?.evaluating = false
        record(
            resolution, generation: generation, revision: revision, duration: duration, seenAt: time, at: time, now: now
        )
    }

    /// Records a policy's evaluation; a new `latestRef` triggers the automations that use it.
    private mutating func record(
        _ resolution: PolicyResolution, generation: Int, revision: String, duration: Duration, seenAt: Date,
        at time: Date,
        now: Instant
    ) {
        let key = resolution.key
        guard var entry = policies[key] else { return }
        guard entry.generation == generation else {
            // Evaluated with an older spec: evaluate the current one with the next scan, now.
            repositories[entry.config.repository]?.nextScan = now
            return
        }
        DaemonMetrics.evaluated(
            key, failure: resolution.latest != nil ? nil : resolution.failureCode ?? .nothingSelected,
            duration: duration)
        entry.status.decision = resolution.decision.map(PolicyStatus.Decision.init)
        if entry.config.digestReflection == .always {
            let interval =
                (entry.config.interval ?? repositories[entry.config.repository]?.config.interval ?? .seconds(600))
                .duration
            entry.nextDigestCheck = now + schedule.delay(interval: interval, failures: 0, random: random())
        }
        guard let latest = resolution.latest else {
            // Tried again with the next scan (a digest error, say, may pass then).
            entry.evaluatedRevision = nil
            let error = resolution.error ?? "nothing selected"
            let code = resolution.failureCode ?? .nothingSelected
            entry.lastError = error
            entry.lastFailureCode = code
            let reason = ConditionReason.of(code, kind: .imagePolicy)
            logger.warning(
                "policy selected nothing", metadata: ["imagepolicy": "\(key)", "reason": "\(error)", "code": "\(code)"])
            if entry.status.conditions.setReady(false, reason: reason, message: error, at: time) {
                failed(.imagePolicy, key, code: code, reason: reason, message: error, at: time)
            }
            policies[key] = entry
            return
        }
        entry.evaluatedRevision = revision
        entry.lastError = nil
        entry.lastFailureCode = nil
        entry.resolution = resolution
        let previous = entry.status.latestRef
        guard previous != latest else {
            entry.status.conditions.setReady(
                true, reason: ConditionReason.succeeded,
                message: "Latest image tag for \(latest.name) resolved to \(latest.tag)", at: time)
            policies[key] = entry
            countStableScan(key, now: now)
            return
        }
        entry.stableScans = 1
        entry.status.observedPreviousRef = previous
        entry.status.latestRef = latest
        entry.status.latestRefSince = seenAt
        let message =
            previous.map { "Latest image tag for \(latest.name) updated from \($0.tag) to \(latest.tag)" }
            ?? "Latest image tag for \(latest.name) resolved to \(latest.tag)"
        logger.info(
            "policy selected a new image",
            metadata: [
                "imagepolicy": "\(key)", "previous": "\(previous.map { "\($0.name):\($0.tag)" } ?? "none")",
                "latest": "\(latest.name):\(latest.tag)\(latest.digest.map { "@\($0)" } ?? "")",
                "decision": "\(resolution.decision?.summary ?? "")",
            ])
        entry.status.conditions.setReady(true, reason: ConditionReason.succeeded, message: message, at: time)
        policies[key] = entry
        for (automationKey, automation) in automations
        where AutomationRunner.policies(of: automation.config, in: configuration).contains(where: { $0.key == key }) {
            trigger(automationKey, now: now)
        }
    }

    /// Runs an automation now, or as soon as its current run finishes.
    private mutating func trigger(_ key: ObjectKey, now: Instant) {
        guard let entry = automations[key] else { return }
        if entry.running { automations[key]?.rerun = true } else { automations[key]?.nextRun = now }
    }

    // MARK: - Automation runs

    private mutating func startRun(_ key: ObjectKey, date: Date) -> RunJob {
        var entry = automations[key]!
        entry.running = true
        entry.rerun = false
        runsInFlight.insert(key)
        let automation = entry.config
        var job = RunJob(key: key, automation: automation, generation: entry.generation, resolutions: [])
        if !allowFileRemotes, let url = configuration.gitRepositories[automation.sourceRef]?.url,
            url.lowercased().hasPrefix("file:")
        {
            var outcome = AutomationOutcome(
                key: key,
                summary:
                    "file:// remotes are disabled in this daemon (--allow-file-remotes=false): GitRepository \(automation.sourceRef)"
            )
            outcome.failed = true
            outcome.failureCode = .invalidSource
            job.refused = outcome
            automations[key] = entry
            return job
        }
        let wallNow = date.timeIntervalSince1970
        var held: Set<ObjectKey> = []
        job.resolutions = AutomationRunner.policies(of: automation, in: configuration).map { policy in
            guard let policyEntry = policies[policy.key], let resolution = policyEntry.resolution,
                let latest = resolution.latest
            else {
                let known = policies[policy.key]
                return PolicyResolution(
                    key: policy.key, error: known?.lastError ?? "not evaluated yet",
                    failureCode: known?.lastFailureCode ?? .dependencyNotReady)
            }
            if entry.replaced.holds(
                policy: policy.key.markerKey, tag: latest.tag, consecutiveScans: policyEntry.stableScans, now: wallNow)
            {
                held.insert(policy.key)
                logger.warning(
                    "flapping guard: result held",
                    metadata: [
                        "imageupdateautomation": "\(key)", "imagepolicy": "\(policy.key)", "tag": "\(latest.tag)",
                        "stable_scans": "\(policyEntry.stableScans)",
                    ])
                return FlappingMemory.held(policy.key, tag: latest.tag)
            }
            return resolution
        }
        entry.held = held
        automations[key] = entry
        return job
    }

    mutating func runFinished(
        _ key: ObjectKey, generation: Int, outcome: AutomationOutcome, duration: Duration, at time: Date, now: Instant
    ) {
        runsInFlight.remove(key)
        guard var entry = automations[key] else { return }
        entry.running = false
        let pushed = outcome.commit != nil && !outcome.failed
        DaemonMetrics.automationRan(
            key, result: outcome.failed ? "failed" : (pushed ? "pushed" : "unchanged"),
            failure: outcome.failed ? outcome.failureCode ?? .other : nil, attempts: outcome.attempts, pushed: pushed,
            duration: duration)
        entry.status.lastAutomationRunTime = time
        entry.status.lastResult = outcome.summary
        entry.status.diagnostics = outcome.diagnostics
        var metadata: Logger.Metadata = [
            "imageupdateautomation": "\(key)", "result": "\(outcome.summary)", "attempts": "\(outcome.attempts)",
            "duration_ms": "\(Int(duration.seconds * 1000))",
        ]
        if outcome.failed {
            entry.status.consecutiveFailures += 1
            let reason = ConditionReason.of(outcome.failureCode, kind: .imageUpdateAutomation)
            metadata["code"] = "\(outcome.failureCode ?? .other)"
            logger.error("automation failed", metadata: metadata)
            if entry.status.conditions.setReady(false, reason: reason, message: outcome.summary, at: time) {
                failed(
                    .imageUpdateAutomation, key, code: outcome.failureCode ?? .other, reason: reason,
                    message: outcome.summary, at: time)
            }
        } else {
            entry.status.consecutiveFailures = 0
            if pushed, let commit = outcome.commit {
                entry.replaced.record(outcome.changes, now: time.timeIntervalSince1970)
                entry.status.lastPushCommit = commit
                entry.status.lastPushTime = time
                recordTagToCommit(outcome.changes, at: time)
                metadata["commit"] = "\(commit)"
                metadata["files"] = "\(outcome.files.joined(separator: ","))"
                let message =
                    "pushed commit '\(commit.prefix(7))' to branch '\(outcome.branch ?? "")'\n"
                    + (outcome.commitMessage ?? "")
                notify(
                    .imageUpdateAutomation, key, severity: "info", reason: ConditionReason.succeeded, message: message,
                    at: time,
                    metadata: ["revision": "\(outcome.branch ?? "")@sha1:\(commit)", "commit": commit])
                entry.status.conditions.setReady(
                    true, reason: ConditionReason.succeeded, message: "pushed commit '\(commit.prefix(7))'", at: time)
            } else {
                entry.status.conditions.setReady(
                    true, reason: ConditionReason.succeeded, message: "repository up-to-date", at: time)
            }
            logger.info(pushed ? "automation pushed" : "automation ran", metadata: metadata)
        }
        for line in outcome.diagnostics {
            logger.warning("marker problem", metadata: ["imageupdateautomation": "\(key)", "detail": "\(line)"])
        }
        if entry.rerun || entry.generation != generation {
            entry.nextRun = now
        } else {
            entry.nextRun =
                now
                + schedule.delay(
                    interval: entry.config.interval.duration, failures: entry.status.consecutiveFailures,
                    random: random())
        }
        automations[key] = entry
    }

    /// `imagebot_tag_to_commit_seconds`: from the scan that first saw a policy's new result to
    /// the push that applied it; once per result.
    private mutating func recordTagToCommit(_ changes: [SetterChange], at time: Date) {
        var seen = Set<ObjectKey>()
        for change in changes {
            guard let key = ObjectKey(markerKey: change.policy), seen.insert(key).inserted, var entry = policies[key],
                let latest = entry.status.latestRef, let since = entry.status.latestRefSince,
                entry.latencyRecordedFor != latest
            else { continue }
            DaemonMetrics.tagToCommit(.milliseconds(Int64(max(0, time.timeIntervalSince(since)) * 1000)))
            entry.latencyRecordedFor = latest
            policies[key] = entry
        }
    }

    // MARK: - Status and events

    /// Every tracked object's status, by key; due times as wall-clock dates.
    func statuses(now: Instant, date: Date) -> (
        repositories: [RepositoryStatus], policies: [PolicyStatus], automations: [AutomationStatus]
    ) {
        func wall(_ instant: Instant) -> Date { date.addingTimeInterval((instant - now).seconds) }
        return (
            repositories.values.sorted { $0.config.key < $1.config.key }.map { entry in
                var status = entry.status
                status.nextScan = entry.scanning ? nil : wall(entry.nextScan)
                return status
            },
            policies.values.sorted { $0.config.key < $1.config.key }.map(\.status),
            automations.values.sorted { $0.config.key < $1.config.key }.map { entry in
                var status = entry.status
                status.nextRun = entry.running ? nil : wall(entry.nextRun)
                return status
            }
        )
    }

    /// Remembers a failure for the status (bounded) and queues it for the notification URLs.
    private mutating func failed(
        _ kind: ObjectKind, _ key: ObjectKey, code: FailureCode, reason: String, message: String, at time: Date
    ) {
        failures.append(
            FailureRecord(
                kind: kind.rawValue, namespace: key.namespace, name: key.name, reason: reason, message: message,
                time: time, code: code.label))
        if failures.count > Self.failureHistory { failures.removeFirst(failures.count - Self.failureHistory) }
        notify(kind, key, severity: "error", reason: reason, message: message, at: time, metadata: ["code": code.label])
    }

    private mutating func notify(
        _ kind: ObjectKind, _ key: ObjectKey, severity: String, reason: String, message: String, at time: Date,
        metadata: [String: String] = [:]
    ) {
        outbox.append(
            NotificationEvent(
                kind: kind.rawValue, key: key, severity: severity, reason: reason, message: message, metadata: metadata,
                timestamp: time, instance: instance))
    }
}
