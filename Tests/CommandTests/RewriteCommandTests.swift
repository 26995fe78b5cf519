import Foundation
import TestServers
import Testing

@Suite("imagebot dry-run and update: the command-line contract")
struct RewriteCommandTests {
    static let fluxSets = [
        "--set", "automation-ns:policy=index.repo.fake/updated:v1.0.1",
        "--set", "automation-ns:unchanged=image:v1.0.0",
        "--set",
        "automation-ns:policy-with-digest=image:v1.0.0@sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be",
    ]
    static let fixtures = ImagebotBinary.packageRoot.appendingPathComponent("testdata/flux-setters")

    /// A scratch copy of Flux's original tree.
    func scratchTree() throws -> URL {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("rewrite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let tree = base.appendingPathComponent("apps")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("original"), to: tree)
        return tree
    }

    func contents(_ url: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
            files[name] = try Data(contentsOf: url.appendingPathComponent(name))
        }
        return files
    }

    /// Flux's expected tree: the original with the expected files replaced.
    func expectedTree() throws -> [String: Data] {
        var files = try contents(Self.fixtures.appendingPathComponent("original"))
        for (name, data) in try contents(Self.fixtures.appendingPathComponent("expected")) { files[name] = data }
        return files
    }

    @Test("the dry-run diff applies with git apply and gives Flux's expected files; update writes the same")
    func diffAppliesAndUpdateMatches() throws {
        let tree = try scratchTree()
        defer { try? FileManager.default.removeItem(at: tree.deletingLastPathComponent()) }
        let dryRun = try ImagebotBinary.run(["dry-run", tree.path] + Self.fluxSets)
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("+++ b/marked.yaml"))
        #expect(dryRun.stderr.contains("warning: otherns.yaml:11:16: unknown policy other-namespace:policy"))
        #expect(
            try contents(tree) == contents(Self.fixtures.appendingPathComponent("original")), "dry-run must not write")

        let patch = tree.deletingLastPathComponent().appendingPathComponent("changes.patch")
        try Data(dryRun.stdout.utf8).write(to: patch)
        let apply = Process()
        apply.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        apply.arguments = ["apply", "--unsafe-paths", "--directory", tree.path.dropFirst().description, patch.path]
        apply.currentDirectoryURL = URL(fileURLWithPath: "/")
        try apply.run()
        apply.waitUntilExit()
        #expect(apply.terminationStatus == 0)
        #expect(try contents(tree) == expectedTree())

        let fresh = try scratchTree()
        defer { try? FileManager.default.removeItem(at: fresh.deletingLastPathComponent()) }
        let update = try ImagebotBinary.run(["update", fresh.path] + Self.fluxSets)
        #expect(update.status == 0, "\(update.stderr)")
        #expect(try contents(fresh) == expectedTree())
        // A second run finds nothing to do.
        let again = try ImagebotBinary.run(["dry-run", fresh.path, "--exit-code"] + Self.fluxSets)
        #expect(again.status == 0)
        #expect(again.stdout.isEmpty)
    }

    @Test("--exit-code and --output json")
    func exitCodeAndJSON() throws {
        let tree = try scratchTree()
        defer { try? FileManager.default.removeItem(at: tree.deletingLastPathComponent()) }
        let pending = try ImagebotBinary.run(["dry-run", tree.path, "--exit-code", "--output", "json"] + Self.fluxSets)
        #expect(pending.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(pending.stdout.utf8)) as? [String: Any])
        let changes = try #require(report["changes"] as? [[String: Any]])
        #expect(changes.count == 7)
        let marked = try #require(changes.first { $0["file"] as? String == "marked.yaml" })
        #expect(marked["old"] as? String == "image:v1.0.0")
        #expect(marked["new"] as? String == "index.repo.fake/updated:v1.0.1")
        #expect(marked["setter"] as? String == "automation-ns:policy")
        let object = try #require(marked["object"] as? [String: String])
        #expect(object == ["apiVersion": "batch/v1beta1", "kind": "CronJob", "namespace": "bar", "name": "foo"])
        let warnings = try #require(report["warnings"] as? [[String: Any]])
        #expect(
            warnings.contains { ($0["message"] as? String)?.contains("unknown policy other-namespace:policy") == true })
    }

    @Test("markers without a result are reported, never silently skipped")
    func unresolvedPolicies() throws {
        let tree = try scratchTree()
        defer { try? FileManager.default.removeItem(at: tree.deletingLastPathComponent()) }
        let result = try ImagebotBinary.run([
            "dry-run", tree.path, "--set", "automation-ns:policy=index.repo.fake/updated:v1.0.1",
        ])
        #expect(result.status == 0)
        #expect(
            result.stderr.contains(
                "hint: markers name 3 policies with no result: automation-ns:policy-with-digest, automation-ns:unchanged, other-namespace:policy"
            ))
    }

    struct BadInput: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    @Test(arguments: [
        BadInput(arguments: ["--set", "ns-only=img:1"], message: "the policy must be NAMESPACE:NAME"),
        BadInput(arguments: ["--set", "ns:p"], message: "expected NS:NAME=IMAGE:TAG[@DIGEST]"),
        BadInput(arguments: ["--set", "ns:p=localhost:5000/app"], message: "the image needs a tag"),
        BadInput(arguments: ["--set", "ns:p=app:1@sha256"], message: "a digest looks like sha256:<hex>"),
        BadInput(arguments: ["/nonexistent/apps"], message: "/nonexistent/apps: no such file or directory"),
    ])
    func usageErrors(_ bad: BadInput) throws {
        let result = try ImagebotBinary.run(["dry-run"] + bad.arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(bad.message), "\(result.stderr)")
    }

    @Test("bad files are reported and skipped; every other file is still rewritten")
    func badFilesDoNotStopTheRun() throws {
        let tree = try scratchTree()
        defer { try? FileManager.default.removeItem(at: tree.deletingLastPathComponent()) }
        try Data("a: [unclosed # {\"$imagepolicy\": \"automation-ns:policy\"}\n".utf8)
            .write(to: tree.appendingPathComponent("broken.yaml"))
        try Data("script: | # {\"$imagepolicy\": \"automation-ns:policy\"}\n  image:v1.0.0\n".utf8)
            .write(to: tree.appendingPathComponent("block.yaml"))
        let update = try ImagebotBinary.run(["update", tree.path] + Self.fluxSets)
        #expect(update.status == 3, "an unrewritable marker is a failure the exit status shows")
        #expect(update.stderr.contains("warning: broken.yaml:"))
        #expect(update.stderr.contains("error: block.yaml:"))
        var expected = try expectedTree()
        expected["broken.yaml"] = try Data(contentsOf: tree.appendingPathComponent("broken.yaml"))
        expected["block.yaml"] = try Data(contentsOf: tree.appendingPathComponent("block.yaml"))
        #expect(try contents(tree) == expected)
    }
}

