import Basics
import Committer
public import Logging
import Policy
import Registry
import Setters

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The daemon's brain: scans each ImageRepository at its interval, re-evaluates its policies
/// when the tag list changes, and runs each ImageUpdateAutomation at its interval and as soon
/// as one of its policies selects something new — so a tag reaches the branch seconds after the
/// scan that saw it. Keeps every object's status, reloads the config dir when it changes and
/// drains on shutdown (in-flight pushes finish, bounded).
///
/// One event loop on this actor decides what to start; the work itself (registry requests,
/// libgit2) runs in tasks off the actor and reports back.
public actor AutomationController {
    public struct Options: Sendable {
        public var configDirectory: String
        public var stateDirectory: String
        public var secretsDirectory: String?
        public var shard = ShardAssignment.single
        public var schedule = Schedule()
        public var maxConcurrentScans = 8
        public var maxConcurrentAutomations = 4
        /// How often the config dir is checked for changes.
        public var configPollInterval: Duration = .seconds(2)
        /// How long in-flight automation runs may take to finish after SIGTERM.
        public var shutdownGrace: Duration = .seconds(30)
        /// `file://` GitRepository URLs (tests, local use); the container manifests turn them off.
        public var allowFileRemotes = true
        /// This replica's name in events (the pod name).
        public var instance = "imagebot"

        public init(configDirectory: String, stateDirectory: String, secretsDirectory: String?) {
            self.configDirectory = configDirectory
            self.stateDirectory = stateDirectory
            self.secretsDirectory = secretsDirectory
        }
    }

    enum Event: Sendable {
        case tick
        case configChanged(String)
        case shutdown
    }

    private struct RepositoryEntry {
        var config: ImageRepositoryConfig
        var status: RepositoryStatus
        var generation = 0
        /// The last successful scan (its tags are what policies are evaluated against).
        var scan: RepositoryScan?
        var nextScan: ContinuousClock.Instant
        var scanning = false
        /// Set when a scan finished, successfully or not: its policies have been tried.
        var attempted = false
    }

    private struct PolicyEntry {
        var config: ImagePolicyConfig
        var status: PolicyStatus
        var generation = 0
        /// The last result with a selection (kept when a later evaluation fails, as Flux keeps
        /// `latestRef`): automations apply it.
        var resolution: PolicyResolution?
        var lastError: String?
        /// The tag list revision the policy was last evaluated against; nil = evaluate again.
        var evaluatedRevision: String?
        var nextDigestCheck: ContinuousClock.Instant?
        var evaluating = false
        /// The `latestRef` whose tag-to-commit latency was already recorded.
        var latencyRecordedFor: PolicyResolution.LatestRef?
        /// Consecutive successful scans that gave the current `latestRef` (the flapping guard's
        /// evidence that a result is not a blip).
        var stableScans = 0
    }

    private struct AutomationEntry {
        var config: ImageUpdateAutomationConfig
        var status: AutomationStatus
        var generation = 0
        var nextRun: ContinuousClock.Instant
        var running = false
        /// A policy changed while it ran: run again as soon as it finishes.
        var rerun = false
        /// Tags this automation replaced, with when: the flapping guard's memory.
        var replaced = FlappingMemory()
        /// Policies whose result was held back by the flapping guard in the last run.
        var held: Set<ObjectKey> = []
        /// Why the automation cannot run (its config error); it is not run while set.
        var stalled: String?
    }


    private let options: Options
    private let logger: Logger
    private let notifier: Notifier?
    private let clock = ContinuousClock()
    private let registryClient: RegistryClient
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation

    /// Runs automations and (through its scanner) scans, for the configuration in effect;
    /// rebuilt when a new configuration is applied.
    private var runner: AutomationRunner
    private var scanner: Scanner { runner.scanner }
    private var configuration: Configuration { runner.configuration }
    private var configState: StatusReport.ConfigState
    private var loadedFingerprint: String?
    private var repositories: [ObjectKey: RepositoryEntry] = [:]
    private var policies: [ObjectKey: PolicyEntry] = [:]
    private var automations: [ObjectKey: AutomationEntry] = [:]
    private var scanTasks: [ObjectKey: Task<Void, Never>] = [:]
    private var evaluationTasks: [ObjectKey: Task<Void, Never>] = [:]
    private var runTasks: [ObjectKey: Task<Void, Never>] = [:]
    private var draining = false
    /// The latest failures, oldest first, at most `failureHistory`.
    private var failures: [FailureRecord] = []
    /// How many failures the status keeps (a page's worth; each is one line).
    public static let failureHistory = 20

    public init(options: Options, logger: Logger, notifier: Notifier? = nil) {
        self.options = options
        self.logger = logger
        self.notifier = notifier
        registryClient = RegistryClient(logger: logger)
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
        runner = AutomationRunner(
            configuration: Configuration(),
            scanner: Scanner(
                configuration: Configuration(), secrets: SecretStore(directory: nil, configuration: Configuration()),
                client: registryClient, cache: nil),
            secrets: SecretStore(directory: nil, configuration: Configuration()), stateDirectory: options.stateDirectory)
        configState = StatusReport.ConfigState(directory: options.configDirectory, loadedAt: nil, lastError: nil, warnings: [])
    }

    // MARK: - Control from outside (HTTP server, signals)

    /// Stops starting work; `run()` returns once in-flight runs finished or the grace passed.
    public nonisolated func shutdown() { continuation.yield(.shutdown) }

    /// Config loaded and the state dir writable.
    public func isReady() -> Bool {
        configState.loadedAt != nil && access(options.stateDirectory, W_OK) == 0
    }

    /// What `POST /hooks/<name>` did.
    public enum ScanRequest: Sendable, Equatable {
        /// Scans of these repositories were moved to now.
        case scheduled([ObjectKey])
        /// The repositories exist but another shard scans them.
        case otherShard
        case unknown
    }

    /// Scans the ImageRepositories named `name` (in any namespace) or `namespace/name` now.
    public func requestScan(_ name: String) -> ScanRequest {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let matches: (ObjectKey) -> Bool = { key in
            parts.count == 2 ? key.namespace == parts[0] && key.name == parts[1] : key.name == name
        }
        let keys = repositories.keys.filter(matches).sorted()
        DaemonMetrics.webhook(found: !keys.isEmpty)
        guard !keys.isEmpty else {
            return configuration.repositories.keys.contains(where: matches) ? .otherShard : .unknown
        }
        let now = clock.now
        for key in keys { repositories[key]?.nextScan = now }
        logger.info("scan requested by webhook", metadata: ["repositories": "\(keys.map(\.description).joined(separator: ","))"])
        continuation.yield(.tick)
        return .scheduled(keys)
    }

    /// Every object's last result, for `GET /api/v1/status`.
    public func status() -> StatusReport {
        let now = clock.now
        func date(_ instant: ContinuousClock.Instant) -> Date {
            Date().addingTimeInterval(Self.seconds(instant - now))
        }
        return StatusReport(
            config: configState,
            shard: .init(index: options.shard.index, count: options.shard.count),
            imageRepositories: repositories.values.sorted { $0.config.key < $1.config.key }.map { entry in
                var status = entry.status
                status.nextScan = entry.scanning ? nil : date(entry.nextScan)
                return status
            },
            imagePolicies: policies.values.sorted { $0.config.key < $1.config.key }.map(\.status),
            imageUpdateAutomations: automations.values.sorted { $0.config.key < $1.config.key }.map { entry in
                var status = entry.status
                status.nextRun = entry.running ? nil : date(entry.nextRun)
                return status
            },
            recentFailures: failures.reversed())
    }

    // MARK: - The loop

    /// Runs until `shutdown()`: loads the config, then schedules until told to stop.
    public func run() async {
        reloadIfChanged(Self.fingerprint(of: options.configDirectory))
        let continuation = self.continuation
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                continuation.yield(.tick)
            }
        }
        let watcher = Task { [options] in
            var last = Self.fingerprint(of: options.configDirectory)
            while !Task.isCancelled {
                try? await Task.sleep(for: options.configPollInterval)
                let current = Self.fingerprint(of: options.configDirectory)
                if current != last {
                    last = current
                    continuation.yield(.configChanged(current))
                }
            }
        }
        startDueWork()
        for await event in events {
            switch event {
            case .tick: break
            case .configChanged(let fingerprint): reloadIfChanged(fingerprint)
            case .shutdown: draining = true
            }
            if draining { break }
            startDueWork()
        }
        ticker.cancel()
        watcher.cancel()
        await drain()
    }

    private func drain() async {
        logger.info("shutting down", metadata: ["runs_in_flight": "\(runTasks.count)", "scans_in_flight": "\(scanTasks.count)"])
        // Scans hold nothing worth keeping; a push in progress should land (or fail) cleanly.
        for task in scanTasks.values { task.cancel() }
        for task in evaluationTasks.values { task.cancel() }
        let deadline = clock.now + options.shutdownGrace
        while !runTasks.isEmpty && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if !runTasks.isEmpty {
            logger.warning("shutdown grace passed with runs in flight; the next start redoes them",
                           metadata: ["automations": "\(runTasks.keys.map(\.description).sorted().joined(separator: ","))"])
        }
    }

    private func startDueWork() {
        guard !draining else { return }
        let now = clock.now
        for key in repositories.keys.sorted() where scanTasks.count < options.maxConcurrentScans {
            if let entry = repositories[key], !entry.scanning, entry.nextScan <= now { startScan(key) }
        }
        for (key, entry) in policies where !entry.evaluating {
            guard let due = entry.nextDigestCheck, due <= now,
                let repository = repositories[entry.config.repository], !repository.scanning, let scan = repository.scan
            else { continue }
            startEvaluation(key, scan: scan)
        }
        var busyBranches = Set(runTasks.keys.compactMap { automations[$0].map { branchKey($0.config) } })
        for key in automations.keys.sorted() where runTasks.count < options.maxConcurrentAutomations {
            guard let entry = automations[key], !entry.running, entry.nextRun <= now, !entry.config.suspend, entry.stalled == nil,
                policiesAttempted(entry.config), !busyBranches.contains(branchKey(entry.config))
            else { continue }
            busyBranches.insert(branchKey(entry.config))
            startRun(key)
        }
    }

    /// Automations writing the same repository and branch run one at a time.
    private func branchKey(_ automation: ImageUpdateAutomationConfig) -> String {
        let source = configuration.gitRepositories[automation.sourceRef]
        let branch = automation.pushBranch ?? automation.checkout?.branch ?? source?.reference?.branch ?? "master"
        return "\(source?.url ?? automation.sourceRef.description) \(branch)"
    }

    /// An automation waits for the first scan of every repository its policies use, so it does
    /// not start by "reverting" to nothing.
    private func policiesAttempted(_ automation: ImageUpdateAutomationConfig) -> Bool {
        AutomationRunner.policies(of: automation, in: configuration).allSatisfy { policy in
            repositories[policy.repository]?.attempted ?? true
        }
    }

    // MARK: - Scans and evaluations

    private func startScan(_ key: ObjectKey) {
        guard var entry = repositories[key] else { return }
        entry.scanning = true
        repositories[key] = entry
        let (scanner, repository, generation) = (self.scanner, entry.config, entry.generation)
        // A suspended policy's evaluation only reads its stored result (Scanner.evaluate).
        let toEvaluate = policies.values.filter { $0.config.repository == key }
            .map { (config: $0.config, revision: $0.evaluatedRevision, generation: $0.generation) }
        let clock = self.clock
        scanTasks[key] = Task {
            let seenAt = Date()
            let start = clock.now
            var scan = await scanner.scan([repository]).first ?? RepositoryScan(key: key, image: repository.image)
            if Task.isCancelled, scan.error == nil { scan.error = "cancelled" }
            // The daemon counts stable scans itself: no second evaluation over the previous list.
            scan.previousTags = nil
            let scanDuration = clock.now - start
            var results: [(resolution: PolicyResolution, generation: Int, duration: Duration)] = []
            if scan.error == nil {
                for policy in toEvaluate where policy.revision != scan.revision {
                    let evaluationStart = clock.now
                    let resolution = await scanner.evaluate(policy.config, scan: scan)
                    results.append((resolution, policy.generation, clock.now - evaluationStart))
                }
            }
            await self.scanFinished(key, generation: generation, scan: scan, duration: scanDuration, results: results, seenAt: seenAt)
        }
    }

    private func scanFinished(
        _ key: ObjectKey, generation: Int, scan: RepositoryScan, duration: Duration,
        results: [(resolution: PolicyResolution, generation: Int, duration: Duration)], seenAt: Date
    ) {
        scanTasks[key] = nil
        // A slot is free: let the loop start the next due work now, not at the next tick.
        continuation.yield(.tick)
        guard var entry = repositories[key] else { return }
        entry.scanning = false
        let now = clock.now
        guard entry.generation == generation else {
            // The repository changed while it was scanned: scan the new one now.
            entry.nextScan = now
            repositories[key] = entry
            return
        }
        DaemonMetrics.scanned(key, failed: scan.error != nil, tags: scan.tags.count, duration: duration)
        let interval = entry.config.interval.duration
        if let error = scan.error {
            entry.status.consecutiveFailures += 1
            logger.error("scan failed", metadata: ["imagerepository": "\(key)", "error": "\(error)"])
            if setCondition(&entry.status.conditions, ok: false, reason: "ReadOperationFailed", message: error) {
                failed("ImageRepository", key, reason: "ReadOperationFailed", message: error)
            }
        } else {
            let changed = entry.status.lastScanResult?.revision != scan.revision
            entry.status.consecutiveFailures = 0
            entry.status.lastScanResult = .init(
                tagCount: scan.tags.count, scanTime: seenAt, latestTags: Array(scan.tags.prefix(10)), revision: scan.revision)
            entry.scan = scan
            let message = "successful scan: found \(scan.tags.count) tags"
            let recovered = entry.status.conditions.first?.status == "False"
            if setCondition(&entry.status.conditions, ok: true, reason: "Succeeded", message: message), recovered {
                notify("ImageRepository", key, severity: "info", reason: "Succeeded", message: message)
            }
            if changed {
                logger.info("scanned", metadata: [
                    "imagerepository": "\(key)", "tags": "\(scan.tags.count)", "new_tags": "\(scan.newTags.prefix(5).joined(separator: ","))",
                    "revision": "\(scan.revision)"])
            }
        }
        entry.attempted = true
        entry.nextScan = now + options.schedule.delay(
            interval: interval, failures: entry.status.consecutiveFailures, random: Double.random(in: 0..<1))
        repositories[key] = entry
        for result in results {
            apply(result.resolution, generation: result.generation, revision: scan.revision, duration: result.duration, seenAt: seenAt)
        }
        // Policies not re-evaluated saw the same tag list, so the same result: one more stable scan.
        if scan.error == nil {
            let evaluated = Set(results.map(\.resolution.key))
            for (policyKey, policy) in policies where policy.config.repository == key && !evaluated.contains(policyKey) && policy.resolution != nil {
                countStableScan(policyKey)
            }
        }
    }

    private func countStableScan(_ key: ObjectKey) {
        guard var entry = policies[key] else { return }
        entry.stableScans += 1
        policies[key] = entry
        // A result held back by the flapping guard may go out now.
        if entry.stableScans == 2 {
            let now = clock.now
            for (automationKey, automation) in automations where automation.held.contains(key) {
                if automation.running { automations[automationKey]?.rerun = true } else { automations[automationKey]?.nextRun = now }
            }
        }
    }

    private func startEvaluation(_ key: ObjectKey, scan: RepositoryScan) {
        guard var entry = policies[key] else { return }
        entry.evaluating = true
        policies[key] = entry
        let (scanner, config, generation, clock) = (self.scanner, entry.config, entry.generation, self.clock)
        evaluationTasks[key] = Task {
            let start = clock.now
            let resolution = await scanner.evaluate(config, scan: scan)
            await self.evaluationFinished(key, resolution, generation: generation, revision: scan.revision, duration: clock.now - start)
        }
    }

    private func evaluationFinished(
        _ key: ObjectKey, _ resolution: PolicyResolution, generation: Int, revision: String, duration: Duration
    ) {
        evaluationTasks[key] = nil
        continuation.yield(.tick)
        policies[key]?.evaluating = false
        apply(resolution, generation: generation, revision: revision, duration: duration, seenAt: Date())
    }

    /// Records a policy's evaluation; a new `latestRef` triggers the automations that use it.
    private func apply(_ resolution: PolicyResolution, generation: Int, revision: String, duration: Duration, seenAt: Date) {
        let key = resolution.key
        guard var entry = policies[key] else { return }
        guard entry.generation == generation else {
            // Evaluated with an older spec: evaluate the current one with the next scan, now.
            repositories[entry.config.repository]?.nextScan = clock.now
            return
        }
        DaemonMetrics.evaluated(key, selected: resolution.latest != nil, duration: duration)
        entry.status.decision = resolution.decision.map(Self.decisionRecord)
        if entry.config.digestReflection == .always {
            let interval = (entry.config.interval ?? repositories[entry.config.repository]?.config.interval ?? .seconds(600)).duration
            entry.nextDigestCheck = clock.now + options.schedule.delay(interval: interval, failures: 0, random: Double.random(in: 0..<1))
        }
        if let latest = resolution.latest {
            entry.evaluatedRevision = revision
            entry.lastError = nil
            entry.resolution = resolution
            let previous = entry.status.latestRef
            if previous != latest {
                entry.stableScans = 1
                entry.status.observedPreviousRef = previous
                entry.status.latestRef = latest
                entry.status.latestRefSince = seenAt
                let message = previous.map { "Latest image tag for \(latest.name) updated from \($0.tag) to \(latest.tag)" }
                    ?? "Latest image tag for \(latest.name) resolved to \(latest.tag)"
                logger.info("policy selected a new image", metadata: [
                    "imagepolicy": "\(key)", "previous": "\(previous.map { "\($0.name):\($0.tag)" } ?? "none")",
                    "latest": "\(latest.name):\(latest.tag)\(latest.digest.map { "@\($0)" } ?? "")",
                    "decision": "\(resolution.decision?.summary ?? "")"])
                setCondition(&entry.status.conditions, ok: true, reason: "Succeeded", message: message)
                policies[key] = entry
                triggerAutomations(using: key)
                return
            }
            setCondition(&entry.status.conditions, ok: true, reason: "Succeeded", message: "Latest image tag for \(latest.name) resolved to \(latest.tag)")
            policies[key] = entry
            countStableScan(key)
            return
        } else {
            // Tried again with the next scan (a digest error, say, may pass then).
            entry.evaluatedRevision = nil
            let error = resolution.error ?? "nothing selected"
            entry.lastError = error
            logger.warning("policy selected nothing", metadata: ["imagepolicy": "\(key)", "reason": "\(error)"])
            if setCondition(&entry.status.conditions, ok: false, reason: "ReconciliationFailed", message: error) {
                failed("ImagePolicy", key, reason: "ReconciliationFailed", message: error)
            }
        }
        policies[key] = entry
    }

    private func triggerAutomations(using policy: ObjectKey) {
        let now = clock.now
        for (key, entry) in automations {
            guard AutomationRunner.policies(of: entry.config, in: configuration).contains(where: { $0.key == policy }) else { continue }
            if entry.running {
                automations[key]?.rerun = true
            } else {
                automations[key]?.nextRun = now
            }
        }
    }

    static func decisionRecord(_ decision: PolicyDecision) -> PolicyStatus.Decision {
        PolicyStatus.Decision(
            candidates: decision.candidates, excluded: decision.excluded, filteredOut: decision.filteredOut,
            invalid: decision.invalid, outsideRange: decision.outsideRange, eligible: decision.eligible,
            selected: decision.selected, tiedWith: decision.tiedWith, summary: decision.summary)
    }

    // MARK: - Automation runs

    private func startRun(_ key: ObjectKey) {
        guard var entry = automations[key] else { return }
        entry.running = true
        entry.rerun = false
        automations[key] = entry
        let automation = entry.config
        let generation = entry.generation
        let clock = self.clock
        if !options.allowFileRemotes, let url = configuration.gitRepositories[automation.sourceRef]?.url, url.lowercased().hasPrefix("file:") {
            var outcome = AutomationOutcome(key: key, summary: "file:// remotes are disabled in this daemon (--allow-file-remotes=false): GitRepository \(automation.sourceRef)")
            outcome.failed = true
            runTasks[key] = Task { await self.runFinished(key, generation: generation, outcome: outcome, duration: .zero) }
            return
        }
        let now = Date().timeIntervalSince1970
        var held: Set<ObjectKey> = []
        let resolutions = AutomationRunner.policies(of: automation, in: configuration).map { policy in
            guard let entry = policies[policy.key], let resolution = entry.resolution, let latest = resolution.latest else {
                return PolicyResolution(key: policy.key, error: policies[policy.key]?.lastError ?? "not evaluated yet")
            }
            // The flapping guard: a value this automation replaced within the hour goes back only
            // once the policy has given it for two consecutive scans.
            let recent = automations[key]?.replaced.wasReplaced(policy: policy.key.markerKey, tag: latest.tag, now: now) ?? false
            if recent && entry.stableScans < 2 {
                held.insert(policy.key)
                logger.warning("flapping guard: result held", metadata: [
                    "imageupdateautomation": "\(key)", "imagepolicy": "\(policy.key)", "tag": "\(latest.tag)",
                    "stable_scans": "\(entry.stableScans)"])
                return FlappingMemory.held(policy.key, tag: latest.tag)
            }
            return resolution
        }
        automations[key]?.held = held
        let runner = self.runner
        runTasks[key] = Task {
            let start = clock.now
            let outcome = await runner.run(automation, resolutions: resolutions)
            await self.runFinished(key, generation: generation, outcome: outcome, duration: clock.now - start)
        }
    }

    private func runFinished(_ key: ObjectKey, generation: Int, outcome: AutomationOutcome, duration: Duration) {
        runTasks[key] = nil
        continuation.yield(.tick)
        guard var entry = automations[key] else { return }
        entry.running = false
        let now = clock.now
        let pushed = outcome.commit != nil && !outcome.failed
        DaemonMetrics.automationRan(
            key, result: outcome.failed ? "failed" : (pushed ? "pushed" : "unchanged"), attempts: outcome.attempts,
            pushed: pushed, duration: duration)
        entry.status.lastAutomationRunTime = Date()
        entry.status.lastResult = outcome.summary
        entry.status.diagnostics = outcome.diagnostics
        var metadata: Logger.Metadata = [
            "imageupdateautomation": "\(key)", "result": "\(outcome.summary)", "attempts": "\(outcome.attempts)",
            "duration_ms": "\(Int(Self.seconds(duration) * 1000))"]
        if outcome.failed {
            entry.status.consecutiveFailures += 1
            logger.error("automation failed", metadata: metadata)
            if setCondition(&entry.status.conditions, ok: false, reason: "ReconciliationFailed", message: outcome.summary) {
                failed("ImageUpdateAutomation", key, reason: "ReconciliationFailed", message: outcome.summary)
            }
        } else {
            entry.status.consecutiveFailures = 0
            if pushed, let commit = outcome.commit {
                entry.replaced.record(outcome.changes, now: Date().timeIntervalSince1970)
                entry.status.lastPushCommit = commit
                entry.status.lastPushTime = Date()
                recordTagToCommit(outcome.changes)
                metadata["commit"] = "\(commit)"
                metadata["files"] = "\(outcome.files.joined(separator: ","))"
                let message = "pushed commit '\(commit.prefix(7))' to branch '\(outcome.branch ?? "")'\n"
                    + (outcome.commitMessage ?? "")
                notify("ImageUpdateAutomation", key, severity: "info", reason: "Succeeded", message: message,
                       metadata: ["revision": "\(outcome.branch ?? "")@sha1:\(commit)", "commit": commit])
                setCondition(&entry.status.conditions, ok: true, reason: "Succeeded", message: "pushed commit '\(commit.prefix(7))'")
            } else {
                setCondition(&entry.status.conditions, ok: true, reason: "Succeeded", message: "repository up-to-date")
            }
            logger.info(pushed ? "automation pushed" : "automation ran", metadata: metadata)
        }
        for line in outcome.diagnostics {
            logger.warning("marker problem", metadata: ["imageupdateautomation": "\(key)", "detail": "\(line)"])
        }
        if entry.rerun || entry.generation != generation {
            entry.nextRun = now
        } else {
            entry.nextRun = now + options.schedule.delay(
                interval: entry.config.interval.duration, failures: entry.status.consecutiveFailures, random: Double.random(in: 0..<1))
        }
        automations[key] = entry
    }

    /// `imagebot_tag_to_commit_seconds`: from the scan that first saw a policy's new result to
    /// the push that applied it; once per result.
    private func recordTagToCommit(_ changes: [SetterChange]) {
        let now = Date()
        var seen = Set<ObjectKey>()
        for change in changes {
            guard let key = ObjectKey(markerKey: change.policy), seen.insert(key).inserted, var entry = policies[key], let latest = entry.status.latestRef,
                let since = entry.status.latestRefSince, entry.latencyRecordedFor != latest
            else { continue }
            DaemonMetrics.tagToCommit(.milliseconds(Int64(max(0, now.timeIntervalSince(since)) * 1000)))
            entry.latencyRecordedFor = latest
            policies[key] = entry
        }
    }

    // MARK: - Configuration

    private func reloadIfChanged(_ fingerprint: String) {
        guard fingerprint != loadedFingerprint else { return }
        let loaded = ConfigLoader.load(directory: options.configDirectory)
        configState.warnings = loaded.warnings.map(\.description)
        // An automation's own error (its message template cannot render) stops only that automation.
        let blocking = loaded.blockingErrors
        guard blocking.isEmpty else {
            let first = blocking.first.map(\.description) ?? ""
            let message = "\(blocking.count) configuration error\(blocking.count == 1 ? "" : "s"), the last good config stays in effect; first: \(first)"
            if configState.lastError != message {
                logger.error("config rejected", metadata: ["directory": "\(options.configDirectory)", "error": "\(message)"])
            }
            configState.lastError = message
            DaemonMetrics.configReloaded(ok: false)
            return
        }
        loadedFingerprint = fingerprint
        configState.lastError = nil
        configState.loadedAt = Date()
        DaemonMetrics.configReloaded(ok: true)
        apply(loaded)
    }

    private func apply(_ new: Configuration) {
        let now = clock.now
        let shard = options.shard
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
        for key in new.repositories.keys where !usedRepositories.contains(key) && shard.owns(key) { neededRepositories.insert(key) }

        var nextRepositories: [ObjectKey: RepositoryEntry] = [:]
        for key in neededRepositories {
            guard let config = new.repositories[key] else { continue }
            if var entry = repositories[key] {
                if entry.config != config {
                    entry.config = config
                    entry.generation += 1
                    entry.scan = nil
                    entry.status.image = config.image
                    entry.nextScan = now
                }
                nextRepositories[key] = entry
            } else {
                nextRepositories[key] = RepositoryEntry(
                    config: config, status: RepositoryStatus(namespace: key.namespace, name: key.name, image: config.image), nextScan: now)
            }
        }
        var nextPolicies: [ObjectKey: PolicyEntry] = [:]
        for key in neededPolicies {
            guard let config = new.policies[key] else { continue }
            if var entry = policies[key] {
                if entry.config != config {
                    entry.config = config
                    entry.generation += 1
                    entry.evaluatedRevision = nil
                    entry.status.imageRepositoryRef = config.repository.description
                    nextRepositories[config.repository]?.nextScan = now
                }
                nextPolicies[key] = entry
            } else {
                nextPolicies[key] = PolicyEntry(
                    config: config,
                    status: PolicyStatus(namespace: key.namespace, name: key.name, imageRepositoryRef: config.repository.description))
                nextRepositories[config.repository]?.nextScan = now
            }
        }
        var nextAutomations: [ObjectKey: AutomationEntry] = [:]
        for config in owned {
            let key = config.key
            if var entry = automations[key] {
                if entry.config != config {
                    entry.config = config
                    entry.generation += 1
                    entry.nextRun = now
                }
                nextAutomations[key] = entry
            } else {
                nextAutomations[key] = AutomationEntry(
                    config: config, status: AutomationStatus(namespace: key.namespace, name: key.name, shard: shard.index), nextRun: now)
            }
            let stalled = new.stalledAutomations[key]
            if let stalled, nextAutomations[key]?.stalled != stalled.message, var entry = nextAutomations[key] {
                // Flux's reason for a removed template field; the same stop for any template that cannot render.
                let reason = stalled.message.contains("template uses removed") ? "RemovedTemplateField" : "InvalidMessageTemplate"
                logger.error("automation stalled", metadata: [
                    "imageupdateautomation": "\(key)", "reason": "\(reason)", "error": "\(stalled.description)"])
                if setCondition(&entry.status.conditions, ok: false, reason: reason, message: stalled.message) {
                    failed("ImageUpdateAutomation", key, reason: reason, message: stalled.message)
                }
                entry.stalled = stalled.message
                nextAutomations[key] = entry
            } else if stalled == nil, nextAutomations[key]?.stalled != nil {
                nextAutomations[key]?.stalled = nil
                nextAutomations[key]?.nextRun = now
            }
        }
        let summary: Logger.Metadata = [
            "imagerepositories": "\(nextRepositories.count)", "imagepolicies": "\(nextPolicies.count)",
            "imageupdateautomations": "\(nextAutomations.count)", "shard": "\(shard.index)/\(shard.count)"]
        logger.info(configuration.automations.isEmpty && repositories.isEmpty ? "config loaded" : "config reloaded", metadata: summary)
        repositories = nextRepositories
        policies = nextPolicies
        automations = nextAutomations
        let secrets = SecretStore(directory: options.secretsDirectory, configuration: new)
        runner = AutomationRunner(
            configuration: new,
            scanner: Scanner(
                configuration: new, secrets: secrets, client: registryClient, cache: TagCache(stateDirectory: options.stateDirectory),
                maxConcurrentScans: options.maxConcurrentScans),
            secrets: secrets, stateDirectory: options.stateDirectory)
    }

    /// A digest of the manifest files' paths and contents: cheap for a config dir, and it sees
    /// a ConfigMap's atomic symlink swap as well as an edit in place.
    static func fingerprint(of directory: String) -> String {
        guard let files = ConfigLoader.manifestFiles(directory: directory) else { return "missing" }
        var hash = SHA256()
        for file in files {
            hash.update(Array(file.utf8) + [0])
            if let data = FileManager.default.contents(atPath: file) { hash.update(Array(data)) }
            hash.update([0])
        }
        return hash.finalize().map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    // MARK: - Helpers

    /// Sets the Ready condition; true when its status or message changed (worth an event).
    @discardableResult
    private func setCondition(_ conditions: inout [Condition], ok: Bool, reason: String, message: String) -> Bool {
        let status = ok ? "True" : "False"
        if let current = conditions.first(where: { $0.type == "Ready" }) {
            if current.status == status && current.reason == reason && current.message == message { return false }
            let transition = current.status == status ? current.lastTransitionTime : Date()
            conditions = [Condition(status: status, reason: reason, message: message, lastTransitionTime: transition)]
            return true
        }
        conditions = [Condition(status: status, reason: reason, message: message, lastTransitionTime: Date())]
        return true
    }

    /// Remembers a failure for the status (bounded) and sends it to the notification URLs.
    private func failed(_ kind: String, _ key: ObjectKey, reason: String, message: String) {
        failures.append(FailureRecord(kind: kind, namespace: key.namespace, name: key.name, reason: reason, message: message, time: Date()))
        if failures.count > Self.failureHistory { failures.removeFirst(failures.count - Self.failureHistory) }
        notify(kind, key, severity: "error", reason: reason, message: message)
    }

    private func notify(
        _ kind: String, _ key: ObjectKey, severity: String, reason: String, message: String, metadata: [String: String] = [:]
    ) {
        guard let notifier, !notifier.urls.isEmpty else { return }
        let event = NotificationEvent(
            kind: kind, key: key, severity: severity, reason: reason, message: message, metadata: metadata,
            timestamp: Date(), instance: options.instance)
        Task { await notifier.send(event) }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
