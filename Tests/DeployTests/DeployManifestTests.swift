import Foundation
import Testing
import YAML

// Checks the Kubernetes manifests under deploy/ with imagebot's own YAML reader: that every
// document is a well-formed object, that the workloads keep their security settings, probes and
// arguments, that names referring to each other resolve, and that the policies ConfigMap
// embeds Flux objects imagebot can read.

/// The repository root: this file is `<root>/Tests/DeployTests/DeployManifestTests.swift`.
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let deployDirectory = packageRoot.appendingPathComponent("deploy")

/// One document of a manifest file.
private struct Manifest {
    var file: String
    var stream: YAMLStream
    var root: Int

    var kind: String { stream.scalar(atPath: ["kind"], from: root) ?? "" }
    var name: String { stream.scalar(atPath: ["metadata", "name"], from: root) ?? "" }
    var label: String { "\(file): \(kind) \(name)" }

    /// The node at `path` (mapping keys) from this document's root.
    func node(_ path: String...) -> Int? { stream.node(atPath: path, from: root) }
}

extension YAMLStream {
    /// The node reached by following mapping keys from `start`.
    fileprivate func node(atPath path: [String], from start: Int?) -> Int? {
        var current = start
        for key in path {
            guard let mapping = current else { return nil }
            current = value(forKey: key, in: mapping)
        }
        return current
    }

    /// The scalar reached by following mapping keys from `start`.
    fileprivate func string(_ path: String..., from start: Int?) -> String? {
        node(atPath: path, from: start).flatMap { nodes[$0].scalarValue }
    }

    /// The items of a sequence node (empty for anything else).
    fileprivate func items(_ node: Int?) -> [Int] {
        guard let node, case .sequence = nodes[node].kind else { return [] }
        return nodes[node].children
    }

    /// The scalar items of a sequence node.
    fileprivate func strings(_ node: Int?) -> [String] { items(node).compactMap { nodes[$0].scalarValue } }

    /// A mapping of scalars as a dictionary.
    fileprivate func stringMap(_ node: Int?) -> [String: String] {
        guard let node else { return [:] }
        var map: [String: String] = [:]
        for (key, value) in pairs(of: node) {
            if let k = nodes[key].scalarValue, let v = nodes[value].scalarValue { map[k] = v }
        }
        return map
    }

    fileprivate func isMapping(_ node: Int) -> Bool {
        if case .mapping = nodes[node].kind { return true }
        return false
    }
}

/// Every `*.yaml`/`*.yml` under deploy/, as paths relative to the repository root, sorted.
private func manifestFiles() -> [String] {
    let directory = deployDirectory.resolvingSymlinksInPath().path
    let paths = (try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? []
    return paths.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "deploy/\($0)" }
}

private func parse(_ bytes: [UInt8], file: String) throws -> YAMLStream {
    try YAMLParser().parse(bytes, file: file)
}

private func load(_ file: String) throws -> [Manifest] {
    let data = try Data(contentsOf: packageRoot.appendingPathComponent(file))
    let stream = try parse(Array(data), file: file)
    return stream.documents.compactMap { document in
        document.root.map { Manifest(file: file, stream: stream, root: $0) }
    }
}

private func allManifests() throws -> [Manifest] {
    try manifestFiles().flatMap { try load($0) }
}

/// The value of `--name=value` or `--name value` in an argument list.
private func flag(_ name: String, in args: [String]) -> String? {
    for (index, arg) in args.enumerated() {
        if arg.hasPrefix("--\(name)=") { return String(arg.dropFirst(name.count + 3)) }
        if arg == "--\(name)", index + 1 < args.count { return args[index + 1] }
    }
    return nil
}

@Suite struct DeployManifestTests {
    @Test func theExpectedManifestsExist() throws {
        let files = manifestFiles()
        #expect(files.count >= 8, "found \(files)")
        let kinds = Set(try allManifests().map(\.kind))
        for kind in ["ServiceAccount", "ConfigMap", "Deployment", "Service", "StatefulSet", "ServiceMonitor", "Secret"]
        {
            #expect(kinds.contains(kind), "no \(kind) under deploy/")
        }
    }

