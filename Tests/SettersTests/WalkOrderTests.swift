import Foundation
import Testing

@testable import Setters

@Suite("streaming walk: path order, screening, large trees")
struct WalkOrderTests {
    /// Paths chosen so a naive directory-first or name-only sort would disagree with the
    /// bytewise order of full paths ('-' < '.' < '/' < '0').
    static let paths = [
        "a.yaml", "a/b.yaml", "a-b.yaml", "a0.yaml", "a/a/z.yml", "b/Kustomization", ".hidden/x.yaml", "A.yaml",
    ]

    @Test func filesComeInBytewisePathOrder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("walk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for path in Self.paths {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("k: v # {\"$imagepolicy\": \"ns:p\"}\n".utf8).write(to: url)
        }
        try Data("k: v\n".utf8).write(to: root.appendingPathComponent("a/notes.txt"))
        var emitted: [String] = []
        _ = FileWalker.walk(root: root.path, batchSize: 3) { batch in emitted += batch.map(\.relativePath) }
        let expected = Self.paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        #expect(emitted == expected)

        // The streaming plan reports changes in that same order.
        let plan = MarkerRewriter(policies: ["ns:p": ImageRef(name: "img", tag: "2")]).plan(root: root.path)
        #expect(plan.changes.map(\.file) == expected)
        #expect(plan.rewrites.map(\.relativePath) == expected)
    }

    @Test(arguments: [
        ("x \"$imagepolicy\" y", true), ("\"$imagepolicy\"", true), ("$imagepolicy\"", false),
        ("\"$imagepolic\"", false),
        ("$$\"$imagepolicy\"", true), ("", false), ("\"$", false), ("\"$imagepolicy", false),
    ])
    func screen(_ text: String, _ found: Bool) {
        #expect(MarkerRewriter.contains(Array(text.utf8), Array("\"$imagepolicy\"".utf8)) == found)
    }

    @Test("a tree larger than many batches is planned completely and in order")
    func manyBatches() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("walk-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let count = MarkerRewriter.batchSize * 5 + 7
        for index in 0..<count {
            let url = root.appendingPathComponent("d\(index % 7)/f\(index).yaml")
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("image: img:1 # {\"$imagepolicy\": \"ns:p\"}\n".utf8).write(to: url)
        }
        var seen: [String] = []
        let plan = MarkerRewriter(policies: ["ns:p": ImageRef(name: "img", tag: "2")]).plan(root: root.path) {
            seen.append($0.relativePath)
        }
        #expect(seen.count == count)
        #expect(seen == seen.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(plan.changes.count == count)
        #expect(plan.errors.isEmpty && plan.warnings.isEmpty)
    }
}

@Suite("planning files held in memory")
struct InMemoryPlanTests {
    @Test func sameFilterAndScreenAsTheWalk() {
        let marked = Array("image: img:1 # {\"$imagepolicy\": \"ns:p\"}\n".utf8)
        let plan = MarkerRewriter(policies: ["ns:p": ImageRef(name: "img", tag: "2")]).plan(files: [
            (path: "apps/a.yaml", bytes: marked),
            (path: "apps/notes.txt", bytes: marked),
            (path: "apps/b.yml", bytes: Array("image: img:1\n".utf8)),
            (path: "Kustomization", bytes: marked),
        ])
        #expect(plan.rewrites.map(\.relativePath) == ["apps/a.yaml", "Kustomization"])
        #expect(
            plan.rewrites.first.map { String(decoding: $0.updated, as: UTF8.self) }
                == "image: img:2 # {\"$imagepolicy\": \"ns:p\"}\n")
        #expect(plan.filesParsed == 2)
    }
}
