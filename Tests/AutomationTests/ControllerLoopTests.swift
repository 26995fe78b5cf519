import Foundation
import Logging
import Synchronization
import Testing

@testable import Automation

/// A clock that moves only when the test says so; sleepers wake when it passes their deadline.
final class ManualDaemonClock: DaemonClock {
    private struct Sleeper {
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let state: Mutex<(offset: Duration, sleepers: [Int: Sleeper], next: Int)>
    private let start = ContinuousClock.now
    let date0 = Date(timeIntervalSince1970: 1_900_000_000)

    init() { state = Mutex((.zero, [:], 0)) }

    var now: ContinuousClock.Instant { start + state.withLock { $0.offset } }
    var date: Date { date0.addingTimeInterval(Double(state.withLock { $0.offset }.components.seconds)) }

    /// How many tasks sleep on this clock now.
    var sleeping: Int { state.withLock { $0.sleepers.count } }

    func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { state in
            state.offset += duration
            let now = start + state.offset
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for key in due.keys { state.sleepers[key] = nil }
            return Array(due.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    func sleep(until deadline: ContinuousClock.Instant) async throws {
        let id = state.withLock { state in
            state.next += 1
            return state.next
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = state.withLock { state in
                    if Task.isCancelled || deadline <= start + state.offset { return true }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }
}

/// The loop itself, on a manual clock: work starts when the clock reaches its due time, not on
/// a ticker. A suspended, never-scanned repository fails its scan without any network.
@Suite("the daemon's loop sleeps until the next due time", .serialized)
struct ControllerLoopTests {
    /// Polls `condition` until it holds (false after 30 s: a hang, not a slow machine).
    func until(_ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    @Test func aRetryStartsWhenTheClockReachesItsBackoff() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("loop-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("config")
        let stateDir = root.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: stateDir, withIntermediateDirectories: true)
        try """
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageRepository
        metadata: {name: app, namespace: apps}
        spec: {image: ghcr.io/acme/app, interval: 1h, suspend: true}
        """.write(to: config.appendingPathComponent("fleet.yaml"), atomically: true, encoding: .utf8)
        let clock = ManualDaemonClock()
        var options = AutomationController.Options(
            configDirectory: config.path, stateDirectory: stateDir.path, secretsDirectory: nil)
        options.schedule = Schedule(jitter: 0)
        let controller = AutomationController(
            options: options, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), clock: clock)
        let loop = Task { await controller.run() }

        func failures() async -> Int { await controller.status().imageRepositories.first?.consecutiveFailures ?? 0 }
        // The first scan at start; then the loop and the config watcher sleep on the clock.
        #expect(await until { await failures() == 1 && clock.sleeping == 2 })
        let status = await controller.status()
        #expect(status.imageRepositories.first?.conditions.first?.reason == "ReadOperationFailed")
        #expect(status.recentFailures?.first?.code == "suspended")
        #expect(status.imageRepositories.first?.nextScan == clock.date0.addingTimeInterval(5), "5 s backoff")

        // Short of the backoff: nothing runs. At it: the retry, then 10 s of backoff.
        clock.advance(by: .seconds(4))
        #expect(await until { clock.sleeping == 2 })
        #expect(await failures() == 1)
        clock.advance(by: .seconds(1))
        #expect(await until { await failures() == 2 && clock.sleeping == 2 })
        #expect(await controller.status().imageRepositories.first?.nextScan == clock.date0.addingTimeInterval(15))

        // A webhook wakes the loop at once, without the clock moving.
        #expect(await controller.requestScan("app") == .scheduled([ObjectKey(namespace: "apps", name: "app")]))
        #expect(await until { await failures() == 3 })

        controller.shutdown()
        await loop.value
    }
}

@Suite("the config watcher's fingerprint")
struct ConfigFingerprintTests {
    enum Edit: String, CaseIterable, Sendable {
        case none, content, rename, addFile, nonManifest
    }

    @Test(arguments: Edit.allCases)
    func changesWithTheManifestsOnly(_ edit: Edit) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fingerprint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let file = root.appendingPathComponent("fleet.yaml")
        try "kind: ImageRepository\n".write(to: file, atomically: true, encoding: .utf8)
        let before = ConfigWatcher.fingerprint(of: root.path)
        switch edit {
        case .none: break
        case .content: try "kind: ImagePolicy\n".write(to: file, atomically: true, encoding: .utf8)
        case .rename: try FileManager.default.moveItem(at: file, to: root.appendingPathComponent("other.yaml"))
        case .addFile:
            try "kind: ImagePolicy\n".write(
                to: root.appendingPathComponent("more.yml"), atomically: true, encoding: .utf8)
        case .nonManifest:
            try "notes\n".write(to: root.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        }
        let after = ConfigWatcher.fingerprint(of: root.path)
        #expect((before != after) == [.content, .rename, .addFile].contains(edit))
        #expect(before.count == 64)
    }

    @Test func aMissingDirectory() {
        #expect(ConfigWatcher.fingerprint(of: "/nonexistent-\(UUID().uuidString)") == "missing")
    }
}
