import Basics
import Registry

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// IAM Roles for Service Accounts: the projected service-account token in
/// `AWS_WEB_IDENTITY_TOKEN_FILE` exchanged for role credentials with STS
/// `AssumeRoleWithWebIdentity` (a Query API call that is not signed; the token is the proof).
struct AWSWebIdentity: Sendable {
    var roleARN: String
    var tokenFile: String
    /// `AWS_ROLE_SESSION_NAME`; without it the SDKs' default, the current time in nanoseconds.
    var sessionName: String?
    /// STS's endpoint (configured, or regional in the registry's partition).
    var endpoint: String
    /// The region STS is called in: the registry's, as Flux passes it.
    var region: String

    /// Identifies these settings in the credential cache (no secret in it: the token is read on use).
    var cacheKey: String { "web-identity|\(roleARN)|\(tokenFile)|\(sessionName ?? "")|\(endpoint)|\(region)" }

    func credentials(
        http: HTTPClient, environment: IdentityEnvironment, now: AWSTime,
        options: HTTPClient.Options = HTTPClient.Options()
    ) async throws(IdentityError) -> AWSCredentials {
        let token = try readToken(environment: environment, now: now)
        let session = sessionName ?? String(now.seconds) + "000000000"
        let form = [
            ("Action", "AssumeRoleWithWebIdentity"), ("RoleArn", roleARN), ("RoleSessionName", session),
            ("Version", "2011-06-15"), ("WebIdentityToken", token),
        ]
        .map { "\($0.0)=\(SigV4.uriEncode($0.1, keepingSlash: false))" }.joined(separator: "&")
        let request = HTTPClient.Request(
            method: "POST", url: endpoint + "/",
            headers: [
                (name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
                (name: "Accept", value: "text/xml"),
            ],
            body: Array(form.utf8))
        let step = "STS AssumeRoleWithWebIdentity"
        let response: HTTPClient.Response
        do {
            response = try await http.send(request, options: options)
        } catch {
            throw IdentityError(.transport, "\(step) failed: \(oneLine(error.description, hiding: [token]))")
        }
        guard response.status == 200 else {
            let cause = AWSServiceAnswer.error(in: response.body, hiding: [token]) ?? "no error details"
            throw IdentityError(.serviceError, "\(step) failed (\(response.status)) for role \(roleARN): \(cause)")
        }
        let xml = String(decoding: response.body, as: UTF8.self)
        guard let credentialsXML = AWSServiceAnswer.xmlInner("Credentials", in: xml),
            let keyID = AWSServiceAnswer.xmlText("AccessKeyId", in: credentialsXML),
            let secret = AWSServiceAnswer.xmlText("SecretAccessKey", in: credentialsXML),
            let sessionToken = AWSServiceAnswer.xmlText("SessionToken", in: credentialsXML),
            !keyID.isEmpty, !secret.isEmpty
        else {
            throw IdentityError(
                .invalidResponse, "\(step) answered without Credentials (AccessKeyId, SecretAccessKey, SessionToken)")
        }
        let expiration = AWSServiceAnswer.xmlText("Expiration", in: credentialsXML).flatMap { AWSTime(iso8601: $0) }
        return AWSCredentials(
            accessKeyID: keyID, secretAccessKey: secret, sessionToken: sessionToken, expiration: expiration)
    }

    /// The token file's content, refusing an empty file or a JWT whose `exp` has passed (STS
    /// would reject it too, with a message that does not say which file is stale).
    func readToken(environment: IdentityEnvironment, now: AWSTime) throws(IdentityError) -> String {
        guard let bytes = environment.readFile(tokenFile) else {
            throw IdentityError(
                .invalidCredentials,
                "cannot read AWS_WEB_IDENTITY_TOKEN_FILE \(tokenFile): missing or unreadable (is the projected service-account token volume mounted?)"
            )
        }
        let token = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard !token.isEmpty else {
            throw IdentityError(.invalidCredentials, "AWS_WEB_IDENTITY_TOKEN_FILE \(tokenFile) is empty")
        }
        if let expiry = Self.jwtExpiry(token), expiry <= now {
            throw IdentityError(
                .invalidCredentials,
                "the token in AWS_WEB_IDENTITY_TOKEN_FILE \(tokenFile) expired at \(expiry) (the kubelet refreshes projected tokens; is the file still the mounted one?)"
            )
        }
        return token
    }

    /// `exp` of a JWT's payload, if the token is a JWT that has one.
    static func jwtExpiry(_ token: String) -> AWSTime? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var payload = String(parts[1]).replacing("-", with: "+").replacing("_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        guard case .success(let json) = Base64.decode(payload) else { return nil }
        struct Claims: Decodable { var exp: Double? }
        guard let exp = (try? JSONDecoder().decode(Claims.self, from: Data(json)))?.exp else { return nil }
        return AWSTime(seconds: Int64(exp))
    }
}
