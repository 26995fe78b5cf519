#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Resolves `secretRef`s: first from `--secrets-dir` laid out as a Kubernetes Secret volume
/// mount (`<dir>/<name>/<key>`), then from `kind: Secret` manifests in the config directory.
///
/// Values are bytes and never printed; errors name the secret and key only.
public struct SecretStore: Sendable {
    public let directory: String?
    let manifests: [ObjectKey: SecretConfig]

    public init(directory: String?, configuration: Configuration) {
        self.directory = directory
        manifests = configuration.secrets
    }

    /// The value of `key` in Secret `name` of `namespace`, or nil when the secret or key is absent.
    public func value(namespace: String, name: String, key: String) -> [UInt8]? {
        if let directory, !name.contains("/"), !key.contains("/"), name != "..", key != "..",
            let data = FileManager.default.contents(atPath: "\(directory)/\(name)/\(key)")
        {
            return Array(data)
        }
        return manifests[ObjectKey(namespace: namespace, name: name)]?.data[key]
    }

    /// Whether Secret `name` exists at all (as a directory or a manifest).
    public func exists(namespace: String, name: String) -> Bool {
        if let directory, !name.contains("/"), name != "..",
            (try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/\(name)")) != nil
        {
            return true
        }
        return manifests[ObjectKey(namespace: namespace, name: name)] != nil
    }
}
