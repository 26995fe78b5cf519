import Foundation
import Testing

@testable import Automation

@Suite("daemon scheduling rules")
struct ScheduleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var interval: Duration
        var failures: Int
        var random: Double
        var expected: Duration
        var testDescription: String { "\(interval), \(failures) failures, draw \(random) → \(expected)" }
    }

    @Test(arguments: [
        // Successes: the interval ±10 %.
        Case(interval: .seconds(600), failures: 0, random: 0.5, expected: .seconds(600)),
        Case(interval: .seconds(600), failures: 0, random: 0, expected: .seconds(540)),
        Case(interval: .seconds(600), failures: 0, random: 1, expected: .seconds(660)),
        // Failures: 5 s doubling, capped at 5 min and never longer than the interval.
        Case(interval: .seconds(600), failures: 1, random: 0.5, expected: .seconds(5)),
        Case(interval: .seconds(600), failures: 2, random: 0.5, expected: .seconds(10)),
        Case(interval: .seconds(600), failures: 4, random: 0.5, expected: .seconds(40)),
        Case(interval: .seconds(600), failures: 7, random: 0.5, expected: .seconds(300)),
        Case(interval: .seconds(600), failures: 60, random: 0.5, expected: .seconds(300)),
        Case(interval: .seconds(60), failures: 6, random: 0.5, expected: .seconds(60)),
        Case(interval: .seconds(600), failures: 1, random: 1, expected: .milliseconds(5500)),
        // A zero interval does not spin.
        Case(interval: .zero, failures: 0, random: 0.5, expected: .seconds(1)),
        Case(interval: .zero, failures: 3, random: 0.5, expected: .seconds(1)),
    ])
    func delay(_ c: Case) {
        let delay = Schedule().delay(interval: c.interval, failures: c.failures, random: c.random)
        #expect(abs(AutomationController.seconds(delay - c.expected)) < 0.001, "\(delay)")
    }

    @Test func jitterSpreadsAFleetRestartedTogether() {
        var generator = SystemRandomNumberGenerator()
        let delays = (0..<200).map { _ in
            AutomationController.seconds(
                Schedule().delay(
                    interval: .seconds(60), failures: 0, random: Double.random(in: 0..<1, using: &generator)))
        }
        #expect(delays.allSatisfy { (54...66).contains($0) })
        #expect(Set(delays.map { Int($0) }).count > 5, "not all in the same second")
    }
}

@Suite("sharding: a stable owner per automation")
struct ShardAssignmentTests {
    @Test func everyKeyHasExactlyOneOwnerAndTheSplitIsEven() {
        let keys = (0..<3000).map { ObjectKey(namespace: "team-\($0 % 7)", name: "app-\($0)") }
        let shards = (0..<3).map { ShardAssignment(count: 3, index: $0) }
        var counts = [0, 0, 0]
        for key in keys {
            let owners = shards.filter { $0.owns(key) }
            #expect(owners.count == 1)
            counts[owners[0].index] += 1
        }
        #expect(counts.allSatisfy { $0 > 800 }, "\(counts)")
    }

    /// Fixed values (FNV-1a 64 computed independently with Python): replicas of any build agree.
    @Test(arguments: [
        ("flux-system", "apps", 3, 0), ("flux-system", "apps", 5, 1), ("team-a", "web", 3, 2), ("", "", 4, 2),
    ])
    func stableAcrossProcesses(namespace: String, name: String, count: Int, shard: Int) {
        #expect(ShardAssignment.shard(of: ObjectKey(namespace: namespace, name: name), count: count) == shard)
    }

    @Test(
        arguments: [
            ("imagebot-0", 0), ("imagebot-12", 12), ("my-imagebot-shard-3", 3), ("imagebot", nil), ("imagebot-x", nil),
        ] as [(String, Int?)])
    func indexFromTheStatefulSetHostname(hostname: String, index: Int?) {
        #expect(ShardAssignment.index(fromHostname: hostname) == index)
    }
}

@Suite("notifications: Flux's event shape and Slack's")
struct NotificationPayloadTests {
    let event = NotificationEvent(
        kind: "ImageUpdateAutomation", key: ObjectKey(namespace: "flux-system", name: "apps"), severity: "info",
        reason: "Succeeded", message: "pushed commit 'abc1234' to branch 'main'", metadata: ["commit": "abc1234"],
        timestamp: Date(timeIntervalSince1970: 1_800_000_000), instance: "imagebot-0")

    @Test func fluxEvent() throws {
        let json = String(decoding: try Notifier.fluxPayload(event), as: UTF8.self)
        #expect(
            json
                == #"{"involvedObject":{"apiVersion":"image.toolkit.fluxcd.io/v1","kind":"ImageUpdateAutomation","name":"apps","namespace":"flux-system"},"message":"pushed commit 'abc1234' to branch 'main'","metadata":{"commit":"abc1234"},"reason":"Succeeded","reportingController":"imagebot","reportingInstance":"imagebot-0","severity":"info","timestamp":"2027-01-15T08:00:00Z"}"#
        )
    }

    @Test func slackMessage() throws {
        let object = try JSONSerialization.jsonObject(with: Data(try Notifier.slackPayload(event))) as? [String: Any]
        let attachment = (object?["attachments"] as? [[String: Any]])?.first
        #expect(attachment?["color"] as? String == "good")
        #expect(attachment?["author_name"] as? String == "imageupdateautomation/apps.flux-system")
        #expect(object?["text"] as? String == "ImageUpdateAutomation flux-system/apps: Succeeded")
    }

    @Test(arguments: [
        ("https://hooks.slack.com/services/T0/B0/xyz", true), ("http://127.0.0.1:9/services/T/B/x", true),
        ("https://example.com/hooks/slack", false), ("https://example.com/events", false), ("not a url", false),
    ])
    func slackDetection(url: String, slack: Bool) {
        #expect(Notifier.isSlack(url) == slack)
    }
}

@Suite("config dir as a Kubernetes ConfigMap volume")
struct ConfigMapVolumeTests {
    /// The kubelet's layout: files are symlinks into `..data`, itself a symlink to a
    /// timestamped directory; each object must load once.
    @Test func symlinkedConfigMapLoadsEachObjectOnce() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("configmap-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let versioned = root.appendingPathComponent("..2026_11_22_10_00_00.123")
        try FileManager.default.createDirectory(at: versioned, withIntermediateDirectories: true)
        try """
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageRepository
        metadata: {name: app, namespace: apps}
        spec: {image: ghcr.io/acme/app, interval: 5m}
        """.write(to: versioned.appendingPathComponent("policies.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("..data").path, withDestinationPath: versioned.lastPathComponent)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("policies.yaml").path, withDestinationPath: "..data/policies.yaml")
        let configuration = ConfigLoader.load(directory: root.path)
        #expect(configuration.diagnostics.isEmpty, "\(configuration.diagnostics)")
        #expect(configuration.repositories.count == 1)
        #expect(ConfigLoader.manifestFiles(directory: root.path) == [root.path + "/policies.yaml"])
    }
}
