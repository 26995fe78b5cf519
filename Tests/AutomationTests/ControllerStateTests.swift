import Committer
import Foundation
import Logging
import Policy
import Registry
import Setters
import Template
import Testing

@testable import Automation

/// A fleet's config, written as users write it, and a state that tracks it. Time is `t(seconds)`
/// from a fixed start; the jitter draw is 0.5 (no jitter), so every due time is exact.
struct ControllerFixture {
    static let t0 = ContinuousClock.now
    static func t(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int64(seconds * 1000)) }
    static let date = Date(timeIntervalSince1970: 1_900_000_000)

    static let repository = ObjectKey(namespace: "apps", name: "app")
    static let other = ObjectKey(namespace: "apps", name: "other")
    static let policy = ObjectKey(namespace: "apps", name: "app")
    static let automation = ObjectKey(namespace: "apps", name: "fleet")

    static func yaml(
        repositoryInterval: String = "5m", image: String = "ghcr.io/acme/app", automations: [String] = ["fleet"],
        branch: String = "main", suspend: Bool = false, otherRepository: Bool = false
    ) -> String {
        var text = """
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImageRepository
            metadata: {name: app, namespace: apps}
            spec: {image: \(image), interval: \(repositoryInterval)}
            ---
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImagePolicy
            metadata: {name: app, namespace: apps}
            spec:
              imageRepositoryRef: {name: app}
              policy: {semver: {range: '>=1.0.0'}}
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: GitRepository
            metadata: {name: fleet, namespace: apps}
            spec: {url: 'https://git.example.com/fleet.git', interval: 1m, ref: {branch: \(branch)}}

            """
        for name in automations {
            text += """
                ---
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageUpdateAutomation
                metadata: {name: \(name), namespace: apps}
                spec:
                  interval: 10m
                  suspend: \(suspend)
                  sourceRef: {kind: GitRepository, name: fleet}
                  git: {commit: {author: {name: bot, email: bot@example.com}}}
                  update: {path: ./apps}

                """
        }
        if otherRepository {
            text += """
                ---
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageRepository
                metadata: {name: other, namespace: apps}
                spec: {image: ghcr.io/acme/other, interval: 1m}

                """
        }
        return text
    }

    static func configuration(_ text: String) -> Configuration {
        var configuration = Configuration()
        ConfigLoader.load(bytes: Array(text.utf8), file: "fleet.yaml", into: &configuration)
        #expect(configuration.errors.isEmpty, "\(configuration.errors)")
        return configuration
    }

    static func state(_ text: String = yaml(), now: Double = 0, configure: (inout ControllerState) -> Void = { _ in })
        -> ControllerState
    {
        var state = ControllerState(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        state.random = { 0.5 }
        configure(&state)
        _ = state.apply(configuration(text), now: t(now), at: Self.date)
        return state
    }

    static func scan(_ tags: [String], key: ObjectKey = repository) -> RepositoryScan {
        var scan = RepositoryScan(key: key, image: "ghcr.io/acme/app")
        scan.tags = tags
        scan.revision = "sha256:" + tags.joined(separator: ",")
        return scan
    }

    static func selected(_ tag: String) -> ControllerState.Evaluation {
        .init(
            resolution: PolicyResolution(key: policy, latest: .init(name: "ghcr.io/acme/app", tag: tag)), generation: 0,
            duration: .zero)
    }

    /// Starts the scan due at `now` and finishes it with `tags`, the policy selecting `tag`.
    static func scanned(_ state: inout ControllerState, tags: [String], selecting tag: String?, at now: Double) {
        let work = state.startDueWork(now: t(now), date: date)
        let job = work.scans.first { $0.key == repository }
        #expect(job != nil, "a scan of \(repository) is due at \(now)")
        state.scanFinished(
            repository, generation: job?.generation ?? 0, scan: scan(tags), duration: .zero,
            evaluations: tag.map { [selected($0)] } ?? [], seenAt: date, at: date, now: t(now))
    }

    static func change(_ old: String, _ new: String) -> SetterChange {
        SetterChange(
            file: "apps/deploy.yaml", line: 1, column: 1, setter: "apps:app", old: old, new: new,
            object: ObjectIdentity(kind: "Deployment", namespace: "apps", name: "app"))
    }
}

@Suite("ControllerState: the config diff and generations")
struct ControllerStateConfigTests {
    typealias F = ControllerFixture

