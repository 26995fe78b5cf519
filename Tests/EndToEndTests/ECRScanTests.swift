import Foundation
import TestServers
import Testing

/// `provider: aws` end to end: `imagebot scan` signs ECR's GetAuthorizationToken with the pod's
/// AWS keys, moto (request authentication on) issues the token, and the registry — docker-registry
/// over TLS on the ECR host name, which a private /etc/hosts (unshare + bind mount) points at
/// loopback — accepts only that token.
@Suite("imagebot scan: an ECR repository through a token moto issued", .serialized)
struct ECRScanTests {
    static let skipReason: String? = {
        if let reason = MotoAWS.unavailableReason ?? BasicAuthRegistry.unavailableReason { return reason }
        if getuid() != 0 { return "needs root: a mount namespace for a private /etc/hosts and port 443" }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") {
            return "unshare (util-linux) is missing"
        }
        return nil
    }()

    @Test(.enabled(if: skipReason == nil, "needs moto[server], docker-registry, root and unshare"))
    func scansWithTheTokenMotoIssuedAndFailsOnAWrongSignature() throws {
        let moto = try MotoAWS()
        defer { moto.stop() }
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let host = "\(moto.account).dkr.ecr.us-east-1.amazonaws.com"
        let certificates = root.appendingPathComponent("certs")
        try FileManager.default.createDirectory(at: certificates, withIntermediateDirectories: true)
        try runTool("/bin/sh", [scriptPath("make-test-certs.sh"), certificates.path, "DNS:\(host)"])
        let registry = try BasicAuthRegistry(
            user: "AWS", password: "\(moto.account)-auth-token", repository: "team/app",
            tags: ["1.0.0", "1.1.0", "2.0.0"],
            port: 443,
            tls: (
                certificates.appendingPathComponent("server.crt").path,
                certificates.appendingPathComponent("server.key").path
            ))
        defer { registry.stop() }

        let config = root.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try """
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageRepository
        metadata: {name: app, namespace: apps}
        spec: {image: \(host)/team/app, interval: 5m, provider: aws, certSecretRef: {name: registry-ca}}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImagePolicy
        metadata: {name: app, namespace: apps}
        spec: {imageRepositoryRef: {name: app}, policy: {semver: {range: "1.x"}}}
        """.write(to: config.appendingPathComponent("ecr.yaml"), atomically: true, encoding: .utf8)
        let secrets = root.appendingPathComponent("secrets/registry-ca")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: certificates.appendingPathComponent("ca.crt"), to: secrets.appendingPathComponent("ca.crt"))
        let hosts = root.appendingPathComponent("hosts")
        try "127.0.0.1 localhost\n127.0.0.1 \(host)\n".write(to: hosts, atomically: true, encoding: .utf8)
        // A private mount namespace whose /etc/hosts sends the ECR host to loopback.
        let launcher = [
            "/usr/bin/unshare", "--mount", "--", "/bin/sh", "-c", "mount --bind \"$0\" /etc/hosts && exec \"$@\"",
            hosts.path,
        ]
        let arguments = [
            "scan", "--config", config.path, "--secrets-dir", root.appendingPathComponent("secrets").path,
            "--state-dir", root.appendingPathComponent("state").path,
        ]
        func environment(secret: String) -> [String: String] {
            [
                "AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "us-east-1",
                "AWS_ENDPOINT_URL": moto.endpoint, "AWS_EC2_METADATA_DISABLED": "true",
            ]
        }

        let scan = try ImagebotBinary.run(
            arguments, environment: environment(secret: moto.secretAccessKey), launcher: launcher)
        #expect(scan.status == 0, "\(scan.stdout)\(scan.stderr)")
        #expect(scan.stdout.contains("apps/app"), "\(scan.stdout)")
        #expect(scan.stdout.contains("1.1.0"), "the 1.x policy selects 1.1.0: \(scan.stdout)")
        #expect(!(scan.stdout + scan.stderr).contains(moto.secretAccessKey))

        let wrong = "wrongSecretKey0815wrongSecretKey0815wron"
        let refused = try ImagebotBinary.run(arguments, environment: environment(secret: wrong), launcher: launcher)
        #expect(refused.status == 3, "\(refused.stdout)\(refused.stderr)")
        let output = refused.stdout + refused.stderr
        #expect(
            output.contains("\(host)/team/app: provider 'aws': ECR GetAuthorizationToken failed (403)"), "\(output)")
        #expect(output.contains("SignatureDoesNotMatch"), "\(output)")
        #expect(!output.contains(wrong) && !output.contains(moto.secretAccessKey))
    }
}