    @Test(arguments: manifestFiles())
    func everyDocumentIsAnObjectWithApiVersionKindAndName(file: String) throws {
        let manifests = try load(file)
        #expect(!manifests.isEmpty, "\(file) has no document")
        for manifest in manifests {
            let stream = manifest.stream
            #expect(stream.isMapping(manifest.root), "\(file): a document is not a mapping")
            for path in [["apiVersion"], ["kind"], ["metadata", "name"]] {
                let value = stream.scalar(atPath: path, from: manifest.root) ?? ""
                #expect(!value.isEmpty, "\(manifest.label): no \(path.joined(separator: "."))")
            }
            // Namespace-agnostic: `kubectl apply -n NS` decides where everything goes.
            #expect(manifest.node("metadata", "namespace") == nil, "\(manifest.label) sets a namespace")
        }
    }

    @Test func workloadsRunLockedDownWithProbesAndTheDaemonArguments() throws {
        let manifests = try allManifests()
        let workloads = manifests.filter { $0.kind == "Deployment" || $0.kind == "StatefulSet" }
        #expect(workloads.contains { $0.kind == "Deployment" })
        #expect(workloads.contains { $0.kind == "StatefulSet" })
        for workload in workloads {
            let stream = workload.stream
            let pod = workload.node("spec", "template", "spec")
            #expect(pod != nil, "\(workload.label): no spec.template.spec")
            let podSecurity = stream.node(atPath: ["securityContext"], from: pod)
            let containers = stream.items(stream.node(atPath: ["containers"], from: pod))
            #expect(!containers.isEmpty, "\(workload.label): no containers")

            var volumes: [String: Int] = [:]
            for volume in stream.items(stream.node(atPath: ["volumes"], from: pod)) {
                if let name = stream.string("name", from: volume) { volumes[name] = volume }
            }
            let claimTemplates = Set(
                stream.items(workload.node("spec", "volumeClaimTemplates")).compactMap {
                    stream.string("metadata", "name", from: $0)
                })

            for container in containers {
                let label = "\(workload.label) container \(stream.string("name", from: container) ?? "?")"
                let security = stream.node(atPath: ["securityContext"], from: container)

                // Security settings (runAsNonRoot and seccomp may be inherited from the pod).
                let runAsNonRoot =
                    stream.string("runAsNonRoot", from: security) ?? stream.string("runAsNonRoot", from: podSecurity)
                #expect(runAsNonRoot == "true", "\(label): runAsNonRoot")
                #expect(
                    stream.string("readOnlyRootFilesystem", from: security) == "true",
                    "\(label): readOnlyRootFilesystem")
                #expect(
                    stream.string("allowPrivilegeEscalation", from: security) == "false",
                    "\(label): allowPrivilegeEscalation")
                #expect(
                    stream.strings(stream.node(atPath: ["capabilities", "drop"], from: security)).contains("ALL"),
                    "\(label): capabilities.drop ALL")
                let seccomp =
                    stream.string("seccompProfile", "type", from: security)
                    ?? stream.string("seccompProfile", "type", from: podSecurity)
                #expect(seccomp == "RuntimeDefault", "\(label): seccompProfile")
                if let user = stream.string("runAsUser", from: security)
                    ?? stream.string("runAsUser", from: podSecurity)
                {
                    #expect(user != "0", "\(label): runAsUser 0")
                }

