import Basics
public import CloudIdentity
public import Policy
public import Registry
public import Setters

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The outcome of scanning one ImageRepository.
public struct RepositoryScan: Sendable {
    public var key: ObjectKey
    /// `spec.image` as written.
    public var image: String
    /// Tags after the exclusion list, sorted descending bytewise; empty on failure.
    public var tags: [String] = []
    /// Tags not in the previous scan (all of them on a first scan).
    public var newTags: [String] = []
    public var revision = ""
    /// The tag list of the scan before this one (from the tag cache), when there was one.
    public var previousTags: [String]?
    public var excluded = 0
    /// Why the scan failed: one line naming the image and the cause. Nil on success.
    public var error: String?
    /// What kind of failure `error` is (nil on success).
    public var failureCode: FailureCode?
}

/// A policy's result, Flux's `status.latestRef`, with the decision that produced it.
public struct PolicyResolution: Sendable {
    public var key: ObjectKey
    /// The selected image, when there is one.
    public var latest: LatestRef?
    /// What the policy engine saw; nil when it did not run (repository failed).
    public var decision: PolicyDecision?
    /// Why nothing was selected: the engine's failure, the repository's error, a digest error.
    public var error: String?
    /// What kind of failure `error` is (nil when something was selected).
    public var failureCode: FailureCode?
    /// The tag the policy selected on the previous scan's tag list (nil: no previous scan).
    public var previousTag: String?

    public init(
        key: ObjectKey, latest: LatestRef? = nil, decision: PolicyDecision? = nil, error: String? = nil,
        failureCode: FailureCode? = nil
    ) {
        self.key = key
        self.latest = latest
        self.decision = decision
        self.error = error
        self.failureCode = failureCode ?? error.map { _ in .other }
    }

    /// Flux's `latestRef`: `name` is the ImageRepository's `spec.image`, verbatim.
    public typealias LatestRef = ImageRef
}

/// Scans ImageRepositories (each once per run, concurrently, bounded) and evaluates
/// ImagePolicies against the scans.
public struct Scanner: Sendable {
    public let configuration: Configuration
    public let secrets: SecretStore
    public let client: RegistryClient
    public let cache: TagCache?
    /// Policies' last results, kept beside the tag cache.
    public let results: PolicyResultStore?
    /// Credentials for CLI use (`~/.docker/config.json`), consulted when a repository has no secretRef.
    public let userDockerConfig: DockerConfig?
    public let maxConcurrentScans: Int
    /// The cloud identity for `spec.provider` aws/azure/gcp; shared so tokens are reused.
    public let identity: RegistryIdentity

    public init(
        configuration: Configuration, secrets: SecretStore, client: RegistryClient, cache: TagCache?,
        userDockerConfig: DockerConfig? = nil, maxConcurrentScans: Int = 8,
        identity: RegistryIdentity = RegistryIdentity()
    ) {
        self.configuration = configuration
        self.secrets = secrets
        self.client = client
        self.identity = identity
        self.cache = cache
        results = cache.map { PolicyResultStore(stateDirectory: $0.stateDirectory) }
        self.userDockerConfig = userDockerConfig
        self.maxConcurrentScans = max(1, maxConcurrentScans)
    }

