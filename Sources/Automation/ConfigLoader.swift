import Basics
import Committer
import Policy
import YAML

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads the Flux manifests in a config directory into a `Configuration`, with Flux's
/// defaults and validation. Never throws: every problem becomes a diagnostic with
/// file:line:column, and everything else is still read.
public enum ConfigLoader {
    /// The current version first; the beta versions current controllers removed are still read
    /// (their fields are v1's), with a deprecation warning.
    static let imageGroups = [
        "image.toolkit.fluxcd.io/v1", "image.toolkit.fluxcd.io/v1beta2", "image.toolkit.fluxcd.io/v1beta1",
    ]
    static let sourceGroups = [
        "source.toolkit.fluxcd.io/v1", "source.toolkit.fluxcd.io/v1beta2", "source.toolkit.fluxcd.io/v1beta1",
    ]

    /// Loads every `*.yaml`/`*.yml` file under `directory` (recursively, hidden entries
    /// skipped), in sorted path order; `directory` may also be a single file.
    public static func load(directory: String) -> Configuration {
        var configuration = Configuration()
        guard let files = manifestFiles(directory: directory) else {
            configuration.diagnostics.append(
                ConfigDiagnostic(
                    .error, SourceLocation(file: directory, line: 1, column: 1), object: "",
                    "config directory does not exist"))
            return configuration
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                configuration.diagnostics.append(
                    ConfigDiagnostic(
                        .error, SourceLocation(file: file, line: 1, column: 1), object: "", "cannot read the file"))
                continue
            }
            load(bytes: Array(data), file: file, into: &configuration)
        }
        validateReferences(&configuration)
        validateMessageTemplates(&configuration)
        if configuration.objectCount == 0 {
            configuration.diagnostics.append(
                ConfigDiagnostic(
                    .warning, SourceLocation(file: directory, line: 1, column: 1), object: "",
                    "no ImageRepository, ImagePolicy, ImageUpdateAutomation or GitRepository found "
                        + "(\(files.count) manifest file\(files.count == 1 ? "" : "s") read)"))
        }
        return configuration
    }

    /// The manifest files `load(directory:)` reads, in order; nil when `directory` does not exist.
    /// Entries whose name starts with a dot are skipped: `.git`, and the `..data` and
    /// `..2026_…` directories of a Kubernetes ConfigMap volume, whose files are also reachable
    /// through the top-level symlinks (reading both would define every object twice).
    public static func manifestFiles(directory: String) -> [String]? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: directory) else { return nil }
        guard attributes[.type] as? FileAttributeType == .typeDirectory else { return [directory] }
        let entries = (try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? []
        return entries.filter { path in
            (path.hasSuffix(".yaml") || path.hasSuffix(".yml"))
                && !path.split(separator: "/").contains { $0.hasPrefix(".") }
        }.sorted().map { directory.hasSuffix("/") ? directory + $0 : directory + "/" + $0 }
    }

    /// Loads the manifests in one file's bytes (used by `load(directory:)` and by tests).
    public static func load(bytes: [UInt8], file: String, into configuration: inout Configuration) {
        let stream: YAMLStream
        do {
            stream = try YAMLParser().parse(bytes, file: file)
        } catch {
            configuration.diagnostics.append(
                ConfigDiagnostic(
                    .error, SourceLocation(file: file, line: error.line, column: error.column), object: "",
                    "invalid YAML: \(error.problem)"))
            return
        }
        for document in stream.documents {
            guard let root = document.root, !stream.nodes[root].isNull else { continue }
            var reader = ManifestReader(stream: stream, file: file)
            ManifestDecoder.decode(root: root, reader: &reader, into: &configuration)
            configuration.diagnostics += reader.diagnostics
        }
    }

    /// Checks between objects: references that must resolve, and cross-namespace access.
    package static func validateReferences(_ configuration: inout Configuration) {
        var diagnostics: [ConfigDiagnostic] = []
        for policy in configuration.policies.values.sorted(by: { $0.key < $1.key }) {
            let object = "ImagePolicy \(policy.key)"
            guard let repository = configuration.repositories[policy.repository] else {
                diagnostics.append(
                    ConfigDiagnostic(
                        .error, policy.location, object: object,
                        "referenced ImageRepository \(policy.repository) does not exist"))
                continue
            }
            guard repository.key.namespace != policy.key.namespace else { continue }
            let labels = configuration.labels(ofNamespace: policy.key.namespace)
            let allowed =
                repository.accessFrom?.contains { selector in selector.allSatisfy { labels[$0.key] == $0.value } }
                ?? false
            if !allowed {
                let reason =
                    repository.accessFrom == nil
                    ? "it has no spec.accessFrom"
                    : "no spec.accessFrom.namespaceSelectors entry matches the labels of namespace '\(policy.key.namespace)'"
                diagnostics.append(
                    ConfigDiagnostic(
                        .error, policy.location, object: object,
                        "cannot access 'ImageRepository/\(repository.key)' from namespace '\(policy.key.namespace)': \(reason)"
                    ))
            }
        }
        for automation in configuration.automations.values.sorted(by: { $0.key < $1.key })
        where configuration.gitRepositories[automation.sourceRef] == nil {
            diagnostics.append(
                ConfigDiagnostic(
                    .error, automation.location, object: "ImageUpdateAutomation \(automation.key)",
                    "referenced git repository does not exist: GitRepository \(automation.sourceRef)"))
        }
        configuration.diagnostics += diagnostics
    }
}