@Suite("imagebot dry-run, update and explain: --set-file and many --set")
struct SetFileCommandTests {
    let base = RewriteCommandTests()

    func write(_ text: String, in directory: URL, as name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test("a results file, lines or scan JSON, gives the same update as the --set it replaces; --set wins over it")
    func setFileMatchesSet() throws {
        let tree = try base.scratchTree()
        let scratch = tree.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let lines = try write(
            """
            # what CI's scan found
            automation-ns:policy=index.repo.fake/updated:v1.0.1
            automation-ns:unchanged=image:v1.0.0

            automation-ns:policy-with-digest=image:v1.0.0@sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be
            """, in: scratch, as: "results.txt")
        let json = try write(
            """
            {
              "policies" : [
                { "latestRef" : { "name" : "index.repo.fake/updated", "tag" : "v1.0.1" }, "name" : "policy", "namespace" : "automation-ns" },
                { "latestRef" : { "name" : "image", "tag" : "v1.0.0" }, "name" : "unchanged", "namespace" : "automation-ns" },
                { "latestRef" : { "digest" : "sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be", "name" : "image", "tag" : "v1.0.0" },
                  "name" : "policy-with-digest", "namespace" : "automation-ns" },
                { "error" : "unable to determine latest version from provided list", "name" : "other", "namespace" : "automation-ns" }
              ],
              "repositories" : [ ]
            }
            """, in: scratch, as: "scan.json")
        let expected = try ImagebotBinary.run(["dry-run", tree.path] + RewriteCommandTests.fluxSets)
        #expect(expected.status == 0, "\(expected.stderr)")
        for file in [lines, json] {
            let dryRun = try ImagebotBinary.run(["dry-run", tree.path, "--set-file", file])
            #expect(dryRun.status == 0, "\(dryRun.stderr)")
            #expect(dryRun.stdout == expected.stdout)
        }
        let piped = try ImagebotBinary.run(
            ["explain", tree.path, "--set-file", "-"], stdin: String(contentsOfFile: json, encoding: .utf8))
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout.contains("automation-ns:policy"))
        #expect(piped.stdout.contains("index.repo.fake/updated:v1.0.1"))

        // The command line wins: the file's result for automation-ns:policy is replaced.
        let overridden = try ImagebotBinary.run(
            ["dry-run", tree.path, "--set-file", lines, "--set", "automation-ns:policy=index.repo.fake/updated:v9.9.9"])
        #expect(overridden.status == 0, "\(overridden.stderr)")
        #expect(overridden.stdout.contains("index.repo.fake/updated:v9.9.9"))
        #expect(!overridden.stdout.contains("index.repo.fake/updated:v1.0.1"))

        let update = try ImagebotBinary.run(["update", tree.path, "--set-file", json])
        #expect(update.status == 0, "\(update.stderr)")
        #expect(try base.contents(tree) == base.expectedTree())
    }

