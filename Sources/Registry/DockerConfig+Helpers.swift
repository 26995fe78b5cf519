#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DockerConfig {
    /// Credentials for a repository, consulting credential helpers: `credHelpers[host]` first,
    /// then matching `auths` entries, then `credsStore`; `.anonymous` when nothing applies.
    public func resolveCredentials(for reference: ImageReference, helperTimeout: Double = 10)
        async throws(RegistryError) -> RegistryCredentials
    {
        try await resolveCredentials(for: reference, helperTimeout: helperTimeout, helperDirectory: nil)
    }

    /// `helperDirectory` (tests) names where helpers live instead of searching `PATH`.
    func resolveCredentials(for reference: ImageReference, helperTimeout: Double, helperDirectory: String?)
        async throws(RegistryError) -> RegistryCredentials
    {
        let host = reference.registry
        let isHub = host == ImageReference.dockerHub
        let helperKeys = isHub ? [host, "docker.io", "https://index.docker.io/v1/"] : [host, "https://" + host]
        // Docker's helpers store Hub credentials under the v1 URL.
        let serverURL = isHub ? "https://index.docker.io/v1/" : host
        if let helper = helperKeys.lazy.compactMap({ self.credentialHelpers[$0] }).first {
            return try await CredentialHelper.get(
                helper: helper, serverURL: serverURL, timeout: helperTimeout, directory: helperDirectory) ?? .anonymous
        }
        if let found = credentials(for: reference) { return found }
        if let store = credentialsStore {
            return try await CredentialHelper.get(
                helper: store, serverURL: serverURL, timeout: helperTimeout, directory: helperDirectory) ?? .anonymous
        }
        return .anonymous
    }

    /// Loads `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`, else the legacy
    /// `~/.dockercfg`; nil when none exists.
    public static func loadUserConfig() throws(RegistryError) -> DockerConfig? {
        let env = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let dir = env["DOCKER_CONFIG"], !dir.isEmpty { candidates.append(dir + "/config.json") }
        if let home = env["HOME"], !home.isEmpty {
            candidates.append(home + "/.docker/config.json")
            candidates.append(home + "/.dockercfg")
        }
        for path in candidates {
            guard let bytes = readSmallFile(path) else { continue }
            do {
                return try DockerConfig(json: bytes)
            } catch {
                var e = error
                e.message = "\(path): \(e.message)"
                throw e
            }
        }
        return nil
    }

    /// Reads a file of at most 4 MiB; nil if missing or unreadable.
    static func readSmallFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while out.count <= 4 << 20 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<n])
        }
        return out  // oversized: DockerConfig(json:) reports it
    }
}