/// Decodes one manifest document by `kind`.
enum ManifestDecoder {
    static let metadataFields: Set<String> = [
        "name", "namespace", "labels", "annotations", "generation", "uid", "resourceVersion", "creationTimestamp",
        "finalizers", "ownerReferences", "managedFields", "generateName", "deletionTimestamp",
    ]

    struct Header {
        var kind: String
        var apiVersion: String
        var key: ObjectKey
        var labels: [String: String]
        var annotations: [String: String]
        var location: SourceLocation
    }

    static func decode(root: Int, reader: inout ManifestReader, into configuration: inout Configuration) {
        guard reader.mapping(root, path: "manifest", known: nil) != nil else { return }
        guard let kind = reader.string(root, "kind", path: "manifest"),
            let apiVersion = reader.string(root, "apiVersion", path: "manifest")
        else { return }  // not a Kubernetes object: nothing imagebot reads
        if apiVersion == "v1" && kind.hasSuffix("List") {
            // `kubectl get … -o yaml` writes a `kind: List` whose items are the objects.
            guard let items = reader.field(root, "items", path: "manifest") else { return }
            guard case .sequence = reader.stream.nodes[items].kind else {
                reader.error(items, "items must be a list, found \(reader.describe(items))")
                return
            }
            for item in reader.stream.nodes[items].children {
                reader.object = ""
                decode(root: item, reader: &reader, into: &configuration)
            }
            return
        }
        let supported: [String: [String]] = [
            "ImageRepository": ConfigLoader.imageGroups, "ImagePolicy": ConfigLoader.imageGroups,
            "ImageUpdateAutomation": ConfigLoader.imageGroups, "GitRepository": ConfigLoader.sourceGroups,
            "Secret": ["v1"], "Namespace": ["v1"],
        ]
        guard let versions = supported[kind] else { return }  // other kinds may share the directory
        guard versions.contains(apiVersion) else {
            if let node = reader.field(root, "apiVersion", path: "manifest") {
                reader.error(node, "\(kind) apiVersion '\(apiVersion)' is not supported; use \(versions[0])")
            }
            return
        }
        let deprecated = apiVersion != versions[0]
        var name = ""
        var namespace = "default"
        var labels: [String: String] = [:]
        var annotations: [String: String] = [:]
        if let metadata = reader.field(root, "metadata", path: "manifest", required: true),
            reader.mapping(metadata, path: "metadata", known: metadataFields) != nil
        {
            name = reader.string(metadata, "name", path: "metadata", required: true) ?? ""
            namespace = reader.string(metadata, "namespace", path: "metadata") ?? "default"
            labels = reader.stringMap(metadata, "labels", path: "metadata") ?? [:]
            annotations = reader.stringMap(metadata, "annotations", path: "metadata") ?? [:]
        }
        guard !name.isEmpty else { return }
        if kind == "Namespace" {
            configuration.namespaceLabels[name] = labels
            return
        }
        let header = Header(
            kind: kind, apiVersion: apiVersion, key: ObjectKey(namespace: namespace, name: name),
            labels: labels, annotations: annotations, location: reader.location(root))
        reader.object = "\(kind) \(header.key)"
        if deprecated, let node = reader.field(root, "apiVersion", path: "manifest") {
            reader.warning(
                node,
                "apiVersion \(apiVersion) is deprecated and current Flux controllers no longer "
                    + "serve it; read as \(versions[0]) (change the manifest to \(versions[0]))")
        }
        func duplicate() -> Bool {
            let exists: Bool =
                switch kind {
                case "ImageRepository": configuration.repositories[header.key] != nil
                case "ImagePolicy": configuration.policies[header.key] != nil
                case "ImageUpdateAutomation": configuration.automations[header.key] != nil
                case "GitRepository": configuration.gitRepositories[header.key] != nil
                default: configuration.secrets[header.key] != nil
                }
            if exists { reader.error(root, "defined more than once; this definition is ignored") }
            return exists
        }
        guard !duplicate() else { return }
        let spec = kind == "Secret" ? nil : reader.field(root, "spec", path: "manifest", required: true)
        switch kind {
        case "ImageRepository":
            if let spec { configuration.repositories[header.key] = imageRepository(header, spec, &reader) }
        case "ImagePolicy":
            if let spec { configuration.policies[header.key] = imagePolicy(header, spec, &reader) }
        case "ImageUpdateAutomation":
            if let spec { configuration.automations[header.key] = automation(header, spec, &reader) }
        case "GitRepository":
            if let spec { configuration.gitRepositories[header.key] = gitRepository(header, spec, &reader) }
        default:
            configuration.secrets[header.key] = secret(header, root, &reader)
        }
    }