    @Test func everythingNewIsDueNow() {
        let state = F.state(now: 3)
        #expect(state.repositories.keys.sorted() == [F.repository])
        #expect(state.policies.keys.sorted() == [F.policy])
        #expect(state.automations.keys.sorted() == [F.automation])
        #expect(state.repositories[F.repository]?.nextScan == F.t(3))
        #expect(state.automations[F.automation]?.nextRun == F.t(3))
        #expect(state.repositories[F.repository]?.generation == 0)
    }

    struct Change: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var repositoryGeneration: Int
        var policyGeneration: Int
        var automationGeneration: Int
        /// Whether the repository's scan is moved to the reload's time.
        var rescan: Bool
        var rerun: Bool
        var testDescription: String { name }
    }

    @Test(arguments: [
        Change(
            name: "unchanged", yaml: F.yaml(), repositoryGeneration: 0, policyGeneration: 0, automationGeneration: 0,
            rescan: false, rerun: false),
        Change(
            name: "repository interval", yaml: F.yaml(repositoryInterval: "1m"), repositoryGeneration: 1,
            policyGeneration: 0,
            automationGeneration: 0, rescan: true, rerun: false),
        Change(
            name: "repository image", yaml: F.yaml(image: "ghcr.io/acme/app2"), repositoryGeneration: 1,
            policyGeneration: 0,
            automationGeneration: 0, rescan: true, rerun: false),
        Change(
            name: "automation suspended", yaml: F.yaml(suspend: true), repositoryGeneration: 0, policyGeneration: 0,
            automationGeneration: 1, rescan: false, rerun: true),
        Change(
            name: "policy range", yaml: F.yaml().replacingOccurrences(of: ">=1.0.0", with: ">=2.0.0"),
            repositoryGeneration: 0,
            policyGeneration: 1, automationGeneration: 0, rescan: true, rerun: false),
    ])
    func reloadBumpsTheGenerationOfWhatChanged(_ c: Change) {
        var state = F.state()
        // Everything has run once and is scheduled for later.
        ControllerFixture.scanned(&state, tags: ["1.0.0"], selecting: "1.0.0", at: 0)
        let run = state.startDueWork(now: F.t(1), date: F.date).runs.first
        state.runFinished(
            F.automation, generation: run?.generation ?? 0,
            outcome: AutomationOutcome(key: F.automation, summary: "up to date"),
            duration: .zero, at: F.date, now: F.t(1))
        let scanBefore = state.repositories[F.repository]?.nextScan
        let runBefore = state.automations[F.automation]?.nextRun

        _ = state.apply(F.configuration(c.yaml), now: F.t(60), at: F.date)
        #expect(state.repositories[F.repository]?.generation == c.repositoryGeneration)
        #expect(state.policies[F.policy]?.generation == c.policyGeneration)
        #expect(state.automations[F.automation]?.generation == c.automationGeneration)
        #expect(state.repositories[F.repository]?.nextScan == (c.rescan ? F.t(60) : scanBefore))
        #expect(state.automations[F.automation]?.nextRun == (c.rerun ? F.t(60) : runBefore))
        // A changed repository forgets its scan; an unchanged one keeps it.
        #expect((state.repositories[F.repository]?.scan == nil) == (c.repositoryGeneration == 1))
    }

    @Test func removedObjectsAreDropped() {
        var state = F.state(F.yaml(otherRepository: true))
        #expect(state.repositories.count == 2)
        _ = state.apply(F.configuration(F.yaml(automations: [])), now: F.t(1), at: F.date)
        #expect(
            state.repositories.keys.sorted() == [F.repository], "still tracked for the status page: a policy uses it")
        #expect(state.automations.isEmpty)
    }

    @Test(arguments: 0..<3)
    func aShardTracksItsAutomationsAndWhatTheyUse(index: Int) {
        let names = (0..<12).map { "fleet-\($0)" }
        let state = F.state(F.yaml(automations: names)) { $0.shard = ShardAssignment(count: 3, index: index) }
        let owned = names.filter {
            ShardAssignment(count: 3, index: index).owns(ObjectKey(namespace: "apps", name: $0))
        }
        #expect(state.automations.keys.map(\.name).sorted() == owned.sorted())
        #expect(state.automations.values.allSatisfy { $0.status.shard == index })
        // Every shard with an automation scans the repository its policy reads.
        #expect(state.repositories.keys.contains(F.repository) == !owned.isEmpty)
    }
}

@Suite("ControllerState: what starts when")
struct ControllerStateScheduleTests {
    typealias F = ControllerFixture

