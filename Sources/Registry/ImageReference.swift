/// A parsed `ImageRepository.spec.image`: a registry host and a repository path, no tag, no digest.
///
/// Parsing follows go-containerregistry's `name` package as used by Flux: a first path
/// component is a registry iff it contains `.` or `:` or is `localhost`; Docker Hub names are
/// canonicalised (`alpine` → `index.docker.io/library/alpine`).
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// The registry host, possibly with a port (`index.docker.io`, `localhost:5000`, `[::1]:5000`).
    public let registry: String
    /// The repository path inside the registry (`library/alpine`).
    public let repository: String
    /// `http` or `https`; see `init(parsing:insecure:)` for the rules.
    public let scheme: String

    /// The default registry for names without a registry component.
    public static let dockerHub = "index.docker.io"

    /// `registry/repository`, the value Flux stores in `status.canonicalImageName`.
    public var canonicalName: String { "\(registry)/\(repository)" }

    /// The canonical name.
    public var description: String { canonicalName }

    /// Parses an image string, rejecting schemes, tags and digests with Flux's messages.
    ///
    /// The scheme is `https` unless `insecure` is set or the host is loopback, `localhost`,
    /// `*.localhost` or an RFC 1918 IPv4 address; `http` there means "plain HTTP allowed": the
    /// client still tries verified HTTPS first, as go-containerregistry does
    /// (`RegistryClient.resolveScheme`).
    public init(parsing value: String, insecure: Bool = false) throws(RegistryError) {
        func fail(_ message: String) -> RegistryError {
            RegistryError(code: .invalidReference, message: message)
        }
        if let range = value.firstRange(of: "://") {
            throw fail("image '\(value)' should not include URL scheme; remove '\(value[..<range.lowerBound])://'")
        }
        guard !value.isEmpty else { throw fail("image '' is empty") }
        guard value.utf8.count <= 4096 else { throw fail("image is longer than 4096 bytes") }

        var registry = Self.dockerHub
        var path = Substring(value)
        if let slash = value.firstIndex(of: "/") {
            let first = value[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" || first.hasPrefix("[") {
                registry = String(first)
                path = value[value.index(after: slash)...]
            }
        }
        if let at = path.firstIndex(of: "@") {
            throw fail("image '\(value)' should not include a digest; remove '\(path[at...])'")
        }
        if path.contains(":") {
            // Flux: strings.Split(name, ":")[1], i.e. the text up to the next colon.
            let parts = path.split(separator: ":", omittingEmptySubsequences: false)
            throw fail("image '\(value)' should not include a tag; remove ':\(parts[1])'")
        }
        if registry == "docker.io" { registry = Self.dockerHub }
        try Self.validateRegistry(registry, image: value)
        guard !path.isEmpty else { throw fail("image '\(value)' has an empty repository") }
        if registry == Self.dockerHub && !path.contains("/") { path = "library/" + path }
        try Self.validateRepository(path, image: value)

        self.registry = registry
        self.repository = String(path)
        self.scheme = (insecure || Self.isPlainHTTPHost(registry)) ? "http" : "https"
    }

    /// Creates a reference from already validated parts (tests, or callers with their own parser).
    public init(registry: String, repository: String, scheme: String = "https") {
        self.registry = registry
        self.repository = repository
        self.scheme = scheme
    }

    static func validateRegistry(_ registry: String, image: String) throws(RegistryError) {
        var host = Substring(registry)
        var port: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw RegistryError(
                    code: .invalidReference, message: "image '\(image)': invalid registry '\(registry)'")
            }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }), !host.isEmpty else {
                throw RegistryError(
                    code: .invalidReference, message: "image '\(image)': invalid registry '\(registry)'")
            }
            if !rest.isEmpty {
                guard rest.first == ":" else {
                    throw RegistryError(
                        code: .invalidReference, message: "image '\(image)': invalid registry '\(registry)'")
                }
                port = rest.dropFirst()
            }
        } else {
            if let colon = host.firstIndex(of: ":") {
                port = host[host.index(after: colon)...]
                host = host[..<colon]
            }
            let ok =
                !host.isEmpty
                && host.utf8.allSatisfy { b in
                    (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2E
                        || b == 0x2D || b == 0x5F
                }
            guard ok, !host.hasPrefix("."), !host.hasSuffix("."), !host.hasPrefix("-") else {
                throw RegistryError(
                    code: .invalidReference, message: "image '\(image)': invalid registry '\(registry)'")
            }
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }),
                let n = Int(port), n > 0, n < 65536
            else {
                throw RegistryError(
                    code: .invalidReference, message: "image '\(image)': invalid registry port in '\(registry)'")
            }
        }
    }

    /// Docker's repository grammar: components `[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*` joined by `/`.
    static func validateRepository(_ path: Substring, image: String) throws(RegistryError) {
        guard path.utf8.count <= 255 else {
            throw RegistryError(
                code: .invalidReference, message: "image '\(image)': repository is longer than 255 bytes")
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            if component.contains(where: { $0.isUppercase }) {
                throw RegistryError(code: .invalidReference, message: "image '\(image)': repository must be lowercase")
            }
            guard isValidComponent(component.utf8) else {
                throw RegistryError(
                    code: .invalidReference,
                    message: "image '\(image)': invalid repository component '\(component)' "
                        + "(allowed: lowercase letters, digits, separators '.', '_', '__', '-')")
            }
        }
    }

    private static func isValidComponent(_ bytes: Substring.UTF8View) -> Bool {
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        let a = Array(bytes)
        guard let first = a.first, let last = a.last, alnum(first), alnum(last) else { return false }
        var i = 0
        while i < a.count {
            if alnum(a[i]) {
                i += 1
                continue
            }
            // A separator run: ".", "_", "__" or one or more "-".
            var j = i
            while j < a.count && !alnum(a[j]) { j += 1 }
            let sep = a[i..<j]
            let ok =
                sep.elementsEqual([0x2E]) || sep.elementsEqual([0x5F]) || sep.elementsEqual([0x5F, 0x5F])
                || sep.allSatisfy { $0 == 0x2D }
            if !ok { return false }
            i = j
        }
        return true
    }

    /// Hosts that default to plain HTTP (go-containerregistry `name.Registry.Scheme`).
    static func isPlainHTTPHost(_ registry: String) -> Bool {
        var host = registry
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.firstIndex(of: ":") {
            host = String(host[..<colon])
        }
        let lower = host.lowercased()
        if lower == "localhost" || lower.hasSuffix(".localhost") { return true }
        if registry.contains("127.0.0.1") || registry.contains("::1") { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false).map { UInt8($0) }
        guard octets.count == 4, !octets.contains(nil) else { return false }
        let o = octets.map { $0 ?? 0 }
        return o[0] == 10 || (o[0] == 172 && (16...31).contains(o[1])) || (o[0] == 192 && o[1] == 168)
    }
}
