/// A registry host that ECR serves, and what its token request needs: the region and whether
/// it is private ECR or ECR Public.
///
/// Private: `<account>.dkr.ecr[-fips].<region>.<partition domain>` (also the dual-stack
/// `dkr-ecr` form), the same hosts and partitions Flux's pattern (from the ECR credential
/// helper) accepts. Unlike that unanchored pattern the whole host must match, so a host that
/// merely contains an ECR name (`…amazonaws.com.example.org`) is not given an ECR token.
enum ECRHost: Sendable, Hashable {
    case `private`(account: String, region: String, fips: Bool)
    /// `public.ecr.aws`; its tokens come from ECR Public in us-east-1.
    case `public`

    static let publicHost = "public.ecr.aws"
    static let publicRegion = "us-east-1"

    /// Domains of the AWS partitions ECR runs in (standard, China, EU sovereign, the isolated
    /// regions, and `on.aws` for dual-stack endpoints).
    static let partitionDomains = [
        "amazonaws.com", "amazonaws.com.cn", "amazonaws.eu", "sc2s.sgov.gov", "c2s.ic.gov", "cloud.adc-e.uk",
        "csp.hci.ic.gov", "on.aws",
    ]

    /// The region of the token request.
    var region: String {
        switch self {
        case .private(_, let region, _): region
        case .public: Self.publicRegion
        }
    }

    /// Parses a registry host (a port is ignored), or nil when ECR does not serve it.
    init?(registry: String) {
        var host = registry.lowercased()
        if let colon = host.lastIndex(of: ":"), host[host.index(after: colon)...].allSatisfy(\.isNumber) {
            host = String(host[..<colon])
        }
        if host == Self.publicHost {
            self = .public
            return
        }
        guard
            let domain = Self.partitionDomains.sorted(by: { $0.count > $1.count }).first(where: {
                host.hasSuffix("." + $0)
            })
        else { return nil }
        let labels = host.dropLast(domain.count + 1).split(separator: ".", omittingEmptySubsequences: false)
        // <account> . dkr . ecr[-fips] . <region>   or   <account> . dkr-ecr[-fips] . <region>
        let account: Substring
        let service: String
        let region: Substring
        switch labels.count {
        case 4 where labels[1] == "dkr": (account, service, region) = (labels[0], "dkr-" + labels[2], labels[3])
        case 3: (account, service, region) = (labels[0], String(labels[1]), labels[2])
        default: return nil
        }
        guard service == "dkr-ecr" || service == "dkr-ecr-fips", !account.isEmpty, account.allSatisfy(\.isASCIIDigit),
            !region.isEmpty, region.allSatisfy({ $0.isASCIIDigit || ("a"..."z").contains($0) || $0 == "-" })
        else { return nil }
        self = .private(account: String(account), region: String(region), fips: service.hasSuffix("-fips"))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