    @Test func anAutomationWaitsForTheFirstScanOfItsRepositories() {
        var state = F.state()
        let first = state.startDueWork(now: F.t(0), date: F.date)
        #expect(first.scans.map(\.key) == [F.repository])
        #expect(first.runs.isEmpty, "the policy has not been tried yet")
        #expect(first.scans.first?.policies.map { $0.config.key } == [F.policy])
        #expect(state.startDueWork(now: F.t(0), date: F.date).isEmpty, "nothing twice")
        state.scanFinished(
            F.repository, generation: 0, scan: F.scan(["1.0.0"]), duration: .zero, evaluations: [F.selected("1.0.0")],
            seenAt: F.date,
            at: F.date, now: F.t(2))
        let second = state.startDueWork(now: F.t(2), date: F.date)
        #expect(second.runs.map(\.key) == [F.automation])
        #expect(second.runs.first?.resolutions.map(\.latest?.tag) == ["1.0.0"])
    }

    @Test func aFailedFirstScanStillLetsTheAutomationRun() {
        var state = F.state()
        _ = state.startDueWork(now: F.t(0), date: F.date)
        var failed = F.scan([])
        failed.error = "ghcr.io/acme/app: 401"
        failed.failureCode = .registry(.unauthorized)
        state.scanFinished(
            F.repository, generation: 0, scan: failed, duration: .zero, evaluations: [], seenAt: F.date, at: F.date,
            now: F.t(1))
        let run = state.startDueWork(now: F.t(1), date: F.date).runs.first
        #expect(run?.resolutions.first?.latest == nil)
        #expect(run?.resolutions.first?.error == "not evaluated yet")
    }

    @Test(arguments: [1, 2, 8])
    func scansRespectTheConcurrencyLimit(limit: Int) {
        let repositories = (0..<5).map { i in
            """
            ---
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImageRepository
            metadata: {name: r\(i), namespace: apps}
            spec: {image: ghcr.io/acme/r\(i), interval: 1m}

            """
        }.joined()
        var state = F.state(F.yaml() + repositories) { $0.maxConcurrentScans = limit }
        let work = state.startDueWork(now: F.t(0), date: F.date)
        #expect(work.scans.count == min(limit, 6))
        #expect(state.scansInFlight.count == min(limit, 6))
    }

    @Test func automationsOnOneBranchRunOneAtATime() {
        var state = F.state(F.yaml(automations: ["a", "b"]))
        F.scanned(&state, tags: ["1.0.0"], selecting: "1.0.0", at: 0)
        let first = state.startDueWork(now: F.t(1), date: F.date)
        #expect(first.runs.map(\.key.name) == ["a"])
        #expect(state.startDueWork(now: F.t(1), date: F.date).runs.isEmpty, "b waits for a: same repository and branch")
        state.runFinished(
            first.runs[0].key, generation: 0, outcome: AutomationOutcome(key: first.runs[0].key, summary: "up to date"),
            duration: .zero, at: F.date, now: F.t(2))
        #expect(state.startDueWork(now: F.t(2), date: F.date).runs.map(\.key.name) == ["b"])
    }

    @Test func aSuspendedAutomationNeverStarts() {
        var state = F.state(F.yaml(suspend: true))
        F.scanned(&state, tags: ["1.0.0"], selecting: "1.0.0", at: 0)
        #expect(state.nextDue(after: F.t(1)) == F.t(300), "the next scan; the suspended automation is never due")
        #expect(state.startDueWork(now: F.t(3600), date: F.date).runs.isEmpty)
    }

    struct NextDue: Sendable, CustomTestStringConvertible {
        var name: String
        var scanAt: Double?
        var runAt: Double?
        var now: Double
        var expected: Double?
        var testDescription: String { name }
    }

    @Test(arguments: [
        NextDue(name: "both in the future: the earlier", scanAt: 300, runAt: 600, now: 10, expected: 300),
        NextDue(name: "the run first", scanAt: 300, runAt: 100, now: 10, expected: 100),
        NextDue(name: "one in flight: the other", scanAt: nil, runAt: 600, now: 10, expected: 600),
        NextDue(name: "nothing scheduled", scanAt: nil, runAt: nil, now: 10, expected: nil),
        NextDue(name: "past due but held back: not a due time", scanAt: 300, runAt: 5, now: 10, expected: 300),
    ])
    func theLoopSleepsUntilTheEarliestDueTime(_ c: NextDue) {
        var state = F.state()
        F.scanned(&state, tags: ["1.0.0"], selecting: "1.0.0", at: 0)  // next scan at 300
        let run = state.startDueWork(now: F.t(0), date: F.date).runs.first
        if let runAt = c.runAt {
            state.runFinished(
                F.automation, generation: run?.generation ?? 0,
                outcome: AutomationOutcome(key: F.automation, summary: ""),
                duration: .zero, at: F.date, now: F.t(runAt - 600))
        }
        if c.scanAt == nil { _ = state.startDueWork(now: F.t(300), date: F.date) }
        if c.scanAt == nil, c.runAt != nil {
            #expect(state.repositories[F.repository]?.scanning == true)
        }
        #expect(state.nextDue(after: F.t(c.now)) == c.expected.map(F.t))
    }

