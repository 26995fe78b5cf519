import Testing
import YAML

@testable import Setters

@Suite struct RewriterTests {
    private func plan(_ text: String, _ policies: [String: ImageRef] = Fixtures.policies) -> SetterPlan {
        MarkerRewriter(policies: policies).plan(contents: Array(text.utf8), relativePath: "f.yaml")
    }

    private func output(_ plan: SetterPlan) -> String? {
        plan.rewrites.first.map { String(decoding: $0.updated, as: UTF8.self) }
    }

    @Test func verifierRejectsUnintendedResults() throws {
        let parser = YAMLParser()
        let original = try parser.parse(Array("a: b\n".utf8))
        let edit = ScalarEdit(node: 2, range: 3..<4, text: "c", value: "c", style: .plain)
        let verifier = Verifier(parser: parser)
        #expect(verifier.check(original: original, updated: Array("a: c\n".utf8), edits: [edit]) == nil)
        #expect(
            verifier.check(original: original, updated: Array("a: d\n".utf8), edits: [edit])
                == #"value at line 1 reads back as "d""#)
        #expect(
            verifier.check(original: original, updated: Array("a: [c]\n".utf8), edits: [edit])
                == "document structure changed")
        #expect(
            verifier.check(original: original, updated: Array("x: c\n".utf8), edits: [edit])
                == "unedited node changed at line 1")
        #expect(
            verifier.check(original: original, updated: Array("a: 'c\n".utf8), edits: [edit])?.hasPrefix(
                "result does not parse") == true)
    }

    @Test func objectsPerDocument() throws {
        let text = """
            apiVersion: v1
            kind: Pod
            metadata: {name: one}
            image: x # {"$imagepolicy": "flux-system:app"}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              namespace: ns
              name: two
            spec:
              image: x # {"$imagepolicy": "flux-system:app"}
            ---
            - image: x # {"$imagepolicy": "flux-system:app"}

            """
        let changes = plan(text).changes
        #expect(
            changes.map(\.object) == [
                ObjectIdentity(apiVersion: "v1", kind: "Pod", name: "one"),
                ObjectIdentity(apiVersion: "apps/v1", kind: "Deployment", namespace: "ns", name: "two"),
                ObjectIdentity(),
            ])
        #expect(changes.map(\.line) == [4, 12, 14])
        #expect(changes.map(\.column) == [8, 10, 10])
    }

    @Test func listItemsAreTheirOwnObjects() {
        let text = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: a}
              spec:
                image: x # {"$imagepolicy": "flux-system:app"}

            """
        #expect(
            plan(text).changes.map(\.object) == [ObjectIdentity(apiVersion: "apps/v1", kind: "Deployment", name: "a")])
    }

    @Test func columnsCountCharacters() throws {
        let change = try #require(plan("ü: x # {\"$imagepolicy\": \"flux-system:app\"}\n").changes.first)
        #expect(change.column == 4)
        #expect(change.old == "x" && change.new == "ghcr.io/acme/app:1.4.2")
    }

    @Test func keysAreNeverTargets() {
        let p = plan("? x # {\"$imagepolicy\": \"flux-system:app\"}\n: y\n")
        #expect(p.rewrites.isEmpty)
        #expect(p.warnings.map(\.description) == ["f.yaml:1: marker is not on a scalar value, ignored"])
    }

    @Test func markerOnSeparateValueLine() {
        // The value sits on its own line below the key; its line comment still applies.
        #expect(
            output(plan("image:\n  x # {\"$imagepolicy\": \"flux-system:app\"}\n"))
                == "image:\n  ghcr.io/acme/app:1.4.2 # {\"$imagepolicy\": \"flux-system:app\"}\n")
    }

    @Test func hashInsideQuotedScalarIsNotAComment() {
        let p = plan("a: 'x # {\"$imagepolicy\": \"flux-system:app\"}'\nb: \"y # {\\\"$imagepolicy\\\": 1}\"\n")
        #expect(p.rewrites.isEmpty && p.warnings.isEmpty && p.errors.isEmpty)
    }

    @Test func planWithoutPoliciesReportsReferences() {
        let p = plan("a: x # {\"$imagepolicy\": \"ns:one:tag\"}\nb: y # {\"$imagepolicy\": \"ns:two\"}\n", [:])
        #expect(p.referencedPolicies == ["ns:one", "ns:two"])
        #expect(p.warnings.map(\.message) == ["unknown policy ns:one", "unknown policy ns:two"])
    }

    @Test func diagnosticsDescribeThemselves() {
        #expect(
            SetterDiagnostic(severity: .warning, file: "a.yaml", line: 3, column: 7, message: "m").description
                == "a.yaml:3:7: m")
        #expect(SetterDiagnostic(severity: .error, file: "a.yaml", line: 3, message: "m").description == "a.yaml:3: m")
        #expect(SetterDiagnostic(severity: .error, file: "a.yaml", message: "m").description == "a.yaml: m")
    }
}
