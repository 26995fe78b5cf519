public import Setters

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Each ImagePolicy's last result (Flux's `status.latestRef`) under
/// `<state-dir>/policies/<namespace>/<name>.latest`, so what Flux keeps in the object's status
/// survives a restart and a `run --once`: a suspended policy goes on applying it, and
/// `digestReflectionPolicy: IfNotPresent` reuses its digest while the tag stays the same.
public struct PolicyResultStore: Sendable {
    public let stateDirectory: String

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory
    }

    func path(for key: ObjectKey) -> String {
        "\(stateDirectory)/policies/\(key.namespace)/\(key.name).latest"
    }

    private static let formatLine = "# imagebot policy result v1"

    /// The last stored result, or nil when there is none or it cannot be read.
    public func load(_ key: ObjectKey) -> PolicyResolution.LatestRef? {
        guard let data = FileManager.default.contents(atPath: path(for: key)) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard lines.first == Substring(Self.formatLine) else { return nil }
        var fields: [Substring: String] = [:]
        for line in lines.dropFirst() {
            guard let space = line.firstIndex(of: " ") else { return nil }
            fields[line[..<space]] = String(line[line.index(after: space)...])
        }
        guard let name = fields["image"], let tag = fields["tag"] else { return nil }
        return PolicyResolution.LatestRef(name: name, tag: tag, digest: fields["digest"])
    }

    /// Stores `latest` atomically (callers skip it when `load` already gives the same).
    public func store(_ latest: PolicyResolution.LatestRef, for key: ObjectKey) throws(StateError) {
        var text = "\(Self.formatLine)\nimage \(latest.name)\ntag \(latest.tag)\n"
        if let digest = latest.digest { text += "digest \(digest)\n" }
        try StateFile.write(Array(text.utf8), to: path(for: key))
    }
}