    struct Webhook: Sendable, CustomTestStringConvertible {
        var name: String
        var shard: Int
        var expected: ControllerState.ScanRequest
        var testDescription: String { "\(name) on shard \(shard)" }
    }

    @Test(arguments: [
        Webhook(name: "app", shard: 0, expected: .scheduled([ControllerFixture.repository])),
        Webhook(name: "apps/app", shard: 0, expected: .scheduled([ControllerFixture.repository])),
        Webhook(name: "other/app", shard: 0, expected: .unknown),
        Webhook(name: "nope", shard: 0, expected: .unknown),
    ])
    func webhooksMoveTheScanToNow(_ c: Webhook) {
        var state = F.state()
        F.scanned(&state, tags: ["1.0.0"], selecting: "1.0.0", at: 0)
        #expect(state.requestScan(c.name, now: F.t(7)) == c.expected)
        if case .scheduled = c.expected { #expect(state.repositories[F.repository]?.nextScan == F.t(7)) }
    }

    @Test func aWebhookForAnotherShardsRepository() {
        // With two shards, the one that does not own the automation tracks no repository.
        let owner = ShardAssignment.shard(of: F.automation, count: 2)
        var state = F.state { $0.shard = ShardAssignment(count: 2, index: 1 - owner) }
        #expect(state.repositories.isEmpty)
        #expect(state.requestScan("app", now: F.t(1)) == .otherShard)
        #expect(state.requestScan("nope", now: F.t(1)) == .unknown)
    }
}

@Suite("ControllerState: results, conditions, triggers")
struct ControllerStateResultTests {
    typealias F = ControllerFixture

    @Test func aSuccessfulScanSchedulesTheNextAtTheInterval() {
        var state = F.state()
        F.scanned(&state, tags: ["1.0.0", "0.9.0"], selecting: "1.0.0", at: 0)
        let entry = state.repositories[F.repository]
        #expect(entry?.nextScan == F.t(300))
        #expect(entry?.status.conditions.map(\.reason) == ["Succeeded"])
        #expect(entry?.status.lastScanResult?.tagCount == 2)
        #expect(state.policies[F.policy]?.status.latestRef?.tag == "1.0.0")
        #expect(state.policies[F.policy]?.stableScans == 1)
    }

    struct ScanFailure: Sendable, CustomTestStringConvertible {
        var code: FailureCode
        var reason: String
        var testDescription: String { "\(code) → \(reason)" }
    }

    @Test(arguments: [
        ScanFailure(code: .registry(.unauthorized), reason: "AuthenticationFailed"),
        ScanFailure(code: .registry(.invalidReference), reason: "ImageURLInvalid"),
        ScanFailure(code: .registry(.transport), reason: "ReadOperationFailed"),
        ScanFailure(code: .credentials, reason: "AuthenticationFailed"),
        ScanFailure(code: .stateDirectory, reason: "ReadOperationFailed"),
    ])
    func aFailedScanSetsTheReasonOfItsCodeAndBacksOff(_ c: ScanFailure) {
        var state = F.state()
        _ = state.startDueWork(now: F.t(0), date: F.date)
        var scan = F.scan([])
        scan.error = "ghcr.io/acme/app: it failed"
        scan.failureCode = c.code
        state.scanFinished(
            F.repository, generation: 0, scan: scan, duration: .zero, evaluations: [], seenAt: F.date, at: F.date,
            now: F.t(1))
        let entry = state.repositories[F.repository]
        #expect(entry?.status.conditions.first?.reason == c.reason)
        #expect(entry?.status.conditions.first?.status == "False")
        #expect(entry?.nextScan == F.t(6), "5 s backoff after the first failure")
        #expect(state.failures.map(\.reason) == [c.reason])
        #expect(state.failures.map(\.code) == [c.code.label])
        #expect(state.outbox.map(\.reason) == [c.reason])
        #expect(state.outbox.first?.metadata["code"] == c.code.label)
        #expect(state.outbox.first?.severity == "error")

        // The same failure again: no second event; a success: recovered, one info event.
        _ = state.startDueWork(now: F.t(6), date: F.date)
        state.scanFinished(
            F.repository, generation: 0, scan: scan, duration: .zero, evaluations: [], seenAt: F.date, at: F.date,
            now: F.t(6))
        #expect(state.outbox.count == 1)
        #expect(state.repositories[F.repository]?.nextScan == F.t(16), "10 s after the second")
        F.scanned(&state, tags: ["1.0.0"], selecting: "1.0.0", at: 16)
        #expect(state.outbox.map(\.severity) == ["error", "info"])
        #expect(state.repositories[F.repository]?.status.consecutiveFailures == 0)
    }

