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
        guard let data = FileManager.default.contents(atPath: path(stateDirectory: stateDirectory, key: key)) else { return nil }
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
