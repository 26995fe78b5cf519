import Foundation
import Testing

@testable import Automation

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private func load(_ yaml: String) -> Configuration {
    var configuration = Configuration()
    ConfigLoader.load(bytes: Array(yaml.utf8), file: "config.yaml", into: &configuration)
    ConfigLoader.validateReferences(&configuration)
    return configuration
}

private func gitRepository(_ spec: String) -> String {
    """
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: GitRepository
    metadata: {name: fleet, namespace: apps}
    spec:
      url: https://git.example.com/fleet
      interval: 1m
    \(spec)
    """
}

/// Flux manifests as users have them: kubectl exports, old API versions, settings imagebot
/// reads but cannot act on (each named in a warning), and Flux's rules for paths and pushes.
@Suite("config fidelity")
struct ConfigFidelityTests {
    @Test("a kubectl `kind: List` export loads every item, status and server metadata included")
    func kubectlList() {
        let configuration = ConfigLoader.load(
            directory: packageRoot.appendingPathComponent("testdata/config/kubectl-list.yaml").path)
        #expect(configuration.diagnostics.isEmpty, "\(configuration.diagnostics)")
        #expect(configuration.repositories.keys.map(\.description) == ["flux-system/podinfo"])
        #expect(configuration.policies.keys.map(\.description) == ["flux-system/podinfo"])
        #expect(configuration.automations.keys.map(\.description) == ["flux-system/flux-system"])
        #expect(configuration.gitRepositories.keys.map(\.description) == ["flux-system/flux-system"])
        #expect(configuration.automations.values.first?.updatePath == "./clusters/my-cluster")
    }

    @Test("an item of a List is located at its own line")
    func listItemLocations() {
        let configuration = load(
            """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: image.toolkit.fluxcd.io/v1
              kind: ImageRepository
              metadata: {name: app}
              spec: {image: "ghcr.io/acme/app:1.0", interval: 5m}
            """)
        #expect(
            configuration.errors.map(\.description) == [
                "config.yaml:7:17: error: ImageRepository default/app: image 'ghcr.io/acme/app:1.0' should not include a tag; remove ':1.0'"
            ])
    }

    @Test("an empty config directory is a warning")
    func emptyDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n".write(
            to: directory.appendingPathComponent("other.yaml"), atomically: true, encoding: .utf8)
        let configuration = ConfigLoader.load(directory: directory.path)
        #expect(configuration.errors.isEmpty)
        #expect(
            configuration.warnings.map(\.message) == [
                "no ImageRepository, ImagePolicy, ImageUpdateAutomation or GitRepository found (1 manifest file read)"
            ])
    }

    @Test(arguments: [
        ("image.toolkit.fluxcd.io/v1beta2", "image.toolkit.fluxcd.io/v1"),
        ("image.toolkit.fluxcd.io/v1beta1", "image.toolkit.fluxcd.io/v1"),
    ])
    func betaVersionsAreReadWithADeprecationWarning(_ version: String, _ replacement: String) {
        let configuration = load(
            """
            apiVersion: \(version)
            kind: ImageRepository
            metadata: {name: app}
            spec: {image: ghcr.io/acme/app, interval: 5m}
            """)
        #expect(configuration.repositories.count == 1)
        #expect(
            configuration.diagnostics.map(\.description) == [
                "config.yaml:1:13: warning: ImageRepository default/app: apiVersion \(version) is deprecated and current Flux "
                    + "controllers no longer serve it; read as \(replacement) (change the manifest to \(replacement))"
            ])
    }

    /// Settings imagebot reads but cannot act on: each is named in one warning or error.
    @Test(arguments: [
        (
            gitRepository("  provider: azure"),
            "7:13: warning: GitRepository apps/fleet: provider 'azure' (workload identity for Git) is not supported by imagebot yet"
        ),
        (gitRepository("  provider: aws"), "7:13: warning: GitRepository apps/fleet: provider 'aws'"),
        (
            gitRepository("  provider: gitlab"),
            "7:13: error: GitRepository apps/fleet: spec.provider must be one of 'generic', 'azure', 'github', 'aws', found 'gitlab'"
        ),
        (
            gitRepository("  serviceAccountName: flux"),
            "7:23: warning: GitRepository apps/fleet: spec.serviceAccountName needs the Kubernetes API"
        ),
        (
            """
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImageUpdateAutomation
            metadata: {name: auto, namespace: apps}
            spec:
              interval: 10m
              sourceRef: {kind: GitRepository, name: fleet}
              git:
                commit: {author: {email: bot@example.com}}
                push: {branch: main, options: {ci.skip: ""}}
            """,
            "9:35: error: ImageUpdateAutomation apps/auto: spec.git.push.options cannot be sent: the linked libgit2"
        ),
        (
            """
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImageRepository
            metadata: {name: app, namespace: apps}
            spec: {image: ghcr.io/acme/app, interval: 5m, serviceAccountName: puller}
            """, "4:67: warning: ImageRepository apps/app: spec.serviceAccountName needs the Kubernetes API"
        ),
    ])
    func settingsImagebotCannotActOnAreNamed(_ yaml: String, _ expected: String) {
        let diagnostics = load(yaml).diagnostics.map(\.description)
        #expect(diagnostics.contains { $0.hasPrefix("config.yaml:" + expected) }, "\(diagnostics)")
    }

    @Test(arguments: [
        ("{key: team, operator: In}", "must be specified when `operator` is 'In' or 'NotIn'"),
        (
            "{key: team, operator: Exists, values: [a]}",
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
        ),
    ])
    func selectorValuesAreCheckedAsTheAPIServerDoes(_ expression: String, _ expected: String) {
        let configuration = load(
            """
            apiVersion: image.toolkit.fluxcd.io/v1
            kind: ImageUpdateAutomation
            metadata: {name: auto, namespace: apps}
            spec:
              interval: 10m
              sourceRef: {kind: GitRepository, name: fleet}
              git: {commit: {author: {email: bot@example.com}}}
              policySelector: {matchExpressions: [\(expression)]}
            """)
        #expect(configuration.errors.contains { $0.message.hasSuffix(expected) }, "\(configuration.errors)")
    }

    @Test("cloud providers of ImageRepositories and GitHub for GitRepositories load without a warning")
    func supportedProviders() {
        for provider in ["aws", "azure", "gcp", "generic"] {
            let configuration = load(
                """
                apiVersion: image.toolkit.fluxcd.io/v1
                kind: ImageRepository
                metadata: {name: app}
                spec: {image: ghcr.io/acme/app, interval: 5m, provider: \(provider)}
                """)
            #expect(configuration.diagnostics.isEmpty, "\(provider): \(configuration.diagnostics)")
        }
        #expect(load(gitRepository("  provider: github")).diagnostics.isEmpty)
    }

    /// Flux joins `update.path` inside the clone (securejoin): lexically, never above the root.
    @Test(arguments: [
        (".", "."), ("./", "."), ("", "."), ("/", "."), ("apps", "apps"), ("./clusters/prod/", "clusters/prod"),
        ("/apps", "apps"), ("//apps//web", "apps/web"), ("../outside", "outside"), ("a/../../b", "b"),
        ("a/./b/../c", "a/c"), ("/..", "."),
    ])
    func updatePathStaysInsideTheRepository(_ written: String, _ expected: String) {
        #expect(ManifestDecoder.pathInsideRepository(written) == expected)
    }
}