    @Test func aScanOfAnOlderSpecIsDoneAgainNow() {
        var state = F.state()
        let job = state.startDueWork(now: F.t(0), date: F.date).scans.first
        _ = state.apply(F.configuration(F.yaml(repositoryInterval: "1m")), now: F.t(1), at: F.date)
        state.scanFinished(
            F.repository, generation: job?.generation ?? 0, scan: F.scan(["1.0.0"]), duration: .zero,
            evaluations: [F.selected("1.0.0")],
            seenAt: F.date, at: F.date, now: F.t(2))
        #expect(state.repositories[F.repository]?.nextScan == F.t(2))
        #expect(state.repositories[F.repository]?.status.lastScanResult == nil, "the old spec's result is not recorded")
        #expect(state.scansInFlight.isEmpty)
    }

    struct PolicyFailure: Sendable, CustomTestStringConvertible {
        var code: FailureCode?
        var reason: String
        var testDescription: String { "\(code.map(\.label) ?? "none") → \(reason)" }
    }

    @Test(arguments: [
        PolicyFailure(code: .nothingSelected, reason: "Failure"),
        PolicyFailure(code: .invalidPolicy, reason: "InvalidPolicy"),
        PolicyFailure(code: .dependencyNotReady, reason: "DependencyNotReady"),
        PolicyFailure(code: .registry(.unauthorized), reason: "AuthenticationFailed"),
        // Unclassified: the reason it always had.
        PolicyFailure(code: .other, reason: "ReconciliationFailed"),
    ])
    func aPolicyThatSelectsNothingKeepsItsLastResult(_ c: PolicyFailure) {
        var state = F.state()
        F.scanned(&state, tags: ["1.0.0"], selecting: "1.0.0", at: 0)
        let failed = ControllerState.Evaluation(
            resolution: PolicyResolution(key: F.policy, error: "no", failureCode: c.code), generation: 0,
            duration: .zero)
        _ = state.startDueWork(now: F.t(300), date: F.date)
        state.scanFinished(
            F.repository, generation: 0, scan: F.scan(["2.0.0"]), duration: .zero, evaluations: [failed],
            seenAt: F.date,
            at: F.date, now: F.t(300))
        let entry = state.policies[F.policy]
        #expect(entry?.status.conditions.first?.reason == c.reason)
        #expect(entry?.status.latestRef?.tag == "1.0.0", "Flux keeps latestRef")
        #expect(entry?.evaluatedRevision == nil, "evaluated again with the next scan")
    }

    @Test func aNewResultRunsTheAutomationNowOrRightAfterItsRun() {
        var state = F.state()
        F.scanned(&state, tags: ["1.0.0"], selecting: "1.0.0", at: 0)
        let run = state.startDueWork(now: F.t(1), date: F.date).runs.first
        #expect(run != nil)
        // A new tag while the automation runs: run again as soon as it finishes.
        F.scanned(&state, tags: ["1.1.0", "1.0.0"], selecting: "1.1.0", at: 300)
        #expect(state.automations[F.automation]?.rerun == true)
        state.runFinished(
            F.automation, generation: 0, outcome: AutomationOutcome(key: F.automation, summary: "up to date"),
            duration: .zero, at: F.date, now: F.t(301))
        #expect(state.automations[F.automation]?.nextRun == F.t(301))
        _ = state.startDueWork(now: F.t(301), date: F.date)
        state.runFinished(
            F.automation, generation: 0, outcome: AutomationOutcome(key: F.automation, summary: "up to date"),
            duration: .zero, at: F.date, now: F.t(302))
        #expect(state.automations[F.automation]?.nextRun == F.t(902), "then its interval")
        // Not running: due now.
        F.scanned(&state, tags: ["1.2.0"], selecting: "1.2.0", at: 600)
        #expect(state.automations[F.automation]?.nextRun == F.t(600))
    }

    struct RunFailure: Sendable, CustomTestStringConvertible {
        var code: FailureCode?
        var reason: String
        var testDescription: String { "\(code.map(\.label) ?? "none") → \(reason)" }
    }

