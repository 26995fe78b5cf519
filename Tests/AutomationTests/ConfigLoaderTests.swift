import Committer
import Foundation
import Policy
import Testing

@testable import Automation

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private func load(_ yaml: String, file: String = "config.yaml") -> Configuration {
    var configuration = Configuration()
    ConfigLoader.load(bytes: Array(yaml.utf8), file: file, into: &configuration)
    ConfigLoader.validateReferences(&configuration)
    return configuration
}

private let repository = """
    apiVersion: image.toolkit.fluxcd.io/v1
    kind: ImageRepository
    metadata: {name: app, namespace: apps}
    spec: {image: ghcr.io/acme/app, interval: 5m}

    """

@Suite("config loading (Flux manifests)")
struct ConfigLoaderTests {
    @Test("the example policies/ directory loads with Flux's defaults")
    func examplePolicies() throws {
        let configuration = ConfigLoader.load(directory: packageRoot.appendingPathComponent("policies").path)
        #expect(configuration.diagnostics.isEmpty, "\(configuration.diagnostics)")
        let podinfo = try #require(configuration.repositories[ObjectKey(namespace: "flux-system", name: "podinfo")])
        #expect(podinfo.image == "localhost:5000/stefanprodan/podinfo")
        #expect(podinfo.interval == .seconds(300))
        #expect(podinfo.effectiveTimeout == .seconds(300))
        #expect(podinfo.insecure)
        #expect(podinfo.exclusionList.isEmpty)
        let semver = try #require(configuration.policies[ObjectKey(namespace: "flux-system", name: "podinfo")])
        #expect(semver.rule == .semver(range: ">=6.0.0 <7.0.0"))
        #expect(semver.digestReflection == .never)
        let edge = try #require(configuration.policies[ObjectKey(namespace: "flux-system", name: "podinfo-main")])
        #expect(edge.rule == .numerical(.asc))
        #expect(edge.filterPattern == "^main-[a-f0-9]+-(?P<ts>[0-9]+)$" && edge.filterExtract == "$ts")
        #expect(edge.labels == ["channel": "edge"])
        let automation = try #require(configuration.automations[ObjectKey(namespace: "flux-system", name: "apps")])
        #expect(automation.sourceRef == ObjectKey(namespace: "flux-system", name: "fleet"))
        #expect(automation.authorEmail == "imagebot@example.com")
        #expect(automation.pushBranch == "main" && automation.updatePath == "./apps")
        #expect(automation.messageTemplate?.hasPrefix("Update images\n") == true)
        let git = try #require(configuration.gitRepositories[ObjectKey(namespace: "flux-system", name: "fleet")])
        #expect(git.reference?.branch == "main" && git.timeout == .seconds(60))
    }

    struct Problem: CustomTestStringConvertible, Sendable {
        var yaml: String
        /// "line:column: severity: text" that must appear among the diagnostics.
        var expected: String
        var testDescription: String { expected }
    }

