import Setters
import Testing

@Suite("the tag guard keeps a value the caller refuses to change")
struct TagGuardTests {
    /// Refuses any tag that sorts below the current one (a stand-in for the semver guard).
    let rewriter = MarkerRewriter(
        policies: ["apps:web": ImageRef(name: "ghcr.io/acme/web", tag: "1.1.0", digest: "sha256:aa")],
        tagGuard: { policy, current, proposed in
            proposed < current ? "\(policy): \(proposed) is lower than \(current)" : nil
        })

    struct Case: Sendable, CustomTestStringConvertible {
        var line: String
        var expected: String  // the line after the rewrite
        var warned: Bool
        var testDescription: String { line }
    }

    @Test(arguments: [
        // Full references: the tag is compared, the digest and registry port ignored.
        Case(
            line: #"image: ghcr.io/acme/web:1.2.0 # {"$imagepolicy": "apps:web"}"#,
            expected: #"image: ghcr.io/acme/web:1.2.0 # {"$imagepolicy": "apps:web"}"#, warned: true),
        Case(
            line: #"image: ghcr.io/acme/web:1.0.0 # {"$imagepolicy": "apps:web"}"#,
            expected: #"image: ghcr.io/acme/web:1.1.0@sha256:aa # {"$imagepolicy": "apps:web"}"#, warned: false),
        Case(
            line: #"image: localhost:5000/acme/web:1.2.0@sha256:bb # {"$imagepolicy": "apps:web"}"#,
            expected: #"image: localhost:5000/acme/web:1.2.0@sha256:bb # {"$imagepolicy": "apps:web"}"#, warned: true),
        // Tag markers compare the value itself.
        Case(
            line: #"tag: "1.2.0" # {"$imagepolicy": "apps:web:tag"}"#,
            expected: #"tag: "1.2.0" # {"$imagepolicy": "apps:web:tag"}"#, warned: true),
        Case(
            line: #"tag: 1.0.5 # {"$imagepolicy": "apps:web:tag"}"#,
            expected: #"tag: 1.1.0 # {"$imagepolicy": "apps:web:tag"}"#, warned: false),
        // Name and digest markers carry no tag: never guarded.
        Case(
            line: #"repository: ghcr.io/old/web # {"$imagepolicy": "apps:web:name"}"#,
            expected: #"repository: ghcr.io/acme/web # {"$imagepolicy": "apps:web:name"}"#, warned: false),
        // Same tag, new digest: not a downgrade question.
        Case(
            line: #"image: ghcr.io/acme/web:1.1.0@sha256:00 # {"$imagepolicy": "apps:web"}"#,
            expected: #"image: ghcr.io/acme/web:1.1.0@sha256:aa # {"$imagepolicy": "apps:web"}"#, warned: false),
    ])
    func guarded(_ c: Case) {
        let plan = rewriter.plan(contents: Array((c.line + "\n").utf8), relativePath: "app.yaml")
        let result = plan.rewrites.first.map { String(decoding: $0.updated, as: UTF8.self) } ?? c.line + "\n"
        #expect(result == c.expected + "\n")
        #expect(
            plan.warnings.contains { $0.message.contains("kept") && $0.message.contains("is lower than") } == c.warned,
            "\(plan.warnings)")
    }
}
