import Basics
import Registry

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// ECR's `GetAuthorizationToken` (private ECR and ECR Public), a SigV4-signed JSON 1.1 call;
/// its token is base64 `AWS:<password>`, valid until `expiresAt` (12 hours).
struct ECRAuthorizationToken: Sendable {
    var host: ECRHost
    /// The service endpoint, without a trailing slash.
    var endpoint: String

    private var service: AWSService { host == .public ? .ecrPublic : .ecr }
    private var target: String {
        host == .public
            ? "SpencerFrontendService.GetAuthorizationToken"
            : "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"
    }
    private var step: String { host == .public ? "ECR Public GetAuthorizationToken" : "ECR GetAuthorizationToken" }

    /// The user name and password, and when they expire.
    func fetch(
        http: HTTPClient, credentials: AWSCredentials, now: AWSTime, options: HTTPClient.Options = HTTPClient.Options()
    ) async throws(IdentityError)
        -> (username: String, password: String, expiresAt: AWSTime)
    {
        guard let url = EndpointURL(endpoint + "/") else {
            throw IdentityError(
                .invalidCredentials, "\(service.endpointVariable) or AWS_ENDPOINT_URL \(endpoint) is not an http(s) URL"
            )
        }
        let body = Array("{}".utf8)
        let signer = SigV4(region: host.region, service: service.signingName)
        let signature = signer.sign(
            SigV4.Request(
                method: "POST", path: url.path, query: "",
                headers: [
                    (name: "Host", value: url.authority),
                    (name: "Content-Type", value: "application/x-amz-json-1.1"),
                    (name: "X-Amz-Target", value: target),
                ],
                body: body),
            credentials: credentials, time: now)
        let response: HTTPClient.Response
        do {
            response = try await http.send(
                HTTPClient.Request(method: "POST", url: url.url, headers: signature.headers, body: body),
                options: options)
        } catch {
            throw IdentityError(
                .transport, "\(step) failed: \(oneLine(error.description, hiding: credentials.secrets))")
        }
        guard response.status == 200 else {
            let cause =
                AWSServiceAnswer.error(in: response.body, hiding: credentials.secrets)
                ?? AWSServiceAnswer.errorType(header: response.header("x-amzn-errortype")) ?? "no error details"
            throw IdentityError(.serviceError, "\(step) failed (\(response.status)): \(cause)")
        }
        return try decode(response.body)
    }

    private struct Data1: Decodable {
        var authorizationToken: String?
        var expiresAt: Double?
    }
    private struct PrivateAnswer: Decodable { var authorizationData: [Data1]? }
    private struct PublicAnswer: Decodable { var authorizationData: Data1? }

    func decode(_ body: [UInt8]) throws(IdentityError) -> (username: String, password: String, expiresAt: AWSTime) {
        let data: Data1?
        do {
            data =
                host == .public
                ? try JSONDecoder().decode(PublicAnswer.self, from: Data(body)).authorizationData
                : try JSONDecoder().decode(PrivateAnswer.self, from: Data(body)).authorizationData?.first
        } catch {
            throw IdentityError(.invalidResponse, "\(step) answered with something other than its JSON document")
        }
        guard let data else { throw IdentityError(.invalidResponse, "\(step) answered without authorization data") }
        guard let token = data.authorizationToken else {
            throw IdentityError(.invalidResponse, "\(step) answered without an authorization token")
        }
        guard let expiresAt = data.expiresAt else {
            throw IdentityError(.invalidResponse, "\(step) answered without expiresAt")
        }
        guard case .success(let decoded) = Base64.decode(token),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":")), colon > 0
        else {
            throw IdentityError(.invalidResponse, "\(step) answered with a token that is not base64 user:password")
        }
        return (
            String(decoding: decoded[..<colon], as: UTF8.self),
            String(decoding: decoded[(colon + 1)...], as: UTF8.self),
            AWSTime(seconds: Int64(expiresAt))
        )
    }
}
