import Basics
import Foundation
import Registry
import TestServers
import Testing

@testable import CloudIdentity

/// An ImageRepository's `proxySecretRef` carries its provider's login too: STS and ECR are
/// reached through the proxy (Debian's tinyproxy, whose log is the witness).
@Suite(
    .serialized,
    .disabled(
        if: MotoAWS.unavailableReason != nil || !HTTPProxy.available, "needs moto[server] and tinyproxy (make deps)"))
struct IdentityProxyTests {
    @Test func ecrLoginGoesThroughTheRepositoryProxy() async throws {
        let moto = try MotoAWS()
        defer { moto.stop() }
        let proxy = try HTTPProxy(user: "squid", password: "proxy-pw")
        defer { proxy.stop() }
        let identity = RegistryIdentity(
            environment: AWSIdentityEndToEndTests.environment([
                "AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey,
                "AWS_ENDPOINT_URL": moto.endpoint,
            ]))
        var network = HTTPClient.Options()
        network.proxy = ProxySettings(url: proxy.address, username: "squid", password: "proxy-pw")
        let registry = "\(moto.account).dkr.ecr.eu-west-1.amazonaws.com"
        let credentials = try await identity.credentials(for: registry, provider: .aws, network: network)
        #expect(credentials == .basic(username: "AWS", password: "\(moto.account)-auth-token"))
        #expect(proxy.log.contains("POST \(moto.endpoint)/"), "\(proxy.log)")

        // A proxy that refuses the credentials: one line, no password.
        network.proxy = ProxySettings(url: proxy.address, username: "squid", password: "wrong-proxy-pw")
        let error = await #expect(throws: IdentityError.self) {
            _ = try await RegistryIdentity(
                environment: AWSIdentityEndToEndTests.environment([
                    "AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey,
                    "AWS_ENDPOINT_URL": moto.endpoint,
                ])
            ).credentials(for: registry, provider: .aws, network: network)
        }
        // tinyproxy answers 407 or drops the connection, depending on when it reads the request.
        #expect(error?.message.hasPrefix("ECR GetAuthorizationToken failed") == true, "\(String(describing: error))")
        #expect(error?.message.contains("wrong-proxy-pw") == false)
    }
}