    // MARK: ImageRepository

    static func imageRepository(_ header: Header, _ spec: Int, _ r: inout ManifestReader) -> ImageRepositoryConfig? {
        let known: Set<String> = [
            "image", "interval", "timeout", "secretRef", "certSecretRef", "proxySecretRef", "serviceAccountName",
            "suspend", "accessFrom", "exclusionList", "provider", "insecure",
        ]
        guard r.mapping(spec, path: "spec", known: known) != nil else { return nil }
        var config = ImageRepositoryConfig(
            key: header.key, location: header.location, labels: header.labels, annotations: header.annotations)
        config.image = r.string(spec, "image", path: "spec", required: true) ?? ""
        if let node = r.field(spec, "image", path: "spec") { validateImage(config.image, node, &r) }
        config.interval = r.duration(spec, "interval", path: "spec", required: true) ?? .zero
        config.timeout = r.duration(spec, "timeout", path: "spec", allowHours: false)
        config.secretRef = r.referenceName(spec, "secretRef", path: "spec")
        config.certSecretRef = r.referenceName(spec, "certSecretRef", path: "spec")
        config.proxySecretRef = r.referenceName(spec, "proxySecretRef", path: "spec")
        config.serviceAccountName = r.string(spec, "serviceAccountName", path: "spec")
        if config.serviceAccountName != nil, let node = r.field(spec, "serviceAccountName", path: "spec") {
            r.warning(
                node,
                "spec.serviceAccountName needs the Kubernetes API (its imagePullSecrets, or a token for "
                    + "object-level workload identity), which imagebot does not talk to; ignored: give the pull secret with "
                    + "spec.secretRef, or use the controller's own identity with spec.provider")
        }
        config.suspend = r.bool(spec, "suspend", path: "spec") ?? false
        config.insecure = r.bool(spec, "insecure", path: "spec") ?? false
        if let provider = r.string(spec, "provider", path: "spec"), let node = r.field(spec, "provider", path: "spec") {
            if !["generic", "aws", "azure", "gcp"].contains(provider) {
                r.error(node, "spec.provider must be one of 'generic', 'aws', 'azure', 'gcp', found '\(provider)'")
            }
            config.provider = provider
        }
        if let list = r.stringList(spec, "exclusionList", path: "spec"),
            let node = r.field(spec, "exclusionList", path: "spec")
        {
            if list.count > 25 { r.error(node, "spec.exclusionList has \(list.count) items; at most 25 are allowed") }
            do {
                _ = try ExclusionList(list)
            } catch {
                r.error(node, "spec.exclusionList: failed to compile regex: \(error.message)")
            }
            config.exclusionList = list
        }
        if let accessFrom = r.field(spec, "accessFrom", path: "spec"),
            r.mapping(accessFrom, path: "spec.accessFrom", known: ["namespaceSelectors"]) != nil
        {
            var selectors: [[String: String]] = []
            if let list = r.field(accessFrom, "namespaceSelectors", path: "spec.accessFrom", required: true) {
                for item in r.stream.nodes[list].children
                where r.mapping(item, path: "spec.accessFrom.namespaceSelectors[]", known: ["matchLabels"]) != nil {
                    selectors.append(
                        r.stringMap(item, "matchLabels", path: "spec.accessFrom.namespaceSelectors[]") ?? [:])
                }
            }
            config.accessFrom = selectors
        }
        return config
    }

