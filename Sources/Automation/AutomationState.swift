import Setters

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What an automation's last successful run saw, under
/// `<state-dir>/automations/<namespace>/<name>.state`: the remote, the heads of its checkout and
/// push branches, and a fingerprint of the policy results it applied. When a new run finds the
/// same heads (one `ls-remote`) and the same results, nothing can have changed and it stops
/// there (Flux clones or fetches instead). Losing the file only costs one full run.
struct AutomationState: Hashable {
    var remote: String
    var heads: [String: String]
    var policies: String

    private static let formatLine = "# imagebot automation state v1"

    static func path(stateDirectory: String, key: ObjectKey) -> String {
        "\(stateDirectory)/automations/\(key.namespace)/\(key.name).state"
    }

    static func load(stateDirectory: String, key: ObjectKey) -> AutomationState? {
        guard let data = FileManager.default.contents(atPath: path(stateDirectory: stateDirectory, key: key)) else {
            return nil
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard lines.first.map(String.init) == formatLine else { return nil }
        var state = AutomationState(remote: "", heads: [:], policies: "")
        for line in lines.dropFirst() {
            let fields = line.split(separator: " ", maxSplits: 2)
            switch (fields.first, fields.count) {
            case ("remote", 2): state.remote = String(fields[1])
            case ("policies", 2): state.policies = String(fields[1])
            case ("head", 3): state.heads[String(fields[1])] = String(fields[2])
            default: return nil
            }
        }
        return state
    }

    func store(stateDirectory: String, key: ObjectKey) throws(StateError) {
        var text = "\(Self.formatLine)\nremote \(remote)\npolicies \(policies)\n"
        for (ref, oid) in heads.sorted(by: { $0.key < $1.key }) { text += "head \(ref) \(oid)\n" }
        try StateFile.write(Array(text.utf8), to: Self.path(stateDirectory: stateDirectory, key: key))
    }
}

/// The flapping guard's memory for `run --once`, under
/// `<state-dir>/automations/<namespace>/<name>.replaced`: the tags an automation's pushes
/// replaced, per policy, with when. A tag replaced within the last hour goes back only when the
/// policy also gave it on the previous scan (the daemon keeps the same memory in process).
struct FlappingMemory {
    static let window: Double = 3600
    private static let formatLine = "# imagebot replaced tags v1"

    /// (policy `ns:name`, tag, seconds since 1970)
    var entries: [(policy: String, tag: String, at: Double)] = []

    static func path(stateDirectory: String, key: ObjectKey) -> String {
        "\(stateDirectory)/automations/\(key.namespace)/\(key.name).replaced"
    }

    static func load(stateDirectory: String, key: ObjectKey) -> FlappingMemory {
        var memory = FlappingMemory()
        guard let data = FileManager.default.contents(atPath: path(stateDirectory: stateDirectory, key: key)) else {
            return memory
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard lines.first.map(String.init) == formatLine else { return memory }
        for line in lines.dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let at = Double(fields[2]) else { continue }
            memory.entries.append((String(fields[0]), String(fields[1]), at))
        }
        return memory
    }

    func store(stateDirectory: String, key: ObjectKey) throws(StateError) {
        var text = "\(Self.formatLine)\n"
        for entry in entries { text += "\(entry.policy) \(entry.tag) \(entry.at)\n" }
        try StateFile.write(Array(text.utf8), to: Self.path(stateDirectory: stateDirectory, key: key))
    }

    /// A policy's result held back by the guard: no result, and the reason for its markers.
    static func held(_ policy: ObjectKey, tag: String) -> PolicyResolution {
        PolicyResolution(
            key: policy,
            error: "held by the flapping guard: \(tag) was replaced by this automation within the hour; "
                + "it goes back once the policy gives it for two consecutive scans",
            failureCode: .heldByFlappingGuard)
    }

    /// The flapping rule, one for the daemon and `run --once`: a tag this automation replaced
    /// within the window goes back only once the policy has given it for two consecutive scans
    /// (`consecutiveScans`: the daemon counts them; `run --once` knows the previous scan's).
    func holds(policy: String, tag: String, consecutiveScans: Int, now: Double) -> Bool {
        consecutiveScans < 2 && wasReplaced(policy: policy, tag: tag, now: now)
    }

    func wasReplaced(policy: String, tag: String, now: Double) -> Bool {
        entries.contains { $0.policy == policy && $0.tag == tag && $0.at > now - Self.window }
    }

    /// Remembers the tags `changes` replaced; forgets what is older than the window.
    mutating func record(_ changes: [SetterChange], now: Double) {
        entries.removeAll { $0.at <= now - Self.window }
        for change in changes {
            if let tag = change.replacedTag { entries.append((change.policy, tag, now)) }
        }
    }
}
