import Basics
import Foundation
import Setters
import Testing

/// Walking, symlinks, limits and atomic writes, on trees built at runtime.
@Suite struct FileSystemTests {
    static let marker = "image: ghcr.io/acme/app:1.0.0 # {\"$imagepolicy\": \"flux-system:app\"}\n"
    static let updated = "image: ghcr.io/acme/app:1.4.2 # {\"$imagepolicy\": \"flux-system:app\"}\n"

    /// A temporary directory with `root/` inside and `outside/` next to it.
    private func makeTree(_ files: [String: String]) throws -> (base: URL, root: URL) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("setters-fs-\(UUID().uuidString)")
        let root = base.appendingPathComponent("root")
        for (path, text) in files {
            let url = base.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return (base, root)
    }

    private func read(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    @Test func symlinksAndGitDirectories() throws {
        let (base, root) = try makeTree([
            "root/real/app.yaml": Self.marker,
            "root/.git/hooks.yaml": Self.marker,
            "outside/secret.yaml": Self.marker,
            "outside/dir/inner.yaml": Self.marker,
        ])
        defer { try? FileManager.default.removeItem(at: base) }
        let fm = FileManager.default
        try fm.createSymbolicLink(
            atPath: root.appendingPathComponent("link.yaml").path, withDestinationPath: "real/app.yaml")
        try fm.createSymbolicLink(
            atPath: root.appendingPathComponent("escape.yaml").path, withDestinationPath: "../outside/secret.yaml")
        try fm.createSymbolicLink(
            atPath: root.appendingPathComponent("dirlink").path, withDestinationPath: "../outside/dir")
        try fm.createSymbolicLink(
            atPath: root.appendingPathComponent("dangling.yaml").path, withDestinationPath: "nowhere.yaml")

        let rewriter = MarkerRewriter(policies: Fixtures.policies)
        let plan = rewriter.plan(root: root.path)
        // The link sorts first, so it is the one rewritten; the real file is the same file.
        #expect(plan.rewrites.map(\.relativePath) == ["link.yaml"])
        #expect(
            plan.rewrites.first?.absolutePath
                == root.appendingPathComponent("real/app.yaml").resolvingSymlinksInPath().path)
        #expect(
            plan.warnings.map(\.description).sorted() == [
                "dangling.yaml: skipped: dangling symlink",
                "escape.yaml: skipped: symlink resolves outside the path (\(base.resolvingSymlinksInPath().path)/outside/secret.yaml)",
                "real/app.yaml: skipped: same file as link.yaml",
            ])
        let written = try rewriter.apply(plan)
        #expect(written.count == 1)
        #expect(try read(root.appendingPathComponent("real/app.yaml")) == Self.updated)
        let attributes = try fm.attributesOfItem(atPath: root.appendingPathComponent("link.yaml").path)
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink, "the link stays a link")
        #expect(try read(root.appendingPathComponent(".git/hooks.yaml")) == Self.marker)
        #expect(try read(base.appendingPathComponent("outside/secret.yaml")) == Self.marker)
        #expect(try read(base.appendingPathComponent("outside/dir/inner.yaml")) == Self.marker)
    }

    @Test func writesKeepPermissionsAndRefuseConcurrentEdits() throws {
        let (base, root) = try makeTree(["root/a.yaml": Self.marker, "root/b.yaml": Self.marker])
        defer { try? FileManager.default.removeItem(at: base) }
        let a = root.appendingPathComponent("a.yaml")
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: a.path)
        let rewriter = MarkerRewriter(policies: Fixtures.policies)
        let plan = rewriter.plan(root: root.path)
        #expect(plan.rewrites.count == 2)

        try Data("changed: meanwhile\n".utf8).write(to: root.appendingPathComponent("b.yaml"))
        #expect(throws: FileSystemError.self) { try rewriter.apply(plan) }
        #expect(try read(a) == Self.updated)
        #expect(try read(root.appendingPathComponent("b.yaml")) == "changed: meanwhile\n")
        let mode = try FileManager.default.attributesOfItem(atPath: a.path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "no temporary files remain")
    }

    @Test func singleFileRootAndSizeLimit() throws {
        let big = Self.marker + String(repeating: "# padding\n", count: 200)
        let (base, root) = try makeTree(["root/one.txt": Self.marker, "root/big.yaml": big])
        defer { try? FileManager.default.removeItem(at: base) }
        let single = MarkerRewriter(policies: Fixtures.policies).plan(root: root.appendingPathComponent("one.txt").path)
        #expect(single.rewrites.map(\.relativePath) == ["one.txt"])

        let limited = MarkerRewriter(policies: Fixtures.policies, maxFileBytes: 1000).plan(root: root.path)
        #expect(limited.rewrites.isEmpty)
        #expect(limited.warnings.count == 1)
        #expect(
            limited.warnings.first?.description.hasPrefix(
                "big.yaml: skipped: read: file is 2068 bytes, over the 1000-byte limit") == true)

        let missing = MarkerRewriter(policies: [:]).plan(root: base.appendingPathComponent("nope").path)
        #expect(missing.errors.count == 1)
    }

    @Test func sortedDeterministicOrder() throws {
        let (base, root) = try makeTree([
            "root/b.yaml": Self.marker, "root/a/z.yaml": Self.marker, "root/a-b.yaml": Self.marker,
            "root/A.yml": Self.marker,
        ])
        defer { try? FileManager.default.removeItem(at: base) }
        let plan = MarkerRewriter(policies: Fixtures.policies).plan(root: root.path + "/")
        #expect(plan.rewrites.map(\.relativePath) == ["A.yml", "a-b.yaml", "a/z.yaml", "b.yaml"])
        #expect(plan.changes.map(\.file) == ["A.yml", "a-b.yaml", "a/z.yaml", "b.yaml"])
    }
}

@Suite struct StreamingTests {
    @Test func streamingPlanHandsOverRewritesWithoutKeepingThem() throws {
        let work = try Fixtures.temporaryCopy(of: Fixtures.testdata.appendingPathComponent("flux-setters/original"))
        defer { Fixtures.remove(work) }
        let rewriter = MarkerRewriter(policies: Fixtures.fluxPolicies)
        var seen: [String] = []
        let plan = try rewriter.plan(root: work.path) { rewrite in
            seen.append(rewrite.relativePath)
            try rewriter.write(rewrite)
        }
        #expect(seen == ["Kustomization", "kustomization.yml", "marked.yaml"])
        #expect(plan.rewrites.isEmpty)
        #expect(plan.changes.count == 7)
        #expect(rewriter.plan(root: work.path).rewrites.isEmpty, "everything was written")
    }
}
