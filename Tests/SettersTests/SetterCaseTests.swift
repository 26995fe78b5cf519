import Foundation
import Setters
import Testing

/// Every `testdata/setters/<case>` tree: files in `expected/` must match byte for byte, all other
/// files stay unchanged, and the diagnostics equal `diagnostics.txt` (none when it is absent).
@Suite struct SetterCaseTests {
    @Test(arguments: Fixtures.setterCases)
    func rewritesCase(_ name: String) throws {
        let caseDir = Fixtures.testdata.appendingPathComponent("setters/\(name)")
        let original = caseDir.appendingPathComponent("original")
        let work = try Fixtures.temporaryCopy(of: original)
        defer { Fixtures.remove(work) }

        let rewriter = MarkerRewriter(policies: Fixtures.policies)
        let plan = rewriter.plan(root: work.path)
        _ = try rewriter.apply(plan)

        let before = try Fixtures.tree(original)
        let expected = try Fixtures.tree(caseDir.appendingPathComponent("expected"))
        let after = try Fixtures.tree(work)
        #expect(Set(after.keys) == Set(before.keys))
        #expect(Set(expected.keys).isSubset(of: Set(before.keys)), "expected/ names a file missing from original/")
        for (path, bytes) in after.sorted(by: { $0.key < $1.key }) {
            let want = try #require(expected[path] ?? before[path])
            #expect(
                bytes == want,
                "\(name)/\(path) differs:\n\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(Set(plan.rewrites.map(\.relativePath)) == Set(expected.keys), "rewritten files differ from expected/")

        let diagnosticsFile = caseDir.appendingPathComponent("diagnostics.txt")
        let wanted =
            (try? String(contentsOf: diagnosticsFile, encoding: .utf8))?
            .split(separator: "\n").map(String.init) ?? []
        let got = (plan.warnings + plan.errors).map(\.description)
        #expect(got.sorted() == wanted.sorted(), "diagnostics of \(name)")
    }

    /// Rewriting with the values already in the files is a byte-identical no-op.
    @Test(arguments: Fixtures.setterCases + ["flux-setters"])
    func currentValuesAreANoOp(_ name: String) throws {
        let base = Fixtures.testdata.appendingPathComponent(name == "flux-setters" ? name : "setters/\(name)")
        for side in ["original", "expected"] {
            let dir = base.appendingPathComponent(side)
            guard FileManager.default.fileExists(atPath: dir.path) else { continue }
            for (path, bytes) in try Fixtures.tree(dir) {
                let current = NoOpPolicies.derive(from: bytes, path: path)
                let plan = MarkerRewriter(policies: current).plan(contents: bytes, relativePath: path)
                #expect(
                    plan.rewrites.isEmpty && plan.changes.isEmpty, "\(name)/\(side)/\(path) changed with its own values"
                )

            }
        }
    }
}

/// Builds policy results equal to the values in a file, so rewriting must change nothing.
/// Policies whose markers disagree (several values for one policy) are left out: no single
/// result equals all of them.
enum NoOpPolicies {
    static func derive(from bytes: [UInt8], path: String) -> [String: ImageRef] {
        // Learn the markers, then read current values back as the `old` side of a rewrite to
        // sentinel values no file contains.
        let probe = MarkerRewriter(policies: [:]).plan(contents: bytes, relativePath: path)
        var sentinels: [String: ImageRef] = [:]
        for policy in probe.referencedPolicies {
            sentinels[policy] = ImageRef(name: "\u{1}name", tag: "\u{1}tag", digest: "\u{1}digest")
        }
        let plan = MarkerRewriter(policies: sentinels).plan(contents: bytes, relativePath: path)
        var result: [String: ImageRef] = [:]
        for policy in probe.referencedPolicies {
            var fields: [String: String?] = [:]
            var fulls: [String] = []
            var consistent = true
            func set(_ key: String, _ value: String?) {
                if let existing = fields[key], existing != value { consistent = false }
                fields[key] = value
            }
            for change in plan.changes where change.setter == policy || change.setter.hasPrefix(policy + ":") {
                switch change.setter.dropFirst(policy.count) {
                case ":name": set("name", change.old)
                case ":tag": set("tag", change.old)
                case ":digest": set("digest", change.old)
                default:
                    let (name, tag, digest) = split(change.old)
                    set("name", name)
                    set("tag", tag)
                    set("digest", digest)
                    fulls.append(change.old)
                }
            }
            let ref = ImageRef(
                name: (fields["name"] ?? nil) ?? "", tag: (fields["tag"] ?? nil) ?? "", digest: fields["digest"] ?? nil)
            if consistent, fulls.allSatisfy({ $0 == ref.fullReference }) { result[policy] = ref }
        }
        return result
    }

    /// `name:tag@digest` → parts (the tag follows the last colon after the last slash).
    static func split(_ reference: String) -> (String, String, String?) {
        var rest = Substring(reference)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        let slash = rest.lastIndex(of: "/") ?? rest.startIndex
        if let colon = rest[slash...].lastIndex(of: ":") {
            return (String(rest[..<colon]), String(rest[rest.index(after: colon)...]), digest)
        }
        return (String(rest), "", digest)
    }
}