    @Test("a bad results file: exit 2 and one line naming the file, the line and the cause")
    func badSetFile() throws {
        let tree = try base.scratchTree()
        let scratch = tree.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = try write(
            "automation-ns:policy=index.repo.fake/updated:v1.0.1\n\nautomation-ns:x=image\n", in: scratch, as: "bad.txt"
        )
        let result = try ImagebotBinary.run(["update", tree.path, "--set-file", file])
        #expect(result.status == 2)
        #expect(result.stderr == "imagebot: \(file):3: the image needs a tag, as in ghcr.io/org/app:1.2.3\n")
        #expect(
            try base.contents(tree) == base.contents(RewriteCommandTests.fixtures.appendingPathComponent("original")))

        let missing = try ImagebotBinary.run([
            "dry-run", tree.path, "--set-file", scratch.appendingPathComponent("none.txt").path,
        ])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("none.txt: No such file or directory"))

        let automation = try ImagebotBinary.run(["dry-run", "--automation", "ns/name", "--set-file", file])
        #expect(automation.status == 2)
        #expect(automation.stderr.contains("--set and --set-file cannot be combined with it"))
    }

    @Test("thousands of --set, in both spellings, each one kept and the last for a policy winning")
    func manySets() throws {
        let tree = try base.scratchTree()
        defer { try? FileManager.default.removeItem(at: tree.deletingLastPathComponent()) }
        var arguments = ["dry-run", tree.path, "--output", "json"]
        arguments += ["--set", "automation-ns:policy=index.repo.fake/updated:v0.0.1"]
        for index in 0..<3_000 { arguments += ["--set", "filler:p\(index)=image:\(index)"] }
        let sets = RewriteCommandTests.fluxSets
        arguments += [sets[0], sets[1], "--set=" + sets[3], sets[4], sets[5]]
        arguments += [
            "--set", "automation-ns:policy=index.repo.fake/updated:v1.0.0",
            "--set=automation-ns:policy=index.repo.fake/updated:v1.0.1",
        ]
        let result = try ImagebotBinary.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try ImagebotBinary.run(
            ["dry-run", tree.path, "--output", "json"] + RewriteCommandTests.fluxSets)
        #expect(result.stdout == expected.stdout)

        // A --set with no value still gets ArgumentParser's message.
        let dangling = try ImagebotBinary.run(["dry-run", tree.path, "--set", "a:b=img:1", "--set"])
        #expect(dangling.status == 2)
        #expect(dangling.stderr.contains("Missing value for '--set"))
    }
}