    @Test(arguments: [
        RunFailure(code: .git(.authentication), reason: "GitOperationFailed"),
        RunFailure(code: .git(.unreachable), reason: "GitOperationFailed"),
        RunFailure(code: .pushConflict, reason: "GitOperationFailed"),
        RunFailure(code: .removedTemplateField, reason: "RemovedTemplateField"),
        RunFailure(code: .invalidSource, reason: "InvalidSourceConfiguration"),
        RunFailure(code: nil, reason: "ReconciliationFailed"),
    ])
    func aFailedRunSetsTheReasonOfItsCode(_ c: RunFailure) {
        var state = F.state()
        F.scanned(&state, tags: ["1.0.0"], selecting: "1.0.0", at: 0)
        _ = state.startDueWork(now: F.t(1), date: F.date)
        var outcome = AutomationOutcome(key: F.automation, summary: "it failed")
        outcome.failed = true
        outcome.failureCode = c.code
        state.runFinished(F.automation, generation: 0, outcome: outcome, duration: .zero, at: F.date, now: F.t(2))
        let entry = state.automations[F.automation]
        #expect(entry?.status.conditions.first?.reason == c.reason)
        #expect(entry?.status.lastResult == "it failed")
        #expect(entry?.nextRun == F.t(7))
        #expect(state.failures.last?.kind == "ImageUpdateAutomation")
    }

    @Test func refusedFileRemotesFailWithoutRunning() {
        let text = F.yaml().replacingOccurrences(of: "https://git.example.com/fleet.git", with: "file:///srv/fleet.git")
        var state = F.state(text) { $0.allowFileRemotes = false }
        F.scanned(&state, tags: ["1.0.0"], selecting: "1.0.0", at: 0)
        let run = state.startDueWork(now: F.t(1), date: F.date).runs.first
        #expect(run?.refused?.failed == true)
        #expect(run?.refused?.failureCode == .invalidSource)
    }

    /// The flapping guard in the daemon: 1.1.0 replaced 1.0.0; the policy goes back to 1.0.0
    /// for one scan (held), then again (released: the automation runs with it).
    @Test func theFlappingGuardHoldsAResultUntilTwoScansGaveIt() {
        var state = F.state()
        F.scanned(&state, tags: ["1.1.0"], selecting: "1.1.0", at: 0)
        _ = state.startDueWork(now: F.t(1), date: F.date)
        var pushed = AutomationOutcome(key: F.automation, summary: "pushed")
        pushed.commit = "abc1234"
        pushed.branch = "main"
        pushed.changes = [F.change("ghcr.io/acme/app:1.0.0", "ghcr.io/acme/app:1.1.0")]
        state.runFinished(F.automation, generation: 0, outcome: pushed, duration: .zero, at: F.date, now: F.t(2))
        #expect(state.outbox.last?.reason == "Succeeded")

        // 1.1.0 is withdrawn: the policy gives 1.0.0 again, once.
        F.scanned(&state, tags: ["1.0.0"], selecting: "1.0.0", at: 300)
        let held = state.startDueWork(now: F.t(300), date: F.date.addingTimeInterval(60)).runs.first
        #expect(held?.resolutions.first?.latest == nil)
        #expect(held?.resolutions.first?.failureCode == .heldByFlappingGuard)
        state.runFinished(
            F.automation, generation: 0, outcome: AutomationOutcome(key: F.automation, summary: "up to date"),
            duration: .zero, at: F.date, now: F.t(301))
        #expect(state.automations[F.automation]?.nextRun == F.t(901))

        // The same list again (not re-evaluated): a second stable scan releases it now.
        let job = state.startDueWork(now: F.t(600), date: F.date).scans.first
        state.scanFinished(
            F.repository, generation: job?.generation ?? 0, scan: F.scan(["1.0.0"]), duration: .zero, evaluations: [],
            seenAt: F.date, at: F.date, now: F.t(600))
        #expect(state.policies[F.policy]?.stableScans == 2)
        #expect(state.automations[F.automation]?.nextRun == F.t(600))
        let released = state.startDueWork(now: F.t(600), date: F.date.addingTimeInterval(120)).runs.first
        #expect(released?.resolutions.first?.latest?.tag == "1.0.0")
    }

