import Registry

/// The EC2 instance role from the instance metadata service, IMDSv2: a session token from
/// `PUT /latest/api/token`, then the role's name and its credentials under
/// `/latest/meta-data/iam/security-credentials/`. Falls back to IMDSv1 (no token) when the
/// token call is refused as old metadata services do, unless `AWS_EC2_METADATA_V1_DISABLED`.
struct AWSInstanceMetadata: Sendable {
    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT`, or 169.254.169.254 (fd00:ec2::254 in IPv6 mode).
    var endpoint: String
    var allowsV1: Bool

    var cacheKey: String { "imds|\(endpoint)" }

    /// Short timeouts: off EC2 nothing answers, and the chain's last source should fail fast.
    private var options: HTTPClient.Options {
        var options = HTTPClient.Options()
        options.timeout = 5
        options.connectTimeout = 1
        options.maxResponseBytes = 64 << 10
        return options
    }

    func credentials(http: HTTPClient) async throws(IdentityError) -> AWSCredentials {
        let base = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        var session: String?
        let tokenResponse = try await send(
            http,
            HTTPClient.Request(
                method: "PUT", url: base + "/latest/api/token",
                headers: [(name: "X-aws-ec2-metadata-token-ttl-seconds", value: "21600")]),
            step: "IMDS token request")
        switch tokenResponse.status {
        case 200:
            session = String(decoding: tokenResponse.body, as: UTF8.self).trimmingWhitespace()
        case 403 where allowsV1, 404 where allowsV1, 405 where allowsV1:
            session = nil
        default:
            throw IdentityError(
                .serviceError, "IMDS token request (PUT \(base)/latest/api/token) failed (\(tokenResponse.status))")
        }
        let secret = session.map { [$0] } ?? []
        let headers = session.map { [(name: "X-aws-ec2-metadata-token", value: $0)] } ?? []
        let rolesURL = base + "/latest/meta-data/iam/security-credentials/"
        let roles = try await send(
            http, HTTPClient.Request(url: rolesURL, headers: headers), step: "IMDS role lookup", hiding: secret)
        guard roles.status == 200 else {
            throw IdentityError(
                roles.status == 404 ? .noCredentials : .serviceError,
                roles.status == 404
                    ? "IMDS has no IAM role for this instance (GET \(rolesURL) answered 404): attach an instance profile or use IRSA / EKS Pod Identity"
                    : "IMDS role lookup (GET \(rolesURL)) failed (\(roles.status))")
        }
        guard
            let role = String(decoding: roles.body, as: UTF8.self).split(whereSeparator: \.isNewline).first.map({
                $0.trimmingWhitespace()
            }),
            !role.isEmpty, !role.contains("/")
        else {
            throw IdentityError(.invalidResponse, "IMDS role lookup (GET \(rolesURL)) answered without a role name")
        }
        let step = "IMDS credentials for role \(role)"
        let document = try await send(
            http, HTTPClient.Request(url: rolesURL + SigV4.uriEncode(role, keepingSlash: false), headers: headers),
            step: step,
            hiding: secret)
        guard document.status == 200 else {
            throw IdentityError(.serviceError, "\(step) failed (\(document.status))")
        }
        return try AWSCredentialDocument.decode(document.body, from: step)
    }

    private func send(_ http: HTTPClient, _ request: HTTPClient.Request, step: String, hiding secrets: [String] = [])
        async throws(IdentityError) -> HTTPClient.Response
    {
        do {
            return try await http.send(request, options: options)
        } catch {
            // Nothing listening is the normal case off EC2: the chain is exhausted, not broken.
            throw IdentityError(
                .noCredentials,
                "\(step) failed: \(oneLine(error.description, hiding: secrets)) (not on EC2? set AWS_EC2_METADATA_DISABLED=true to skip IMDS)"
            )
        }
    }
}
