public import Logging
import Registry

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
/// Every decision is `ControllerState`'s; this actor is the loop around it: it starts the work
/// the state hands out in tasks off the actor (registry requests, libgit2), reports the results
/// back, and sleeps until the next due time or the next event (work finished, a webhook, a
/// config change).
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

    private let options: Options
    private let logger: Logger
    private let notifier: Notifier?
    private let clock: any DaemonClock
    private let registryClient: RegistryClient
    private let watcher: ConfigWatcher

    /// Every decision: what is tracked, due, running, and each object's status.
    private var state: ControllerState
    /// Runs automations and (through its scanner) scans, for the configuration in effect;
    /// rebuilt when a new configuration is applied.
    private var runner: AutomationRunner
    private var configState: StatusReport.ConfigState
    private var loadedFingerprint: String?
    private var scanTasks: [ObjectKey: Task<Void, Never>] = [:]
    private var evaluationTasks: [ObjectKey: Task<Void, Never>] = [:]
    private var runTasks: [ObjectKey: Task<Void, Never>] = [:]
    private var draining = false
    /// Something happened since the loop last looked (work finished, a webhook, a config change).
    private var woken = false
    /// The loop, while it waits for the next due time or an event.
    private var waiting: CheckedContinuation<Void, Never>?
    /// Tells a wait's timer apart from an earlier wait's.
    private var waitNumber = 0
    /// How many failures the status keeps (a page's worth; each is one line).
    public static let failureHistory = ControllerState.failureHistory

    public init(
        options: Options, logger: Logger, notifier: Notifier? = nil, clock: any DaemonClock = SystemDaemonClock()
    ) {
        self.options = options
        self.logger = logger
        self.notifier = notifier
        self.clock = clock
        registryClient = RegistryClient(logger: logger)
        watcher = ConfigWatcher(directory: options.configDirectory, interval: options.configPollInterval)
        runner = AutomationRunner(
            configuration: Configuration(),
            scanner: Scanner(
                configuration: Configuration(), secrets: SecretStore(directory: nil, configuration: Configuration()),
                client: registryClient, cache: nil),
            secrets: SecretStore(directory: nil, configuration: Configuration()), stateDirectory: options.stateDirectory
        )
        configState = StatusReport.ConfigState(
            directory: options.configDirectory, loadedAt: nil, lastError: nil, warnings: [])
        state = ControllerState(logger: logger)
        state.shard = options.shard
        state.schedule = options.schedule
        state.maxConcurrentScans = options.maxConcurrentScans
        state.maxConcurrentAutomations = options.maxConcurrentAutomations
        state.allowFileRemotes = options.allowFileRemotes
        state.instance = options.instance
    }

    // MARK: - Control from outside (HTTP server, signals)

    /// Stops starting work; `run()` returns once in-flight runs finished or the grace passed.
    public nonisolated func shutdown() {
        Task { await self.beginShutdown() }
    }

    private func beginShutdown() {
        draining = true
        wake()
    }

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
        switch state.requestScan(name, now: clock.now) {
        case .scheduled(let keys):
            DaemonMetrics.webhook(found: true)
            logger.info(
                "scan requested by webhook",
                metadata: ["repositories": "\(keys.map(\.description).joined(separator: ","))"])
            wake()
            return .scheduled(keys)
        case .otherShard:
            DaemonMetrics.webhook(found: false)
            return .otherShard
        case .unknown:
            DaemonMetrics.webhook(found: false)
            return .unknown
        }
    }

    /// Every object's last result, for `GET /api/v1/status`.
    public func status() -> StatusReport {
        let statuses = state.statuses(now: clock.now, date: clock.date)
        return StatusReport(
            config: configState,
            shard: .init(index: options.shard.index, count: options.shard.count),
            imageRepositories: statuses.repositories, imagePolicies: statuses.policies,
            imageUpdateAutomations: statuses.automations,
            recentFailures: state.failures.reversed())
    }

    // MARK: - The loop

    /// Runs until `shutdown()`: loads the config, then starts what is due and sleeps until the
    /// next due time or the next event (work finished, webhook, config change).
    public func run() async {
        let initial = watcher.fingerprint()
        reloadIfChanged(initial)
        let watcherTask = Task { [watcher, clock] in
            await watcher.watch(from: initial, clock: clock) { fingerprint in await self.configChanged(fingerprint) }
        }
        while !draining {
            // One `now` for both: work that falls due in between is not skipped.
            let now = clock.now
            start(state.startDueWork(now: now, date: clock.date))
            sendNotifications()
            await wait(until: state.nextDue(after: now))
        }
        watcherTask.cancel()
        await drain()
    }

    private func configChanged(_ fingerprint: String) {
        reloadIfChanged(fingerprint)
        wake()
    }

    /// Returns at `deadline` (nil: none) or as soon as `wake()` is called, whichever is first.
    private func wait(until deadline: ContinuousClock.Instant?) async {
        if woken {
            woken = false
            return
        }
        waitNumber += 1
        let number = waitNumber
        let timer = deadline.map { deadline in
            Task { [clock] in
                guard (try? await clock.sleep(until: deadline)) != nil else { return }
                self.timerFired(number)
            }
        }
        await withCheckedContinuation { waiting = $0 }
        timer?.cancel()
        woken = false
    }

    private func timerFired(_ number: Int) {
        if number == waitNumber { wake() }
    }

    /// Lets the loop look again now.
    private func wake() {
        woken = true
        waiting?.resume()
        waiting = nil
    }

    private func drain() async {
        logger.info(
            "shutting down", metadata: ["runs_in_flight": "\(runTasks.count)", "scans_in_flight": "\(scanTasks.count)"])
        // Scans hold nothing worth keeping; a push in progress should land (or fail) cleanly.
        for task in scanTasks.values { task.cancel() }
        for task in evaluationTasks.values { task.cancel() }
        let deadline = clock.now + options.shutdownGrace
        while !runTasks.isEmpty && clock.now < deadline {
            await wait(until: deadline)
        }
        sendNotifications()
        if !runTasks.isEmpty {
            logger.warning(
                "shutdown grace passed with runs in flight; the next start redoes them",
                metadata: ["automations": "\(runTasks.keys.map(\.description).sorted().joined(separator: ","))"])
        }
    }

    // MARK: - Doing the work ControllerState hands out

    private func start(_ work: ControllerState.DueWork) {
        for job in work.scans { startScan(job) }
        for job in work.evaluations { startEvaluation(job) }
        for job in work.runs { startRun(job) }
    }

    private func startScan(_ job: ControllerState.ScanJob) {
        let (scanner, clock, key) = (runner.scanner, clock, job.key)
        scanTasks[key] = Task {
            let seenAt = clock.date
            let start = clock.now
            var scan =
                await scanner.scan([job.repository]).first ?? RepositoryScan(key: key, image: job.repository.image)
            if Task.isCancelled, scan.error == nil {
                scan.error = "cancelled"
                scan.failureCode = .registry(.cancelled)
            }
            // The daemon counts stable scans itself: no second evaluation over the previous list.
            scan.previousTags = nil
            let scanDuration = clock.now - start
            var evaluations: [ControllerState.Evaluation] = []
            if scan.error == nil {
                for policy in job.policies where policy.revision != scan.revision {
                    let evaluationStart = clock.now
                    let resolution = await scanner.evaluate(policy.config, scan: scan)
                    evaluations.append(
                        .init(
                            resolution: resolution, generation: policy.generation, duration: clock.now - evaluationStart
                        ))
                }
            }
            self.scanFinished(job, scan: scan, duration: scanDuration, evaluations: evaluations, seenAt: seenAt)
        }
    }

    private func scanFinished(
        _ job: ControllerState.ScanJob, scan: RepositoryScan, duration: Duration,
        evaluations: [ControllerState.Evaluation], seenAt: Date
    ) {
        scanTasks[job.key] = nil
        state.scanFinished(
            job.key, generation: job.generation, scan: scan, duration: duration, evaluations: evaluations,
            seenAt: seenAt,
            at: clock.date, now: clock.now)
        sendNotifications()
        wake()
    }

    private func startEvaluation(_ job: ControllerState.EvaluationJob) {
        let (scanner, clock) = (runner.scanner, clock)
        evaluationTasks[job.key] = Task {
            let start = clock.now
            let resolution = await scanner.evaluate(job.policy, scan: job.scan)
            self.evaluationFinished(job, resolution, duration: clock.now - start)
        }
    }

    private func evaluationFinished(
        _ job: ControllerState.EvaluationJob, _ resolution: PolicyResolution, duration: Duration
    ) {
        evaluationTasks[job.key] = nil
        state.evaluationFinished(
            job.key, resolution, generation: job.generation, revision: job.scan.revision, duration: duration,
            at: clock.date, now: clock.now)
        sendNotifications()
        wake()
    }

    private func startRun(_ job: ControllerState.RunJob) {
        let (runner, clock) = (runner, clock)
        runTasks[job.key] = Task {
            if let refused = job.refused {
                self.runFinished(job, outcome: refused, duration: .zero)
                return
            }
            let start = clock.now
            let outcome = await runner.run(job.automation, resolutions: job.resolutions)
            self.runFinished(job, outcome: outcome, duration: clock.now - start)
        }
    }

    private func runFinished(_ job: ControllerState.RunJob, outcome: AutomationOutcome, duration: Duration) {
        runTasks[job.key] = nil
        state.runFinished(
            job.key, generation: job.generation, outcome: outcome, duration: duration, at: clock.date, now: clock.now)
        sendNotifications()
        wake()
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
            let message =
                "\(blocking.count) configuration error\(blocking.count == 1 ? "" : "s"), the last good config stays in effect; first: \(first)"
            if configState.lastError != message {
                logger.error(
                    "config rejected", metadata: ["directory": "\(options.configDirectory)", "error": "\(message)"])
            }
            configState.lastError = message
            DaemonMetrics.configReloaded(ok: false)
            return
        }
        loadedFingerprint = fingerprint
        configState.lastError = nil
        configState.loadedAt = clock.date
        DaemonMetrics.configReloaded(ok: true)
        let summary = state.apply(loaded, now: clock.now, at: clock.date)
        logger.info(
            summary.firstLoad ? "config loaded" : "config reloaded",
            metadata: [
                "imagerepositories": "\(summary.repositories)", "imagepolicies": "\(summary.policies)",
                "imageupdateautomations": "\(summary.automations)",
                "shard": "\(options.shard.index)/\(options.shard.count)",
            ])
        let secrets = SecretStore(directory: options.secretsDirectory, configuration: loaded)
        runner = AutomationRunner(
            configuration: loaded,
            scanner: Scanner(
                configuration: loaded, secrets: secrets, client: registryClient,
                cache: TagCache(stateDirectory: options.stateDirectory),
                maxConcurrentScans: options.maxConcurrentScans),
            secrets: secrets, stateDirectory: options.stateDirectory)
    }

    // MARK: - Helpers

    /// Sends the events the state queued to the notification URLs (off the actor).
    private func sendNotifications() {
        let events = state.outbox
        state.outbox = []
        guard let notifier, !notifier.urls.isEmpty else { return }
        for event in events { Task { await notifier.send(event) } }
    }

    static func seconds(_ duration: Duration) -> Double { duration.seconds }
}
