import Foundation
import Policy
import Registry
import Setters
import Testing

@testable import Automation

/// What Flux keeps in an ImagePolicy's status, kept in the state directory: a suspended
/// policy's last result, and the digest `IfNotPresent` reuses while the tag stays.
@Suite("policy results in the state directory")
struct PolicyResultTests {
    /// A configuration with one repository (nothing listens on its registry: any request fails)
    /// and one semver policy.
    func scanner(state: String, suspend: Bool = false, digest: ImagePolicyConfig.DigestReflection = .never) -> (
        Automation.Scanner, ImagePolicyConfig, RepositoryScan
    ) {
        let repositoryKey = ObjectKey(namespace: "apps", name: "app")
        let location = SourceLocation(file: "test.yaml", line: 1, column: 1)
        var configuration = Configuration()
        var repository = ImageRepositoryConfig(key: repositoryKey, location: location)
        repository.image = "127.0.0.1:9/acme/app"
        repository.interval = .seconds(60)
        configuration.repositories[repositoryKey] = repository
        var policy = ImagePolicyConfig(
            key: ObjectKey(namespace: "apps", name: "app"), location: location, repository: repositoryKey)
        policy.rule = .semver(range: "1.x")
        policy.suspend = suspend
        policy.digestReflection = digest
        configuration.policies[policy.key] = policy
        let scanner = Automation.Scanner(
            configuration: configuration, secrets: SecretStore(directory: nil, configuration: configuration),
            client: RegistryClient(), cache: TagCache(stateDirectory: state))
        var scan = RepositoryScan(key: repositoryKey, image: repository.image)
        scan.tags = ["1.2.0", "1.1.0", "1.0.0"]
        return (scanner, policy, scan)
    }

    func stateDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a suspended policy applies its last stored result, and has none before its first")
    func suspendedPolicyKeepsItsResult() async throws {
        let state = try stateDirectory()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let (suspended, policy, scan) = scanner(state: state, suspend: true)
        let before = await suspended.evaluate(policy, scan: scan)
        #expect(before.latest == nil)
        #expect(before.error == "the ImagePolicy is suspended and has no earlier result")

        var older = scan
        older.tags = ["1.0.0"]
        let (active, activePolicy, _) = scanner(state: state)
        #expect(await active.evaluate(activePolicy, scan: older).latest?.tag == "1.0.0")
        // Suspended now: 1.2.0 is there, but the stored 1.0.0 stands (Flux keeps latestRef).
        let after = await suspended.evaluate(policy, scan: scan)
        #expect(after.latest == PolicyResolution.LatestRef(name: "127.0.0.1:9/acme/app", tag: "1.0.0"))
        #expect(after.error == nil)
        // And the automation applies it: suspended policies are not dropped.
        let automation = ImageUpdateAutomationConfig(
            key: ObjectKey(namespace: "apps", name: "auto"), location: SourceLocation(file: "t", line: 1, column: 1),
            sourceRef: ObjectKey(namespace: "apps", name: "fleet"))
        #expect(AutomationRunner.policies(of: automation, in: suspended.configuration).map(\.key) == [policy.key])
    }

    @Test("IfNotPresent reuses the stored digest while the tag stays, and fetches it for a new tag")
    func ifNotPresentKeepsTheDigest() async throws {
        let state = try stateDirectory()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let (scanner, policy, scan) = scanner(state: state, digest: .ifNotPresent)
        let stored = PolicyResolution.LatestRef(
            name: "127.0.0.1:9/acme/app", tag: "1.2.0", digest: "sha256:" + String(repeating: "a", count: 64))
        try PolicyResultStore(stateDirectory: state).store(stored, for: policy.key)
        // The registry cannot be reached: only the stored digest can make this succeed.
        #expect(await scanner.evaluate(policy, scan: scan).latest == stored)

        var newer = scan
        newer.tags = ["1.3.0"] + scan.tags
        let fetched = await scanner.evaluate(policy, scan: newer)
        #expect(fetched.latest == nil)
        #expect(
            fetched.error?.hasPrefix("failed fetching digest of 127.0.0.1:9/acme/app:1.3.0") == true,
            "\(fetched.error ?? "")")
        // `Always` never reuses it.
        let (always, alwaysPolicy, _) = self.scanner(state: state, digest: .always)
        #expect(await always.evaluate(alwaysPolicy, scan: scan).latest == nil)
    }
}