    /// Flux's two messages for what users most often get wrong in `spec.image`.
    static func validateImage(_ image: String, _ node: Int, _ r: inout ManifestReader) {
        if let scheme = image.firstRange(of: "://") {
            r.error(node, "image '\(image)' should not include URL scheme; remove '\(image[..<scheme.upperBound])'")
            return
        }
        let components = image.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let hasHost =
            components.count == 2
            && (components[0].contains(".") || components[0].contains(":") || components[0] == "localhost")
        let path = hasHost ? components[1] : Substring(image)
        if let colon = path.firstIndex(of: ":") {
            r.error(node, "image '\(image)' should not include a tag; remove '\(path[colon...])'")
        } else if let at = path.firstIndex(of: "@") {
            r.error(node, "image '\(image)' should not include a digest; remove '\(path[at...])'")
        }
    }

    // MARK: ImagePolicy

    static func imagePolicy(_ header: Header, _ spec: Int, _ r: inout ManifestReader) -> ImagePolicyConfig? {
        let known: Set<String> = [
            "imageRepositoryRef", "policy", "filterTags", "digestReflectionPolicy", "interval", "suspend",
        ]
        guard r.mapping(spec, path: "spec", known: known) != nil else { return nil }
        var repository = ObjectKey(namespace: header.key.namespace, name: "")
        if let ref = r.field(spec, "imageRepositoryRef", path: "spec", required: true),
            r.mapping(ref, path: "spec.imageRepositoryRef", known: ["name", "namespace"]) != nil
        {
            repository.name = r.string(ref, "name", path: "spec.imageRepositoryRef", required: true) ?? ""
            repository.namespace = r.string(ref, "namespace", path: "spec.imageRepositoryRef") ?? header.key.namespace
        }
        var config = ImagePolicyConfig(
            key: header.key, location: header.location, labels: header.labels,
            annotations: header.annotations, repository: repository)
        if let policy = r.field(spec, "policy", path: "spec", required: true),
            r.mapping(policy, path: "spec.policy", known: ["semver", "alphabetical", "numerical"]) != nil
        {
            config.rule = rule(policy, &r)
        }
        if let filter = r.field(spec, "filterTags", path: "spec"),
            r.mapping(filter, path: "spec.filterTags", known: ["pattern", "extract"]) != nil
        {
            let pattern = r.string(filter, "pattern", path: "spec.filterTags") ?? ""
            config.filterPattern = pattern
            config.filterExtract = r.string(filter, "extract", path: "spec.filterTags") ?? ""
            do {
                _ = try TagFilter(pattern: pattern, extract: config.filterExtract)
            } catch {
                r.error(
                    r.field(filter, "pattern", path: "spec.filterTags") ?? filter,
                    "spec.filterTags.pattern: \(error.message)")
            }
        }
        config.digestReflection =
            r.enumeration(spec, "digestReflectionPolicy", path: "spec", as: ImagePolicyConfig.DigestReflection.self)
            ?? .never
        config.interval = r.duration(spec, "interval", path: "spec")
        if config.interval != nil && config.digestReflection != .always,
            let node = r.field(spec, "interval", path: "spec")
        {
            r.error(node, "spec.interval is only accepted when spec.digestReflectionPolicy is set to 'Always'")
        }
        if config.interval == nil && config.digestReflection == .always,
            let node = r.field(spec, "digestReflectionPolicy", path: "spec")
        {
            r.error(node, "spec.interval must be set when spec.digestReflectionPolicy is set to 'Always'")
        }
        config.suspend = r.bool(spec, "suspend", path: "spec") ?? false
        return config
    }

