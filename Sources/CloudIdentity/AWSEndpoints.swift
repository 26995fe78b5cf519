/// The AWS services the registry login calls, and where each one is: a configured endpoint
/// (`AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, as the SDKs read them) or the
/// service's default host in the region's partition.
enum AWSService: Sendable {
    case sts, ecr, ecrPublic

    /// The SigV4 signing name.
    var signingName: String {
        switch self {
        case .sts: "sts"
        case .ecr: "ecr"
        case .ecrPublic: "ecr-public"
        }
    }

    /// The suffix of the service-specific endpoint variable (the SDKs' service id, upper snake case).
    var endpointVariable: String {
        switch self {
        case .sts: "AWS_ENDPOINT_URL_STS"
        case .ecr: "AWS_ENDPOINT_URL_ECR"
        case .ecrPublic: "AWS_ENDPOINT_URL_ECR_PUBLIC"
        }
    }

    /// The endpoint (scheme and authority, no trailing slash) for `region`. `fips` picks the
    /// FIPS host, as `AWS_USE_FIPS_ENDPOINT=true` does in the SDKs.
    func endpoint(region: String, fips: Bool, variables: [String: String]) -> String {
        if variables["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() != "true" {
            for name in [endpointVariable, "AWS_ENDPOINT_URL"] {
                if let url = variables[name]?.trimmingWhitespace(), !url.isEmpty {
                    return url.hasSuffix("/") ? String(url.dropLast()) : url
                }
            }
        }
        let fips = fips || variables["AWS_USE_FIPS_ENDPOINT"]?.lowercased() == "true"
        let domain = Self.partitionDomain(region: region)
        switch self {
        case .sts: return "https://\(fips ? "sts-fips" : "sts").\(region).\(domain)"
        case .ecr: return fips ? "https://ecr-fips.\(region).\(domain)" : "https://api.ecr.\(region).\(domain)"
        case .ecrPublic: return "https://api.ecr-public.\(region).\(domain)"
        }
    }

    /// The DNS suffix of a region's partition, from its name as the SDKs' partition table does.
    static func partitionDomain(region: String) -> String {
        let prefixes: [(String, String)] = [
            ("cn-", "amazonaws.com.cn"), ("us-isob-", "sc2s.sgov.gov"), ("us-iso-", "c2s.ic.gov"),
            ("eu-isoe-", "cloud.adc-e.uk"), ("us-isof-", "csp.hci.ic.gov"), ("eusc-", "amazonaws.eu"),
        ]
        return prefixes.first { region.hasPrefix($0.0) }?.1 ?? "amazonaws.com"
    }
}

/// The pieces of an endpoint URL a signed request needs.
struct EndpointURL: Sendable, Hashable {
    /// `host[:port]` as written, without userinfo: the `Host` header that is signed and sent.
    var authority: String
    /// The path (no query); `/` when empty.
    var path: String
    /// The whole URL.
    var url: String

    /// Parses `http(s)://authority[/path]`; nil for anything else.
    init?(_ text: String) {
        let lower = text.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
        let rest = text.drop { $0 != ":" }.dropFirst(3)
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<end]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        guard !authority.isEmpty else { return nil }
        self.authority = String(authority)
        let tail = rest[end...]
        let pathEnd = tail.firstIndex { $0 == "?" || $0 == "#" } ?? tail.endIndex
        path = tail[..<pathEnd].isEmpty ? "/" : String(tail[..<pathEnd])
        url = text
    }

    /// The host without port or brackets.
    var host: String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        return String(authority.split(separator: ":", maxSplits: 1).first ?? "")
    }

    var isHTTPS: Bool { url.lowercased().hasPrefix("https://") }
}