    static let problems: [Problem] = [
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageRepository
                metadata: {name: app}
                spec:
                  image: https://ghcr.io/acme/app
                  interval: 5m
                """,
            expected:
                "5:10: error: ImageRepository default/app: image 'https://ghcr.io/acme/app' should not include URL scheme; remove 'https://'"
        ),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageRepository
                metadata: {name: app}
                spec:
                  image: localhost:5000/acme/app:1.0
                  interval: 5m
                """,
            expected:
                "5:10: error: ImageRepository default/app: image 'localhost:5000/acme/app:1.0' should not include a tag; remove ':1.0'"
        ),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageRepository
                metadata: {name: app}
                spec:
                  image: ghcr.io/acme/app
                  interval: 5 minutes
                  timeout: 1h
                  exclusionList: ["[="]
                  suspend: yes
                  mystery: 1
                """,
            expected:
                "6:13: error: ImageRepository default/app: spec.interval must be a duration such as 5m or 1m30s (units ms, s, m or h), found '5 minutes'"
        ),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageRepository
                metadata: {name: app}
                spec:
                  image: ghcr.io/acme/app
                  interval: 5m
                  timeout: 1h
                """,
            expected:
                "7:12: error: ImageRepository default/app: spec.timeout must be a duration such as 5m or 1m30s (units ms, s or m), found '1h'"
        ),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageRepository
                metadata: {name: app}
                spec:
                  image: ghcr.io/acme/app
                  interval: 5m
                  exclusionList: ["[="]
                  suspend: yes
                  mystery: 1
                """,
            expected:
                "7:18: error: ImageRepository default/app: spec.exclusionList: failed to compile regex: invalid regular expression pattern '[='"
        ),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageRepository
                metadata: {name: app}
                spec:
                  image: ghcr.io/acme/app
                  interval: 5m
                  suspend: yes
                """,
            expected: "7:12: error: ImageRepository default/app: spec.suspend must be true or false, found 'yes'"),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageRepository
                metadata: {name: app}
                spec:
                  image: ghcr.io/acme/app
                  interval: 5m
                  mystery: 1
                """, expected: "7:3: warning: ImageRepository default/app: unknown field spec.mystery (ignored)"),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageRepository
                metadata: {name: app}
                spec:
                  interval: 5m
                """, expected: "5:3: error: ImageRepository default/app: spec.image is required"),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1alpha2
                kind: ImagePolicy
                metadata: {name: app}
                spec: {}
                """,
            expected:
                "1:13: error: ImagePolicy apiVersion 'image.toolkit.fluxcd.io/v1alpha2' is not supported; use image.toolkit.fluxcd.io/v1"
        ),
        .init(
            yaml: repository + """
                ---
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImagePolicy
                metadata: {name: app, namespace: apps}
                spec:
                  imageRepositoryRef: {name: app}
                  policy:
                    semver:
                      range: 1x
                """, expected: "13:14: error: ImagePolicy apps/app: invalid semver range \"1x\""),
        .init(
            yaml: repository + """
                ---
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImagePolicy
                metadata: {name: app, namespace: apps}
                spec:
                  imageRepositoryRef: {name: app}
                  policy: {}
                """,
            expected: "11:11: error: ImagePolicy apps/app: invalid policy: given ImagePolicyChoice object is invalid"),
        .init(
            yaml: repository + """
                ---
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImagePolicy
                metadata: {name: app, namespace: apps}
                spec:
                  imageRepositoryRef: {name: app}
                  policy: {alphabetical: {order: sideways}}
                  filterTags: {pattern: "^v(", extract: "$1"}
                """,
            expected:
                "11:34: error: ImagePolicy apps/app: invalid order argument provided: 'sideways', must be one of: ASC, DESC"
        ),
        .init(
            yaml: repository + """
                ---
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImagePolicy
                metadata: {name: app, namespace: apps}
                spec:
                  imageRepositoryRef: {name: app}
                  policy: {numerical: {}}
                  filterTags: {pattern: "^v(", extract: "$1"}
                """,
            expected:
                "12:25: error: ImagePolicy apps/app: spec.filterTags.pattern: invalid regular expression pattern '^v('"),
        .init(
            yaml: repository + """
                ---
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImagePolicy
                metadata: {name: app, namespace: apps}
                spec:
                  imageRepositoryRef: {name: app}
                  policy: {numerical: {}}
                  interval: 5m
                """,
            expected:
                "12:13: error: ImagePolicy apps/app: spec.interval is only accepted when spec.digestReflectionPolicy is set to 'Always'"
        ),
        .init(
            yaml: repository + """
                ---
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImagePolicy
                metadata: {name: app, namespace: apps}
                spec:
                  imageRepositoryRef: {name: app}
                  policy: {numerical: {}}
                  digestReflectionPolicy: Always
                """,
            expected:
                "12:27: error: ImagePolicy apps/app: spec.interval must be set when spec.digestReflectionPolicy is set to 'Always'"
        ),
        .init(
            yaml: repository + """
                ---
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImagePolicy
                metadata: {name: app, namespace: apps}
                spec:
                  imageRepositoryRef: {name: app}
                  policy: {numerical: {}}
                  digestReflectionPolicy: Sometimes
                """,
            expected:
                "12:27: error: ImagePolicy apps/app: spec.digestReflectionPolicy must be one of 'Never', 'IfNotPresent', 'Always', found 'Sometimes'"
        ),
        .init(
            yaml: repository + """
                ---
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImagePolicy
                metadata: {name: app, namespace: other}
                spec:
                  imageRepositoryRef: {name: app, namespace: apps}
                  policy: {semver: {range: "*"}}
                """,
            expected:
                "6:1: error: ImagePolicy other/app: cannot access 'ImageRepository/apps/app' from namespace 'other': it has no spec.accessFrom"
        ),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImagePolicy
                metadata: {name: app}
                spec:
                  imageRepositoryRef: {name: missing}
                  policy: {semver: {range: "*"}}
                """,
            expected: "1:1: error: ImagePolicy default/app: referenced ImageRepository default/missing does not exist"),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageUpdateAutomation
                metadata: {name: auto}
                spec:
                  interval: 10m
                  sourceRef: {kind: GitRepository, name: fleet}
                """,
            expected:
                "5:3: error: ImageUpdateAutomation default/auto: source kind 'GitRepository' necessitates field .spec.git"
        ),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageUpdateAutomation
                metadata: {name: auto}
                spec:
                  interval: 10m
                  sourceRef: {kind: GitRepository, name: fleet}
                  git:
                    commit:
                      author: {name: bot}
                  update: {strategy: Regex, path: ../outside}
                """,
            expected: "9:15: error: ImageUpdateAutomation default/auto: spec.git.commit.author.email is required"),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageUpdateAutomation
                metadata: {name: auto}
                spec:
                  interval: 10m
                  sourceRef: {kind: GitRepository, name: fleet}
                  git: {commit: {author: {email: bot@example.com}}}
                  update: {strategy: Regex, path: ../outside}
                """, expected: "8:22: error: ImageUpdateAutomation default/auto: unsupported update strategy: Regex"),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageUpdateAutomation
                metadata: {name: auto}
                spec:
                  interval: 10m
                  sourceRef: {kind: GitRepository, name: fleet}
                  git: {commit: {author: {email: bot@example.com}}}
                  update: {path: ../outside}
                """,
            expected:
                "8:18: warning: ImageUpdateAutomation default/auto: spec.update.path '../outside' is read inside the repository as 'outside', as Flux does"
        ),
        .init(
            yaml: """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageUpdateAutomation
                metadata: {name: auto}
                spec:
                  interval: 10m
                  sourceRef: {kind: GitRepository, name: fleet}
                  git: {commit: {author: {email: bot@example.com}}}
                """,
            expected:
                "1:1: error: ImageUpdateAutomation default/auto: referenced git repository does not exist: GitRepository default/fleet"
        ),
        .init(
            yaml: """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: GitRepository
                metadata: {name: fleet}
                spec: {url: git@github.com:acme/fleet.git, interval: 1m}
                """,
            expected:
                "4:13: error: GitRepository default/fleet: spec.url must start with https://, http://, ssh:// or file://"
        ),
        .init(
            yaml: """
                apiVersion: v1
                kind: Secret
                metadata: {name: creds}
                data: {password: "not base64!"}
                """,
            expected:
                "4:7: error: Secret default/creds: data.password is not valid base64: illegal base64 data at input byte 3"
        ),
        .init(yaml: "a: [unclosed\n", expected: "2:1: error: invalid YAML"),
        .init(
            yaml: repository + "---\n" + repository,
            expected: "6:1: error: ImageRepository apps/app: defined more than once; this definition is ignored"),
    ]

    @Test(arguments: problems)
    func reportsProblem(_ problem: Problem) {
        let diagnostics = load(problem.yaml).diagnostics.map(\.description)
        #expect(diagnostics.contains { $0.hasPrefix("config.yaml:" + problem.expected) }, "\(diagnostics)")
    }

    @Test("every problem in a manifest is reported in one pass")
    func reportsEverything() {
        let configuration = load(
            """
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImageRepository
            metadata: {name: app}
            spec:
              image: ghcr.io/acme/app:1.0
              interval: often
              suspend: maybe
              extra: true
            """)
        #expect(configuration.errors.count == 3)
        #expect(configuration.warnings.count == 1)
    }

    @Test("cross-namespace access follows accessFrom and namespace labels")
    func accessFrom() {
        let shared = """
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImageRepository
            metadata: {name: app, namespace: shared}
            spec:
              image: ghcr.io/acme/app
              interval: 5m
              accessFrom:
                namespaceSelectors:
                  - matchLabels: {team: web}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: web, labels: {team: web}}
            ---
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImagePolicy
            metadata: {name: ok, namespace: web}
            spec: {imageRepositoryRef: {name: app, namespace: shared}, policy: {semver: {range: "*"}}}
            ---
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImagePolicy
            metadata: {name: denied, namespace: ops}
            spec: {imageRepositoryRef: {name: app, namespace: shared}, policy: {semver: {range: "*"}}}
            """
        let errors = load(shared).errors.map(\.description)
        #expect(errors.count == 1)
        #expect(
            errors.first?.contains(
                "ImagePolicy ops/denied: cannot access 'ImageRepository/shared/app' from namespace 'ops'") == true)
        let everyone = shared.replacingOccurrences(of: "- matchLabels: {team: web}", with: "- matchLabels: {}")
        #expect(load(everyone).errors.isEmpty)
    }

    @Test("Secret data is base64-decoded and stringData merged")
    func secrets() throws {
        let configuration = load(
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: creds, namespace: apps}
            type: kubernetes.io/dockerconfigjson
            data: {username: Ym90, password: c2VjcmV0}
            stringData: {token: plain}
            """)
        let secret = try #require(configuration.secrets[ObjectKey(namespace: "apps", name: "creds")])
        #expect(secret.type == "kubernetes.io/dockerconfigjson")
        #expect(
            secret.data == [
                "username": Array("bot".utf8), "password": Array("secret".utf8), "token": Array("plain".utf8),
            ])
    }
}

@Suite("durations and selectors")
struct ConfigValueTests {
    @Test(arguments: [
        ("5m", Int64(300_000)), ("1m30s", 90_000), ("1.5h", 5_400_000), ("500ms", 500), ("10s", 10_000), ("0.5s", 500),
        ("1h2m3s4ms", 3_723_004),
    ])
    func parses(_ text: String, _ milliseconds: Int64) {
        #expect(GoDuration(parsing: text)?.milliseconds == milliseconds)
    }

    @Test(arguments: ["", "5", "m", "5 m", "-5m", "5d", "1.m", ".5s", "5mm"])
    func rejects(_ text: String) {
        #expect(GoDuration(parsing: text) == nil)
    }

    @Test func description() {
        #expect(GoDuration(parsing: "90s")?.description == "1m30s")
        #expect(GoDuration.zero.description == "0s")
    }

    @Test func selectors() {
        typealias Selector = ImageUpdateAutomationConfig.LabelSelector
        let selector = Selector(
            matchLabels: ["team": "web"],
            matchExpressions: [
                .init(key: "channel", op: "In", values: ["stable", "edge"]),
                .init(key: "frozen", op: "DoesNotExist", values: []),
            ])
        #expect(selector.matches(["team": "web", "channel": "edge"]))
        #expect(!selector.matches(["team": "web", "channel": "nightly"]))
        #expect(!selector.matches(["team": "web", "channel": "edge", "frozen": "yes"]))
        #expect(!selector.matches(["channel": "edge"]))
        #expect(Selector().matches([:]))
    }

}

@Suite("tag cache")
struct TagCacheTests {
    @Test func roundTripAndCorruption() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let cache = TagCache(stateDirectory: directory.path)
        let key = ObjectKey(namespace: "apps", name: "web")
        #expect(cache.load(key) == nil)
        let scan = CachedScan(
            image: "ghcr.io/acme/web", tags: ["v2", "v10", "1.0.0-rc.1"], revision: "sha256:abc", scanTime: 1732200000.5
        )
        try cache.store(scan, for: key)
        #expect(cache.load(key) == scan)
        try cache.store(CachedScan(image: "ghcr.io/acme/web", tags: [], revision: "sha256:e3b0", scanTime: 1), for: key)
        #expect(cache.load(key)?.tags == [])
        // A damaged file is simply not a cache: the next scan rebuilds it.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: cache.path(for: key)))
        #expect(cache.load(key) == nil)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/repositories/apps")
        #expect(leftovers == ["web.tags"], "no temporary files remain")
    }

    @Test func unwritableStateDirectoryIsAClearError() throws {
        let cache = TagCache(stateDirectory: "/proc/imagebot-state")
        #expect {
            try cache.store(
                CachedScan(image: "x", tags: [], revision: "r", scanTime: 0), for: ObjectKey(namespace: "a", name: "b"))
        } throws: { error in
            // The path that could not be made, and the system's reason.
            let text = (error as? StateError)?.description ?? ""
            return text.hasPrefix("/proc/imagebot-state")
                && text.contains(": cannot create the directory: No such file or directory")
        }
    }
}