    @Test func statusShowsDueTimesAsDatesAndNoneWhileBusy() {
        var state = F.state()
        F.scanned(&state, tags: ["1.0.0"], selecting: "1.0.0", at: 0)
        _ = state.startDueWork(now: F.t(0), date: F.date)
        let statuses = state.statuses(now: F.t(100), date: F.date)
        #expect(statuses.repositories.first?.nextScan == F.date.addingTimeInterval(200))
        #expect(statuses.automations.first?.nextRun == nil, "running")
    }
}

private struct Unclassified: Error {}

@Suite("failure codes and the condition reasons they give")
struct ConditionReasonTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var code: FailureCode?
        var repository, policy, automation: String
        var testDescription: String { code?.label ?? "none" }
    }

    /// The whole table: every code, for each kind.
    @Test(arguments: [
        Row(
            code: .registry(.invalidReference), repository: "ImageURLInvalid", policy: "ImageURLInvalid",
            automation: "ImageURLInvalid"),
        Row(
            code: .registry(.unauthorized), repository: "AuthenticationFailed", policy: "AuthenticationFailed",
            automation: "AuthenticationFailed"),
        Row(
            code: .registry(.forbidden), repository: "AuthenticationFailed", policy: "AuthenticationFailed",
            automation: "AuthenticationFailed"),
        Row(
            code: .registry(.tokenExchange), repository: "AuthenticationFailed", policy: "AuthenticationFailed",
            automation: "AuthenticationFailed"),
        Row(
            code: .registry(.credentials), repository: "AuthenticationFailed", policy: "AuthenticationFailed",
            automation: "AuthenticationFailed"),
        Row(
            code: .registry(.notFound), repository: "ReadOperationFailed", policy: "ReadOperationFailed",
            automation: "ReadOperationFailed"),
        Row(
            code: .registry(.rateLimited), repository: "ReadOperationFailed", policy: "ReadOperationFailed",
            automation: "ReadOperationFailed"),
        Row(
            code: .registry(.transport), repository: "ReadOperationFailed", policy: "ReadOperationFailed",
            automation: "ReadOperationFailed"),
        Row(
            code: .registry(.timeout), repository: "ReadOperationFailed", policy: "ReadOperationFailed",
            automation: "ReadOperationFailed"),
        Row(
            code: .git(.authentication), repository: "GitOperationFailed", policy: "GitOperationFailed",
            automation: "GitOperationFailed"),
        Row(
            code: .git(.pushRejected), repository: "GitOperationFailed", policy: "GitOperationFailed",
            automation: "GitOperationFailed"),
        Row(
            code: .pushConflict, repository: "GitOperationFailed", policy: "GitOperationFailed",
            automation: "GitOperationFailed"),
        Row(
            code: .credentials, repository: "AuthenticationFailed", policy: "AuthenticationFailed",
            automation: "AuthenticationFailed"),
        Row(
            code: .missingReference, repository: "DependencyNotReady", policy: "DependencyNotReady",
            automation: "DependencyNotReady"),
        Row(
            code: .dependencyNotReady, repository: "DependencyNotReady", policy: "DependencyNotReady",
            automation: "DependencyNotReady"),
        Row(code: .invalidPolicy, repository: "InvalidPolicy", policy: "InvalidPolicy", automation: "InvalidPolicy"),
        Row(code: .nothingSelected, repository: "Failure", policy: "Failure", automation: "Failure"),
        Row(code: .template, repository: "UpdateFailed", policy: "UpdateFailed", automation: "UpdateFailed"),
        Row(
            code: .removedTemplateField, repository: "RemovedTemplateField", policy: "RemovedTemplateField",
            automation: "RemovedTemplateField"),
        Row(
            code: .invalidSource, repository: "InvalidSourceConfiguration", policy: "InvalidSourceConfiguration",
            automation: "InvalidSourceConfiguration"),
        Row(
            code: .stateDirectory, repository: "ReadOperationFailed", policy: "ReconciliationFailed",
            automation: "ReconciliationFailed"),
        Row(
            code: .suspended, repository: "ReadOperationFailed", policy: "ReconciliationFailed",
            automation: "ReconciliationFailed"),
        Row(
            code: .heldByFlappingGuard, repository: "ReadOperationFailed", policy: "ReconciliationFailed",
            automation: "ReconciliationFailed"),
        Row(
            code: .other, repository: "ReadOperationFailed", policy: "ReconciliationFailed",
            automation: "ReconciliationFailed"),
        Row(
            code: nil, repository: "ReadOperationFailed", policy: "ReconciliationFailed",
            automation: "ReconciliationFailed"),
    ])
    func reason(_ row: Row) {
        #expect(ConditionReason.of(row.code, kind: .imageRepository) == row.repository)
        #expect(ConditionReason.of(row.code, kind: .imagePolicy) == row.policy)
        #expect(ConditionReason.of(row.code, kind: .imageUpdateAutomation) == row.automation)
    }

    struct Classified: Sendable, CustomTestStringConvertible {
        var name: String
        var error: any Error & Sendable
        var code: FailureCode
        var testDescription: String { name }
    }

    @Test(arguments: [
        Classified(
            name: "registry", error: RegistryError(code: .unauthorized, message: "401"), code: .registry(.unauthorized)),
        Classified(
            name: "git", error: GitError(code: .authentication, message: "no", function: "git_remote_fetch"),
            code: .git(.authentication)),
        Classified(
            name: "template parse", error: TemplateError(kind: .parse, message: "x", line: 1, column: 1),
            code: .template),
        Classified(
            name: "removed template field", error: TemplateError(kind: .removedField, message: "x", line: 1, column: 1),
            code: .removedTemplateField),
        Classified(name: "invalid range", error: PolicyError(.invalidRange, "x"), code: .invalidPolicy),
        Classified(name: "nothing in range", error: PolicyError(.nothingInRange, "x"), code: .nothingSelected),
        Classified(
            name: "automation failure", error: AutomationFailure("x", code: .missingReference), code: .missingReference),
        Classified(name: "anything else", error: Unclassified(), code: .other),
    ])
    func errorsKeepTheirCodes(_ c: Classified) {
        #expect(FailureCode.of(c.error) == c.code)
    }

    /// Metrics labels come from a fixed set: no object name or message in them.
    @Test func labelsAreBounded() {
        let codes: [FailureCode] = [.registry(.unauthorized), .git(.pushRejected), .credentials, .other]
        #expect(codes.map(\.label) == ["registry.unauthorized", "git.pushRejected", "credentials", "other"])
    }
}

