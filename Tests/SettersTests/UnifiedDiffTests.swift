import Foundation
import Setters
import Testing

@Suite struct UnifiedDiffTests {
    /// The diff of each fixture tree applies with `git apply` to a pristine copy and yields the
    /// rewritten files.
    @Test(arguments: [
        "flux-setters", "setters/crlf", "setters/bom", "setters/trailing-whitespace", "setters/marker-forms",
        "setters/kustomize", "setters/non-ascii", "setters/multi-document",
    ])
    func gitApplyAcceptsTheDiff(_ name: String) throws {
        let base = Fixtures.testdata.appendingPathComponent(name)
        let planned = try Fixtures.temporaryCopy(of: base.appendingPathComponent("original"))
        defer { Fixtures.remove(planned) }
        let policies = name == "flux-setters" ? Fixtures.fluxPolicies : Fixtures.policies
        let rewriter = MarkerRewriter(policies: policies)
        let plan = rewriter.plan(root: planned.path)
        #expect(!plan.rewrites.isEmpty)
        let patch = plan.rewrites.map { UnifiedDiff.render($0) }.joined()

        let pristine = try Fixtures.temporaryCopy(of: base.appendingPathComponent("original"))
        defer { Fixtures.remove(pristine) }
        let (checkStatus, checkOutput) = try Fixtures.run(["git", "apply", "--check", "-"], in: pristine, input: patch)
        #expect(checkStatus == 0, "git apply --check: \(checkOutput)\n\(patch)")
        let (status, output) = try Fixtures.run(["git", "apply", "-"], in: pristine, input: patch)
        #expect(status == 0, "git apply: \(output)")
        _ = try rewriter.apply(plan)
        #expect(try Fixtures.tree(pristine) == Fixtures.tree(planned))
    }

    @Test func rendersHunksWithContext() {
        let old = (1...20).map { "line \($0)\n" }.joined()
        var new = old.replacingOccurrences(of: "line 2\n", with: "LINE 2\n")
        new = new.replacingOccurrences(of: "line 5\n", with: "LINE 5\n")
        new = new.replacingOccurrences(of: "line 18\n", with: "LINE 18\n")
        let diff = UnifiedDiff.render(old: Array(old.utf8), new: Array(new.utf8), path: "f.yaml")
        #expect(
            diff == """
                --- a/f.yaml
                +++ b/f.yaml
                @@ -1,8 +1,8 @@
                 line 1
                -line 2
                +LINE 2
                 line 3
                 line 4
                -line 5
                +LINE 5
                 line 6
                 line 7
                 line 8
                @@ -15,6 +15,6 @@
                 line 15
                 line 16
                 line 17
                -line 18
                +LINE 18
                 line 19
                 line 20

                """)
    }

    @Test func crlfAndMissingFinalNewline() {
        let diff = UnifiedDiff.render(old: Array("a: 1\r\nb: 2".utf8), new: Array("a: 1\r\nb: 3".utf8), path: "x.yaml")
        #expect(
            diff
                == "--- a/x.yaml\n+++ b/x.yaml\n@@ -1,2 +1,2 @@\n a: 1\r\n-b: 2\n\\ No newline at end of file\n+b: 3\n\\ No newline at end of file\n"
        )
    }

    @Test func differentLineCountsAndEquality() {
        #expect(UnifiedDiff.render(old: Array("same\n".utf8), new: Array("same\n".utf8), path: "x").isEmpty)
        let diff = UnifiedDiff.render(old: Array("a\nb\nc\n".utf8), new: Array("a\nc\n".utf8), path: "x")
        #expect(diff == "--- a/x\n+++ b/x\n@@ -1,3 +1,2 @@\n a\n-b\n c\n")
        let added = UnifiedDiff.render(old: [], new: Array("a\n".utf8), path: "x")
        #expect(added == "--- a/x\n+++ b/x\n@@ -0,0 +1,1 @@\n+a\n")
    }

    @Test func colourIsOptional() {
        let diff = UnifiedDiff.render(old: Array("a\n".utf8), new: Array("b\n".utf8), path: "x", color: true)
        #expect(diff.contains("\u{1B}[31m-a\u{1B}[0m\n"))
        #expect(diff.contains("\u{1B}[32m+b\u{1B}[0m\n"))
        #expect(diff.contains("\u{1B}[36m@@ -1,1 +1,1 @@\u{1B}[0m"))
    }
}