    /// semver > alphabetical > numerical when several are set, as Flux reads the union.
    static func rule(_ policy: Int, _ r: inout ManifestReader) -> ImagePolicy.Rule? {
        var chosen: ImagePolicy.Rule?
        var node = policy
        if let semver = r.field(policy, "semver", path: "spec.policy"),
            r.mapping(semver, path: "spec.policy.semver", known: ["range"]) != nil
        {
            node = r.field(semver, "range", path: "spec.policy.semver") ?? semver
            chosen = .semver(range: r.string(semver, "range", path: "spec.policy.semver", required: true) ?? "")
        } else if let alphabetical = r.field(policy, "alphabetical", path: "spec.policy"),
            r.mapping(alphabetical, path: "spec.policy.alphabetical", known: ["order"]) != nil
        {
            node = r.field(alphabetical, "order", path: "spec.policy.alphabetical") ?? alphabetical
            let order = r.string(alphabetical, "order", path: "spec.policy.alphabetical") ?? "asc"
            do { chosen = .alphabetical(try ImagePolicy.SortOrder(parsing: order)) } catch {
                r.error(node, error.message)
            }
        } else if let numerical = r.field(policy, "numerical", path: "spec.policy"),
            r.mapping(numerical, path: "spec.policy.numerical", known: ["order"]) != nil
        {
            node = r.field(numerical, "order", path: "spec.policy.numerical") ?? numerical
            let order = r.string(numerical, "order", path: "spec.policy.numerical") ?? "asc"
            do { chosen = .numerical(try ImagePolicy.SortOrder(parsing: order)) } catch { r.error(node, error.message) }
        } else {
            r.error(
                policy,
                "invalid policy: given ImagePolicyChoice object is invalid (set semver, alphabetical or numerical)")
        }
        if let chosen, case .semver = chosen {
            do { _ = try ImagePolicy(rule: chosen) } catch { r.error(node, error.message) }
        }
        return chosen
    }

    // MARK: GitRepository

    static func gitRepository(_ header: Header, _ spec: Int, _ r: inout ManifestReader) -> GitRepositoryConfig? {
        let known: Set<String> = [
            "url", "ref", "secretRef", "proxySecretRef", "interval", "timeout", "provider", "suspend", "verify",
            "ignore",
            "include", "recurseSubmodules", "sparseCheckout", "serviceAccountName",
        ]
        guard r.mapping(spec, path: "spec", known: known) != nil else { return nil }
        var config = GitRepositoryConfig(key: header.key, location: header.location)
        config.url = r.string(spec, "url", path: "spec", required: true) ?? ""
        if let url = r.field(spec, "url", path: "spec"),
            !["https://", "http://", "ssh://", "file://"].contains(where: config.url.hasPrefix)
        {
            r.error(url, "spec.url must start with https://, http://, ssh:// or file://, found '\(config.url)'")
        }
        config.reference = gitReference(spec, "ref", path: "spec", &r)
        config.secretRef = r.referenceName(spec, "secretRef", path: "spec")
        config.proxySecretRef = r.referenceName(spec, "proxySecretRef", path: "spec")
        config.interval = r.duration(spec, "interval", path: "spec", required: true) ?? .zero
        config.timeout = r.duration(spec, "timeout", path: "spec") ?? .seconds(60)
        config.provider = r.string(spec, "provider", path: "spec") ?? "generic"
        if let node = r.field(spec, "provider", path: "spec") {
            switch config.provider {
            case "generic", "github": break
            case "azure", "aws":
                r.warning(
                    node,
                    "provider '\(config.provider)' (workload identity for Git) is not supported by imagebot yet: "
                        + "automations using this repository fail; give credentials with spec.secretRef")
            default:
                r.error(
                    node, "spec.provider must be one of 'generic', 'azure', 'github', 'aws', found '\(config.provider)'"
                )
            }
        }
        if let node = r.field(spec, "serviceAccountName", path: "spec") {
            r.warning(
                node,
                "spec.serviceAccountName needs the Kubernetes API (workload identity tokens), which imagebot "
                    + "does not talk to; ignored")
        }
        return config
    }

    static func gitReference(_ mapping: Int, _ key: String, path: String, _ r: inout ManifestReader) -> GitReference? {
        guard let node = r.field(mapping, key, path: path),
            r.mapping(node, path: "\(path).\(key)", known: ["branch", "tag", "semver", "name", "commit"]) != nil
        else { return nil }
        let p = "\(path).\(key)"
        return GitReference(
            branch: r.string(node, "branch", path: p), tag: r.string(node, "tag", path: p),
            semver: r.string(node, "semver", path: p), name: r.string(node, "name", path: p),
            commit: r.string(node, "commit", path: p))
    }

