import Basics
import Registry

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The container credentials endpoint: EKS Pod Identity (`AWS_CONTAINER_CREDENTIALS_FULL_URI`
/// with the token in `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`) and ECS task roles
/// (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on 169.254.170.2).
struct AWSContainerCredentials: Sendable {
    var url: String
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, read on every call (the agent rotates it).
    var tokenFile: String?
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`, when there is no token file.
    var token: String?

    /// Identifies these settings in the credential cache: the token only as a digest.
    var cacheKey: String { "container|\(url)|\(tokenFile ?? "")|\(token.map { SHA256.hex(Array($0.utf8)) } ?? "")" }

    /// Plain HTTP is only trusted to a loopback address or the ECS/EKS agents' link-local
    /// addresses, as the SDKs allow; anything else must be HTTPS.
    static let agentHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost", "::1"]

    func credentials(http: HTTPClient, environment: IdentityEnvironment) async throws(IdentityError) -> AWSCredentials {
        let step = "container credentials endpoint \(url)"
        guard let endpoint = EndpointURL(url) else {
            throw IdentityError(.invalidCredentials, "AWS_CONTAINER_CREDENTIALS_FULL_URI \(url) is not an http(s) URL")
        }
        guard endpoint.isHTTPS || Self.agentHosts.contains(endpoint.host) || endpoint.host.hasPrefix("127.") else {
            throw IdentityError(
                .invalidCredentials,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI \(url): plain http is only allowed to loopback or the EKS/ECS agent (169.254.170.2, 169.254.170.23)"
            )
        }
        var authorization = token
        if let tokenFile {
            guard let bytes = environment.readFile(tokenFile) else {
                throw IdentityError(
                    .invalidCredentials,
                    "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile): missing or unreadable")
            }
            authorization = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        }
        let secret = authorization.map { [$0] } ?? []
        if let authorization, authorization.contains(where: \.isNewline) {
            throw IdentityError(.invalidCredentials, "the container authorization token contains a line break")
        }
        var headers: [(name: String, value: String)] = [(name: "Accept", value: "application/json")]
        if let authorization, !authorization.isEmpty { headers.append((name: "Authorization", value: authorization)) }
        let response: HTTPClient.Response
        do {
            var options = HTTPClient.Options()
            options.timeout = 5
            options.connectTimeout = 2
            response = try await http.send(HTTPClient.Request(url: url, headers: headers), options: options)
        } catch {
            throw IdentityError(.transport, "\(step) failed: \(oneLine(error.description, hiding: secret))")
        }
        guard response.status == 200 else {
            let cause = AWSServiceAnswer.error(in: response.body, hiding: secret) ?? "no error details"
            throw IdentityError(.serviceError, "\(step) failed (\(response.status)): \(cause)")
        }
        return try AWSCredentialDocument.decode(response.body, from: step)
    }
}

/// The JSON both the container endpoint and IMDS answer with.
// Property names are the service's JSON field names.
// swift-format-ignore: AlwaysUseLowerCamelCase
struct AWSCredentialDocument: Decodable {
    var Code: String?
    var Message: String?
    var AccessKeyId: String?
    var SecretAccessKey: String?
    var Token: String?
    var Expiration: String?

    static func decode(_ body: [UInt8], from step: String) throws(IdentityError) -> AWSCredentials {
        guard let document = try? JSONDecoder().decode(AWSCredentialDocument.self, from: Data(body)) else {
            throw IdentityError(
                .invalidResponse, "\(step) answered with something other than a credentials JSON object")
        }
        if let code = document.Code, code != "Success" {
            throw IdentityError(.serviceError, "\(step) failed: \(oneLine("\(code): \(document.Message ?? "")"))")
        }
        guard let keyID = document.AccessKeyId, !keyID.isEmpty, let secret = document.SecretAccessKey, !secret.isEmpty
        else {
            throw IdentityError(.invalidResponse, "\(step) answered without AccessKeyId and SecretAccessKey")
        }
        var expiration: AWSTime?
        if let text = document.Expiration {
            guard let time = AWSTime(iso8601: text) else {
                throw IdentityError(.invalidResponse, "\(step) answered with an unreadable Expiration \(oneLine(text))")
            }
            expiration = time
        }
        return AWSCredentials(
            accessKeyID: keyID, secretAccessKey: secret, sessionToken: document.Token, expiration: expiration)
    }
}