                // The one port, named http, and probes that reach it.
                let ports = stream.items(stream.node(atPath: ["ports"], from: container))
                let http = ports.first { stream.string("name", from: $0) == "http" }
                #expect(
                    http.flatMap { stream.string("containerPort", from: $0) } == "8080",
                    "\(label): containerPort http 8080")
                for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
                    let get = stream.node(atPath: [probe, "httpGet"], from: container)
                    #expect(stream.string("path", from: get) == path, "\(label): \(probe) path")
                    let port = stream.string("port", from: get)
                    #expect(
                        port == "http" || port == "8080",
                        "\(label): \(probe) port \(port ?? "none") is not the http port")
                }

                // The daemon's arguments.
                let args = stream.strings(stream.node(atPath: ["args"], from: container))
                #expect(args.first == "run", "\(label): args do not start with run: \(args)")
                #expect(args.contains("--allow-file-remotes=false"), "\(label): no --allow-file-remotes=false")
                #expect(flag("log-format", in: args) == "json", "\(label): --log-format json")
                #expect(flag("listen", in: args).map { $0.hasSuffix(":8080") } == true, "\(label): --listen :8080")
                if workload.kind == "StatefulSet" {
                    #expect(
                        flag("shard-count", in: args)
                            == workload.stream.string("spec", "replicas", from: workload.root),
                        "\(label): --shard-count differs from spec.replicas")
                    #expect(
                        flag("shard-index", in: args) == nil, "\(label): the shard index must come from the hostname")
                }

                // Mounts: every one names a volume; the writable places are volumes; the paths
                // given as flags lie on mounts.
                var mounts: [String: String] = [:]
                for mount in stream.items(stream.node(atPath: ["volumeMounts"], from: container)) {
                    guard let name = stream.string("name", from: mount),
                        let path = stream.string("mountPath", from: mount)
                    else {
                        Issue.record("\(label): a volumeMount without name or mountPath")
                        continue
                    }
                    #expect(
                        volumes[name] != nil || claimTemplates.contains(name), "\(label): mount \(name) has no volume")
                    mounts[path] = name
                }
                #expect(mounts["/tmp"] != nil, "\(label): /tmp is not writable")
                let stateDirectory = flag("state-dir", in: args)
                #expect(stateDirectory == "/var/lib/imagebot", "\(label): --state-dir")
                #expect(stateDirectory.flatMap { mounts[$0] } != nil, "\(label): the state directory is not a volume")
                if workload.kind == "StatefulSet" {
                    #expect(
                        stateDirectory.flatMap { mounts[$0] }.map(claimTemplates.contains) == true,
                        "\(label): the state directory is not on the volumeClaimTemplate")
                }
                for option in ["config", "hook-token-file"] {
                    let path = flag(option, in: args)
                    #expect(
                        path.map { p in mounts.keys.contains { p == $0 || p.hasPrefix($0 + "/") } } == true,
                        "\(label): --\(option) is on no mount")
                }

                // Secrets named by manifests are read from <secrets-dir>/<name>/<key>.
                let secretsDirectory = flag("secrets-dir", in: args)
                #expect(secretsDirectory != nil, "\(label): no --secrets-dir")
                for (path, name) in mounts where path.hasPrefix((secretsDirectory ?? "?") + "/") {
                    let secretName = volumes[name].flatMap { stream.string("secret", "secretName", from: $0) }
                    #expect(secretName != nil, "\(label): \(path) under the secrets directory is not a Secret volume")
                    #expect(
                        path == "\(secretsDirectory ?? "")/\(secretName ?? "")",
                        "\(label): Secret \(secretName ?? "?") is mounted at \(path)")
                }
            }
        }
    }

    @Test func servicesSelectAWorkloadAndExposeTheHttpPort() throws {
        let manifests = try allManifests()
        let podLabels = manifests.filter { $0.kind == "Deployment" || $0.kind == "StatefulSet" }.map {
            $0.stream.stringMap($0.node("spec", "template", "metadata", "labels"))
        }
        let services = manifests.filter { $0.kind == "Service" }
        #expect(!services.isEmpty)
        for service in services {
            let selector = service.stream.stringMap(service.node("spec", "selector"))
            #expect(!selector.isEmpty, "\(service.label): no selector")
            #expect(
                podLabels.contains { labels in selector.allSatisfy { labels[$0.key] == $0.value } },
                "\(service.label): the selector matches no workload")
            let ports = service.stream.items(service.node("spec", "ports"))
            #expect(
                ports.contains {
                    service.stream.string("name", from: $0) == "http"
                        && service.stream.string("port", from: $0) == "8080"
                },
                "\(service.label): no port http 8080")
        }
        for statefulSet in manifests where statefulSet.kind == "StatefulSet" {
            let serviceName = statefulSet.stream.string("spec", "serviceName", from: statefulSet.root)
            let governing = services.first { $0.name == serviceName }
            #expect(governing != nil, "\(statefulSet.label): no Service \(serviceName ?? "?")")
            #expect(
                governing.flatMap { $0.stream.string("spec", "clusterIP", from: $0.root) } == "None",
                "\(statefulSet.label): its Service is not headless")
        }
    }

    @Test func workloadsReferToObjectsThatAreShipped() throws {
        let manifests = try allManifests()
        let names = Set(manifests.map { "\($0.kind)/\($0.name)" })
        for workload in manifests where workload.kind == "Deployment" || workload.kind == "StatefulSet" {
            let stream = workload.stream
            let pod = workload.node("spec", "template", "spec")
            if let account = stream.string("serviceAccountName", from: pod) {
                #expect(names.contains("ServiceAccount/\(account)"), "\(workload.label): no ServiceAccount \(account)")
            }
            for volume in stream.items(stream.node(atPath: ["volumes"], from: pod)) {
                if let configMap = stream.string("configMap", "name", from: volume) {
                    #expect(names.contains("ConfigMap/\(configMap)"), "\(workload.label): no ConfigMap \(configMap)")
                }
                if let secret = stream.string("secret", "secretName", from: volume) {
                    // The example Secrets (placeholders, in optional/) must cover what is mounted.
                    #expect(names.contains("Secret/\(secret)"), "\(workload.label): no example Secret \(secret)")
                }
            }
        }
    }

    @Test func thePoliciesConfigMapHoldsTheFourFluxKinds() throws {
        let manifests = try allManifests()
        let configMaps = manifests.filter { $0.kind == "ConfigMap" && $0.name == "imagebot-policies" }
        #expect(configMaps.count == 1)
        for configMap in configMaps {
            let data = configMap.node("data")
            let entries = data.map { configMap.stream.pairs(of: $0) } ?? []
            #expect(!entries.isEmpty, "\(configMap.label): no data")
            var kinds: Set<String> = []
            var objects: [String] = []
            for (key, value) in entries {
                let name = configMap.stream.nodes[key].scalarValue ?? "?"
                let text = try #require(
                    configMap.stream.nodes[value].scalarValue, "\(configMap.label): data.\(name) is not text")
                let embedded = try parse(Array(text.utf8), file: "\(configMap.file) data.\(name)")
                for document in embedded.documents {
                    guard let root = document.root else { continue }
                    let kind = embedded.scalar(atPath: ["kind"], from: root) ?? ""
                    let apiVersion = embedded.scalar(atPath: ["apiVersion"], from: root) ?? ""
                    let objectName = embedded.scalar(atPath: ["metadata", "name"], from: root) ?? ""
                    #expect(
                        apiVersion.hasSuffix(".toolkit.fluxcd.io/v1"),
                        "data.\(name): \(kind) has apiVersion \(apiVersion)")
                    #expect(!objectName.isEmpty, "data.\(name): \(kind) has no metadata.name")
                    #expect(embedded.node(atPath: ["spec"], from: root) != nil, "data.\(name): \(kind) has no spec")
                    kinds.insert(kind)
                    objects.append("\(kind)/\(objectName)")
                }
            }
            #expect(
                kinds == ["GitRepository", "ImageRepository", "ImagePolicy", "ImageUpdateAutomation"], "kinds: \(kinds)"
            )
            #expect(Set(objects).count == objects.count, "an object is defined twice: \(objects)")
        }
    }

    @Test func exampleSecretsHoldOnlyPlaceholders() throws {
        for secret in try allManifests() where secret.kind == "Secret" {
            #expect(secret.node("data") == nil, "\(secret.label): use stringData with visible placeholders")
            let values = secret.stream.stringMap(secret.node("stringData"))
            #expect(!values.isEmpty, "\(secret.label): no stringData")
            for (key, value) in values {
                #expect(value.hasPrefix("REPLACE_"), "\(secret.label): \(key) is not a REPLACE_ placeholder")
            }
        }
    }
}