    // MARK: ImageUpdateAutomation

    static func automation(_ header: Header, _ spec: Int, _ r: inout ManifestReader) -> ImageUpdateAutomationConfig? {
        let known: Set<String> = ["sourceRef", "git", "interval", "policySelector", "update", "suspend"]
        guard r.mapping(spec, path: "spec", known: known) != nil else { return nil }
        var source = ObjectKey(namespace: header.key.namespace, name: "")
        if let ref = r.field(spec, "sourceRef", path: "spec", required: true),
            r.mapping(ref, path: "spec.sourceRef", known: ["kind", "name", "namespace", "apiVersion"]) != nil
        {
            let kind = r.string(ref, "kind", path: "spec.sourceRef") ?? "GitRepository"
            if kind != "GitRepository", let node = r.field(ref, "kind", path: "spec.sourceRef") {
                r.error(node, "spec.sourceRef.kind must be 'GitRepository', found '\(kind)'")
            }
            source.name = r.string(ref, "name", path: "spec.sourceRef", required: true) ?? ""
            source.namespace = r.string(ref, "namespace", path: "spec.sourceRef") ?? header.key.namespace
        }
        var config = ImageUpdateAutomationConfig(key: header.key, location: header.location, sourceRef: source)
        config.interval = r.duration(spec, "interval", path: "spec", required: true) ?? .zero
        config.suspend = r.bool(spec, "suspend", path: "spec") ?? false
        if let git = r.field(spec, "git", path: "spec"),
            r.mapping(git, path: "spec.git", known: ["checkout", "commit", "push"]) != nil
        {
            readGit(git, &config, &r)
        } else {
            r.error(spec, "source kind 'GitRepository' necessitates field .spec.git")
        }
        if let selector = r.field(spec, "policySelector", path: "spec") {
            config.policySelector = labelSelector(selector, path: "spec.policySelector", &r)
        }
        if let update = r.field(spec, "update", path: "spec"),
            r.mapping(update, path: "spec.update", known: ["strategy", "path"]) != nil
        {
            let strategy = r.string(update, "strategy", path: "spec.update") ?? "Setters"
            if strategy != "Setters", let node = r.field(update, "strategy", path: "spec.update") {
                r.error(node, "unsupported update strategy: \(strategy)")
            }
            let written = r.string(update, "path", path: "spec.update") ?? "."
            config.updatePath = written
            // Flux joins the path inside the clone (securejoin): `/apps` is `<repo>/apps` and a
            // `..` never climbs above the root. Say so when that changes what was written.
            if written.hasPrefix("/") || written.split(separator: "/").contains(".."),
                let node = r.field(update, "path", path: "spec.update")
            {
                r.warning(
                    node,
                    "spec.update.path '\(written)' is read inside the repository as '\(Self.pathInsideRepository(written))', as Flux does"
                )
            }
        }
        return config
    }

    /// `path` joined inside a repository root the way Flux's securejoin does it lexically:
    /// leading `/` dropped, `.` and empty components removed, `..` never above the root.
    static func pathInsideRepository(_ path: String) -> String {
        var components: [Substring] = []
        for component in path.split(separator: "/") where component != "." {
            if component == ".." {
                _ = components.popLast()
            } else {
                components.append(component)
            }
        }
        return components.isEmpty ? "." : components.joined(separator: "/")
    }

