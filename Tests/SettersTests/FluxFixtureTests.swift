import Foundation
import Setters
import Testing

/// Flux's own setter fixtures must come out byte for byte.
@Suite struct FluxFixtureTests {
    @Test func rewritesFluxFixturesByteForByte() throws {
        let flux = Fixtures.testdata.appendingPathComponent("flux-setters")
        let original = flux.appendingPathComponent("original")
        let work = try Fixtures.temporaryCopy(of: original)
        defer { Fixtures.remove(work) }

        let rewriter = MarkerRewriter(policies: Fixtures.fluxPolicies)
        let plan = rewriter.plan(root: work.path)
        #expect(plan.errors.isEmpty, "\(plan.errors)")
        let written = try rewriter.apply(plan)
        #expect(written.count == 3)

        let before = try Fixtures.tree(original)
        let expected = try Fixtures.tree(flux.appendingPathComponent("expected"))
        let after = try Fixtures.tree(work)
        #expect(Set(after.keys) == Set(before.keys))
        for (path, bytes) in after {
            let want = try #require(expected[path] ?? before[path])
            #expect(bytes == want, "\(path) differs")
        }

        let byFile = Dictionary(grouping: plan.changes, by: \.file)
        #expect(byFile.keys.sorted() == ["Kustomization", "kustomization.yml", "marked.yaml"])
        let kustomization = try #require(byFile["kustomization.yml"])
        #expect(
            kustomization.map(\.setter) == [
                "automation-ns:policy:name", "automation-ns:policy:tag",
                "automation-ns:policy-with-digest:digest", "automation-ns:policy-with-digest",
            ])
        #expect(
            kustomization.map(\.new) == [
                "index.repo.fake/updated", "v1.0.1",
                "sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be",
                "image:v1.0.0@sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be",
            ])
        #expect(
            kustomization.allSatisfy {
                $0.object == ObjectIdentity(apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization")
            })
        #expect(byFile["Kustomization"]?.count == 2)
        let marked = try #require(byFile["marked.yaml"])
        #expect(
            marked == [
                SetterChange(
                    file: "marked.yaml", line: 14, column: 20, setter: "automation-ns:policy", old: "image:v1.0.0",
                    new: "index.repo.fake/updated:v1.0.1",
                    object: ObjectIdentity(apiVersion: "batch/v1beta1", kind: "CronJob", namespace: "bar", name: "foo"))
            ])
        #expect(plan.warnings.map(\.description) == ["otherns.yaml:11:16: unknown policy other-namespace:policy"])
        #expect(
            plan.referencedPolicies == [
                "automation-ns:policy", "automation-ns:unchanged", "automation-ns:policy-with-digest",
                "other-namespace:policy",
            ])
        #expect(plan.filesParsed == 4)
    }
}