@Suite("the Ready condition")
struct ReadyConditionTests {
    static let earlier = Date(timeIntervalSince1970: 1_000)
    static let later = Date(timeIntervalSince1970: 2_000)

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var current: Condition?
        var ok: Bool
        var reason, message: String
        var changed: Bool
        var transition: Date
        var testDescription: String { name }
    }

    @Test(arguments: [
        Case(
            name: "first", current: nil, ok: true, reason: "Succeeded", message: "m", changed: true, transition: later),
        Case(
            name: "same",
            current: Condition(status: "True", reason: "Succeeded", message: "m", lastTransitionTime: earlier),
            ok: true, reason: "Succeeded", message: "m", changed: false, transition: earlier),
        Case(
            name: "new message, same status",
            current: Condition(status: "True", reason: "Succeeded", message: "m", lastTransitionTime: earlier),
            ok: true, reason: "Succeeded", message: "n", changed: true, transition: earlier),
        Case(
            name: "new reason, same status",
            current: Condition(
                status: "False", reason: "ReadOperationFailed", message: "m", lastTransitionTime: earlier),
            ok: false, reason: "AuthenticationFailed", message: "m", changed: true, transition: earlier),
        Case(
            name: "status flips",
            current: Condition(status: "True", reason: "Succeeded", message: "m", lastTransitionTime: earlier),
            ok: false, reason: "ReadOperationFailed", message: "m", changed: true, transition: later),
    ])
    func setReady(_ c: Case) {
        var conditions = c.current.map { [$0] } ?? []
        #expect(conditions.setReady(c.ok, reason: c.reason, message: c.message, at: Self.later) == c.changed)
        #expect(conditions.count == 1)
        #expect(conditions.first?.reason == c.reason)
        #expect(conditions.first?.lastTransitionTime == c.transition)
        #expect(conditions.isFailing == !c.ok)
    }
}

@Suite("the flapping rule")
struct FlappingRuleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var tag: String
        var replacedAgo: Double
        var consecutiveScans: Int
        var holds: Bool
        var testDescription: String {
            "\(tag) replaced \(replacedAgo) s ago, \(consecutiveScans) scans → \(holds ? "held" : "applied")"
        }
    }

    @Test(arguments: [
        Case(tag: "1.0.0", replacedAgo: 60, consecutiveScans: 1, holds: true),
        Case(tag: "1.0.0", replacedAgo: 60, consecutiveScans: 2, holds: false),
        Case(tag: "1.0.0", replacedAgo: 3599, consecutiveScans: 1, holds: true),
        Case(tag: "1.0.0", replacedAgo: 3600, consecutiveScans: 1, holds: false),
        Case(tag: "0.9.0", replacedAgo: 60, consecutiveScans: 1, holds: false),
    ])
    func holds(_ c: Case) {
        let now = 1_900_000_000.0
        var memory = FlappingMemory()
        memory.record(
            [ControllerFixture.change("ghcr.io/acme/app:1.0.0", "ghcr.io/acme/app:1.1.0")], now: now - c.replacedAgo)
        #expect(memory.holds(policy: "apps:app", tag: c.tag, consecutiveScans: c.consecutiveScans, now: now) == c.holds)
    }
}