    static func readGit(_ git: Int, _ config: inout ImageUpdateAutomationConfig, _ r: inout ManifestReader) {
        if let checkout = r.field(git, "checkout", path: "spec.git"),
            r.mapping(checkout, path: "spec.git.checkout", known: ["ref"]) != nil
        {
            config.checkout = gitReference(checkout, "ref", path: "spec.git.checkout", &r)
        }
        if let commit = r.field(git, "commit", path: "spec.git", required: true),
            r.mapping(
                commit, path: "spec.git.commit",
                known: ["author", "signingKey", "messageTemplate", "messageTemplateValues"]) != nil
        {
            if let author = r.field(commit, "author", path: "spec.git.commit", required: true),
                r.mapping(author, path: "spec.git.commit.author", known: ["name", "email"]) != nil
            {
                config.authorName = r.string(author, "name", path: "spec.git.commit.author") ?? ""
                config.authorEmail = r.string(author, "email", path: "spec.git.commit.author", required: true) ?? ""
            }
            if let signing = r.field(commit, "signingKey", path: "spec.git.commit"),
                r.mapping(signing, path: "spec.git.commit.signingKey", known: ["secretRef", "type"]) != nil
            {
                config.signingKeySecret = r.referenceName(signing, "secretRef", path: "spec.git.commit.signingKey")
                if config.signingKeySecret == nil {
                    r.error(signing, "spec.git.commit.signingKey.secretRef is required")
                }
                config.signingKeyType =
                    r.enumeration(
                        signing, "type", path: "spec.git.commit.signingKey",
                        as: ImageUpdateAutomationConfig.SigningKeyType.self) ?? .gpg
            }
            config.messageTemplate = r.string(commit, "messageTemplate", path: "spec.git.commit")
            if let node = r.field(commit, "messageTemplate", path: "spec.git.commit") {
                config.messageTemplateLocation = r.location(node)
            }
            config.messageTemplateValues = r.stringMap(commit, "messageTemplateValues", path: "spec.git.commit")
        }
        if let push = r.field(git, "push", path: "spec.git"),
            r.mapping(push, path: "spec.git.push", known: ["branch", "refspec", "options"]) != nil
        {
            config.pushBranch = r.string(push, "branch", path: "spec.git.push")
            config.pushRefspec = r.string(push, "refspec", path: "spec.git.push")
            config.pushOptions = r.stringMap(push, "options", path: "spec.git.push") ?? [:]
            if !config.pushOptions.isEmpty, let node = r.field(push, "options", path: "spec.git.push") {
                r.error(
                    node,
                    "spec.git.push.options cannot be sent: the linked libgit2 (Debian 12's 1.5) has no push "
                        + "options (they need libgit2 1.8); remove them")
            }
        }
    }

    static func labelSelector(_ node: Int, path: String, _ r: inout ManifestReader) -> ImageUpdateAutomationConfig
        .LabelSelector?
    {
        guard r.mapping(node, path: path, known: ["matchLabels", "matchExpressions"]) != nil else { return nil }
        var selector = ImageUpdateAutomationConfig.LabelSelector()
        selector.matchLabels = r.stringMap(node, "matchLabels", path: path) ?? [:]
        if let expressions = r.field(node, "matchExpressions", path: path) {
            for item in r.stream.nodes[expressions].children
            where r.mapping(item, path: "\(path).matchExpressions[]", known: ["key", "operator", "values"]) != nil {
                let key = r.string(item, "key", path: "\(path).matchExpressions[]", required: true) ?? ""
                let op = r.string(item, "operator", path: "\(path).matchExpressions[]", required: true) ?? ""
                let values = r.stringList(item, "values", path: "\(path).matchExpressions[]") ?? []
                if !["In", "NotIn", "Exists", "DoesNotExist"].contains(op) {
                    r.error(item, "\(path): invalid selector operator '\(op)' (In, NotIn, Exists, DoesNotExist)")
                } else if (op == "In" || op == "NotIn") && values.isEmpty {
                    // The API server's own validation (metav1.LabelSelectorAsSelector).
                    r.error(
                        item,
                        "\(path).matchExpressions[].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"
                    )
                } else if (op == "Exists" || op == "DoesNotExist") && !values.isEmpty {
                    r.error(
                        item,
                        "\(path).matchExpressions[].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                    )
                }
                selector.matchExpressions.append(.init(key: key, op: op, values: values))
            }
        }
        return selector
    }

    // MARK: Secret

    static func secret(_ header: Header, _ root: Int, _ r: inout ManifestReader) -> SecretConfig {
        var config = SecretConfig(key: header.key, location: header.location)
        config.type = r.string(root, "type", path: "manifest") ?? "Opaque"
        if let data = r.stringMap(root, "data", path: "manifest"), let node = r.field(root, "data", path: "manifest") {
            for (name, encoded) in data.sorted(by: { $0.key < $1.key }) {
                switch Base64.decode(encoded) {
                case .success(let decoded): config.data[name] = decoded
                case .failure(let error): r.error(node, "data.\(name) is not valid base64: \(error)")
                }
            }
        }
        for (name, value) in r.stringMap(root, "stringData", path: "manifest") ?? [:] {
            config.data[name] = Array(value.utf8)
        }
        return config
    }
}