    /// Scans the repositories these policies use, then evaluates the policies.
    public func resolve(
        _ policies: [ImagePolicyConfig], progress: (Int, Int) -> Void = { _, _ in }
    ) async -> (scans: [RepositoryScan], policies: [PolicyResolution]) {
        // A suspended policy is not evaluated: its repository is scanned only for the others.
        let needed = Set(policies.filter { !$0.suspend }.map(\.repository)).compactMap {
            configuration.repositories[$0]
        }.sorted { $0.key < $1.key }
        let scans = await scan(needed, progress: progress)
        let byKey = Dictionary(scans.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var resolutions: [PolicyResolution] = []
        for policy in policies.sorted(by: { $0.key < $1.key }) {
            resolutions.append(await evaluate(policy, scan: byKey[policy.repository]))
        }
        return (scans, resolutions)
    }

    /// Scans each repository once, at most `maxConcurrentScans` at a time, in key order.
    /// `progress` is told (done, total) after each repository, for a progress line.
    public func scan(
        _ repositories: [ImageRepositoryConfig], progress: (Int, Int) -> Void = { _, _ in }
    ) async -> [RepositoryScan] {
        var results: [ObjectKey: RepositoryScan] = [:]
        await withTaskGroup(of: RepositoryScan.self) { group in
            var pending = repositories[...]
            for _ in 0..<min(maxConcurrentScans, pending.count) {
                if let next = pending.popFirst() { group.addTask { await scanOne(next) } }
            }
            for await scan in group {
                results[scan.key] = scan
                progress(results.count, repositories.count)
                if let next = pending.popFirst() { group.addTask { await scanOne(next) } }
            }
        }
        return repositories.compactMap { results[$0.key] }
    }

    private func scanOne(_ repository: ImageRepositoryConfig) async -> RepositoryScan {
        var scan = RepositoryScan(key: repository.key, image: repository.image)
        if repository.suspend {
            // A suspended repository keeps its last scan, as Flux does.
            if let cached = cache?.load(repository.key), cached.image == repository.image {
                scan.tags = cached.tags
                scan.revision = cached.revision
            } else {
                scan.error = "\(repository.image): suspended and never scanned"
                scan.failureCode = .suspended
            }
            return scan
        }
        do {
            let reference = try ImageReference(parsing: repository.image, insecure: repository.insecure)
            let options = try await registryOptions(for: repository, reference: reference)
            let listed = try await client.listTags(reference, options: options)
            var (kept, excluded) = try ExclusionList(repository.exclusionList).partition(listed)
            scan.excluded = excluded
            // Flux's tag database order: descending bytewise; ties in policies depend on it.
            // OCI tags are ASCII, where String's own (memcmp-fast) order is bytewise too. Sorted
            // before duplicates go: registries list tags in order, a run the sort finds in one
            // pass (a Set first scrambled it, and hashing and sorting were 10% of a scan's CPU).
            BytewiseOrder.sort(&kept, descending: true)
            kept.removeAdjacentDuplicates()
            scan.tags = kept
            let previous = cache?.load(repository.key).flatMap { $0.image == repository.image ? $0 : nil }
            scan.previousTags = previous?.tags
            // The same list as last time has the same revision: no need to hash it again.
            scan.revision =
                previous.flatMap { $0.tags == kept ? $0.revision : nil }
                ?? "sha256:" + SHA256.hex(Array(kept.joined(separator: "\n").utf8))
            scan.newTags =
                previous.map { old in
                    guard old.revision != scan.revision else { return [] }
                    let known = Set(old.tags)
                    return kept.filter { !known.contains($0) }
                } ?? kept
            // An unchanged list is not rewritten: a steady-state scan costs no disk writes.
            if previous?.revision != scan.revision {
                try cache?.store(
                    CachedScan(
                        image: repository.image, tags: kept, revision: scan.revision,
                        scanTime: Date().timeIntervalSince1970),
                    for: repository.key)
            }
        } catch let error as RegistryError {
            scan.error = error.description
            scan.failureCode = .registry(error.code)
        } catch let error as PolicyError {
            // The exclusion list: a spec error, not a read failure, but Flux has no reason for it.
            scan.error = "\(repository.image): \(error.message)"
            scan.failureCode = .other
        } catch let error as StateError {
            scan.error = "\(repository.image): scanned, but the tag cache could not be written: \(error)"
            scan.failureCode = .stateDirectory
        } catch {
            scan.error = "\(repository.image): \(error)"
            scan.failureCode = FailureCode.of(error)
        }
        return scan
    }

    /// Builds the registry options of one repository: credentials from its dockerconfigjson
    /// secret, else from the cloud identity its `provider` names, else (CLI use) from the user's
    /// docker config; CA and client certificate, proxy, timeout.
    func registryOptions(for repository: ImageRepositoryConfig, reference: ImageReference) async throws
        -> RegistryOptions
    {
        var options = RegistryOptions()
        options.insecure = repository.insecure
        options.timeout = Double(repository.effectiveTimeout.milliseconds) / 1000
        let namespace = repository.key.namespace
        if let name = repository.secretRef {
            let json =
                secrets.value(namespace: namespace, name: name, key: ".dockerconfigjson")
                ?? secrets.value(namespace: namespace, name: name, key: ".dockercfg")
            guard let json else {
                throw ScanSetupError("\(repository.image): secret '\(name)' has no .dockerconfigjson or .dockercfg key")
            }
            options.credentials = try DockerConfig(json: json).credentials(for: reference) ?? .anonymous
        } else if let credentials = userDockerConfig?.credentials(for: reference),
            CloudProvider(rawValue: repository.provider) == nil
        {
            options.credentials = credentials
        }
        if let name = repository.certSecretRef {
            guard secrets.exists(namespace: namespace, name: name) else {
                throw ScanSetupError("\(repository.image): certSecretRef secret '\(name)' not found")
            }
            options.caCertificatePEM = secrets.value(namespace: namespace, name: name, key: "ca.crt")
            options.clientCertificatePEM = secrets.value(namespace: namespace, name: name, key: "tls.crt")
            options.clientKeyPEM = secrets.value(namespace: namespace, name: name, key: "tls.key")
        }
        if let name = repository.proxySecretRef {
            guard let address = secrets.value(namespace: namespace, name: name, key: "address") else {
                throw ScanSetupError("\(repository.image): proxy secret '\(name)' has no 'address' key")
            }
            options.proxy = ProxySettings(
                url: String(decoding: address, as: UTF8.self),
                username: secrets.value(namespace: namespace, name: name, key: "username").map {
                    String(decoding: $0, as: UTF8.self)
                },
                password: secrets.value(namespace: namespace, name: name, key: "password").map {
                    String(decoding: $0, as: UTF8.self)
                })
        }
        // Last: the provider's login goes through the repository's proxy (and CA, for ACR).
        if repository.secretRef == nil, let provider = CloudProvider(rawValue: repository.provider) {
            var network = HTTPClient.Options()
            network.proxy = options.proxy
            network.caCertificatePEM = options.caCertificatePEM
            network.timeout = min(30, options.timeout)
            do {
                options.credentials = try await identity.credentials(
                    for: reference.registry, provider: provider, network: network)
            } catch {
                throw ScanSetupError("\(repository.image): provider '\(provider.rawValue)': \(error.message)")
            }
        }
        return options
    }

    /// Evaluates one policy against its repository's scan, reflecting the digest if asked, and
    /// stores the result. A suspended policy is not evaluated: its last stored result stands.
    public func evaluate(_ policy: ImagePolicyConfig, scan: RepositoryScan?) async -> PolicyResolution {
        let stored = results?.load(policy.key)
        if policy.suspend {
            var resolution = PolicyResolution(key: policy.key, latest: stored)
            if stored == nil {
                resolution.error = "the ImagePolicy is suspended and has no earlier result"
                resolution.failureCode = .suspended
            }
            return resolution
        }
        var resolution = await evaluateAfresh(policy, scan: scan, stored: stored)
        // Written only when it changed: a steady-state evaluation costs no disk write.
        if let latest = resolution.latest, latest != stored {
            do {
                try results?.store(latest, for: policy.key)
            } catch {
                resolution.error = "selected \(latest.tag), but the result could not be stored: \(error)"
                resolution.failureCode = .stateDirectory
                resolution.latest = nil
            }
        }
        return resolution
    }

    private func evaluateAfresh(
        _ policy: ImagePolicyConfig, scan: RepositoryScan?, stored: PolicyResolution.LatestRef?
    ) async -> PolicyResolution {
        var resolution = PolicyResolution(key: policy.key)
        guard let repository = configuration.repositories[policy.repository], let scan else {
            resolution.error = "referenced ImageRepository \(policy.repository) does not exist"
            resolution.failureCode = .missingReference
            return resolution
        }
        if let error = scan.error {
            resolution.error = error
            resolution.failureCode = .dependencyNotReady
            return resolution
        }
        guard let rule = policy.rule else {
            resolution.error = "the policy is invalid (see imagebot validate)"
            resolution.failureCode = .invalidPolicy
            return resolution
        }
        let engine: ImagePolicy
        do {
            let filter = try policy.filterPattern.map { pattern throws(PolicyError) in
                try TagFilter(pattern: pattern, extract: policy.filterExtract)
            }
            engine = try ImagePolicy(rule: rule, filter: filter)
        } catch {
            resolution.error = error.message
            resolution.failureCode = FailureCode.of(error)
            return resolution
        }
        let decision = engine.evaluate(scan.tags)
        resolution.decision = decision
        // What the previous scan gave: the flapping guard's "stable across two scans".
        if let previousTags = scan.previousTags {
            resolution.previousTag =
                previousTags == scan.tags ? decision.selected : engine.evaluate(previousTags).selected
        }
        guard let tag = decision.selected else {
            resolution.error = decision.failure?.message ?? "nothing selected"
            resolution.failureCode = decision.failure.map { FailureCode.of($0) } ?? .nothingSelected
            return resolution
        }
        var latest = PolicyResolution.LatestRef(name: repository.image, tag: tag)
        if policy.digestReflection == .ifNotPresent, let stored, stored.name == latest.name, stored.tag == tag,
            let digest = stored.digest
        {
            // Flux keeps the digest it has while the tag stays the same.
            latest.digest = digest
        } else if policy.digestReflection != .never {
            do {
                let reference = try ImageReference(parsing: repository.image, insecure: repository.insecure)
                latest.digest = try await client.digest(
                    of: reference, tag: tag, options: try await registryOptions(for: repository, reference: reference))
            } catch {
                resolution.error = "failed fetching digest of \(repository.image):\(tag): \(error)"
                resolution.failureCode = FailureCode.of(error)
                return resolution
            }
        }
        resolution.latest = latest
        return resolution
    }
}

/// A repository whose credentials, certificates or proxy could not be assembled.
struct ScanSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension [String] {
    /// Keeps the first of each run of equal elements (on a sorted array: removes duplicates).
    mutating func removeAdjacentDuplicates() {
        guard count > 1 else { return }
        var last = 0
        for index in 1..<count where self[index] != self[last] {
            last += 1
            if last != index { swapAt(last, index) }
        }
        removeSubrange((last + 1)...)
    }
}
