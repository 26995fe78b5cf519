import Foundation
import Registry
import TestServers
import Testing

@testable import CloudIdentity

/// `provider: aws` end to end against moto in server mode with request authentication on
/// (every ECR call must carry a valid SigV4 signature of a key moto issued), and our own
/// loopback stand-ins for IMDSv2, EKS Pod Identity and a failing STS.
@Suite(
    .serialized,
    .disabled(if: MotoAWS.unavailableReason != nil, "moto[server] is not installed: pip install 'moto[server]==5.2.1'"))
struct AWSIdentityEndToEndTests {
    static let region = "eu-west-1"

    func registry(_ moto: MotoAWS, region: String = region) -> String {
        "\(moto.account).dkr.ecr.\(region).amazonaws.com"
    }

    @Test func environmentKeysGetAnECRToken() async throws {
        let moto = try MotoAWS()
        defer { moto.stop() }
        // The ECR-specific endpoint wins over the global one, which points nowhere.
        let environment = Self.environment([
            "AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey,
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ENDPOINT_URL_ECR": moto.endpoint,
        ])
        let (credentials, lifetime) = try await AWSRegistryLogin(http: HTTPClient(), environment: environment)
            .login(registry: registry(moto))
        #expect(credentials == .basic(username: "AWS", password: "\(moto.account)-auth-token"))
        // moto stamps expiresAt a moment after our (whole-second) clock reading.
        #expect(lifetime > .seconds(11 * 3600) && lifetime <= .seconds(12 * 3600 + 5))
        #expect(try await Self.calls(moto.endpoint) == ["ecr:GetAuthorizationToken": 1])
    }

    @Test func aWrongSecretIsRejectedInOneLineWithoutSecrets() async throws {
        let moto = try MotoAWS()
        defer { moto.stop() }
        let wrongSecret = "Wr0ngSecretWr0ngSecretWr0ngSecret00000000"
        let environment = Self.environment([
            "AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": wrongSecret,
            "AWS_ENDPOINT_URL": moto.endpoint,
        ])
        let error = await Self.failure { () async throws(IdentityError) in
            _ = try await AWSRegistryLogin(http: HTTPClient(), environment: environment).login(registry: registry(moto))
        }
        #expect(error?.code == .serviceError)
        #expect(
            error?.message.hasPrefix(
                "ECR GetAuthorizationToken failed (403): SignatureDoesNotMatch: The request signature") == true)
        Self.expectClean(error, hiding: [wrongSecret, moto.secretAccessKey])
    }

    /// IRSA: the token file goes to STS, whose role credentials sign the ECR call. Two logins
    /// for one registry are one of each call; a second registry in the region reuses the role
    /// credentials (one more ECR call, no STS call); concurrent first logins share one STS call.
    @Test func webIdentityAssumesTheRoleOncePerCredentialLifetime() async throws {
        let moto = try MotoAWS()
        defer { moto.stop() }
        let tokenFile = try Self.temporaryFile(Self.jwt(expiresIn: 3600))
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let identity = RegistryIdentity(
            http: HTTPClient(),
            environment: Self.environment([
                "AWS_ROLE_ARN": moto.roleARN, "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile,
                "AWS_ENDPOINT_URL": moto.endpoint,
            ]))
        let first = try await identity.credentials(for: registry(moto), provider: .aws)
        let second = try await identity.credentials(for: registry(moto), provider: .aws)
        #expect(first == .basic(username: "AWS", password: "\(moto.account)-auth-token"))
        #expect(second == first)
        #expect(
            try await Self.calls(moto.endpoint) == ["sts:AssumeRoleWithWebIdentity": 1, "ecr:GetAuthorizationToken": 1])
        _ = try await identity.credentials(for: "210987654321.dkr.ecr.\(Self.region).amazonaws.com", provider: .aws)
        #expect(
            try await Self.calls(moto.endpoint) == ["sts:AssumeRoleWithWebIdentity": 1, "ecr:GetAuthorizationToken": 2])

        // Four registries of another region at once: STS is called there, once for all four.
        let registries = (1...4).map { "10000000000\($0).dkr.ecr.eu-central-1.amazonaws.com" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for registry in registries {
                group.addTask { _ = try await identity.credentials(for: registry, provider: .aws) }
            }
            try await group.waitForAll()
        }
        #expect(
            try await Self.calls(moto.endpoint) == ["sts:AssumeRoleWithWebIdentity": 2, "ecr:GetAuthorizationToken": 6])
    }

    /// IMDSv2 (and the IMDSv1 fallback): PUT a session token, then the role and its
    /// credentials with it; those (moto's temporary credentials) sign the ECR call.
    @Test(arguments: [false, true])
    func instanceMetadata(v1: Bool) async throws {
        let moto = try MotoAWS()
        defer { moto.stop() }
        let metadata = try AWSMetadataServer(
            keyID: moto.temporaryKeyID, secret: moto.temporarySecret, token: moto.temporaryToken, imdsV1: v1)
        defer { metadata.stop() }
        let environment = IdentityEnvironment(
            variables: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": metadata.endpoint, "AWS_ENDPOINT_URL_ECR": moto.endpoint],
            readFile: ProcessEnvironment.readFile)
        let shared = ExpiringCache<AWSCredentials>(margin: .seconds(300))
        let (credentials, _) = try await AWSRegistryLogin(
            http: HTTPClient(), environment: environment, credentialCache: shared
        )
        .login(registry: registry(moto))
        #expect(credentials == .basic(username: "AWS", password: "\(moto.account)-auth-token"))
        // A second registry's login reuses the instance credentials.
        _ = try await AWSRegistryLogin(http: HTTPClient(), environment: environment, credentialCache: shared)
            .login(registry: "210987654321.dkr.ecr.\(Self.region).amazonaws.com")
        let role = "/latest/meta-data/iam/security-credentials/"
        #expect(
            try await Self.calls(metadata.endpoint) == [
                "PUT /latest/api/token": 1, "GET \(role)": 1, "GET \(role)<role>": 1,
            ])
        #expect(try await Self.calls(moto.endpoint) == ["ecr:GetAuthorizationToken": 2])
    }

    /// EKS Pod Identity: the agent's token from the file goes in `Authorization`.
    @Test func podIdentity() async throws {
        let moto = try MotoAWS()
        defer { moto.stop() }
        let agentToken = "pod-identity-agent-token-0123456789"
        let metadata = try AWSMetadataServer(
            keyID: moto.temporaryKeyID, secret: moto.temporarySecret, token: moto.temporaryToken,
            containerToken: agentToken)
        defer { metadata.stop() }
        let tokenFile = try Self.temporaryFile(agentToken + "\n")
        let wrongFile = try Self.temporaryFile("not-the-agent-token")
        defer { for f in [tokenFile, wrongFile] { try? FileManager.default.removeItem(atPath: f) } }
        func environment(_ file: String) -> IdentityEnvironment {
            Self.environment([
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": metadata.endpoint + "/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": file, "AWS_ENDPOINT_URL_ECR": moto.endpoint,
            ])
        }
        let (credentials, _) = try await AWSRegistryLogin(http: HTTPClient(), environment: environment(tokenFile))
            .login(registry: registry(moto))
        #expect(credentials == .basic(username: "AWS", password: "\(moto.account)-auth-token"))

        let error = await Self.failure { () async throws(IdentityError) in
            _ = try await AWSRegistryLogin(http: HTTPClient(), environment: environment(wrongFile)).login(
                registry: registry(moto))
        }
        #expect(error?.code == .serviceError)
        #expect(
            error?.message
                == "container credentials endpoint \(metadata.endpoint)/v1/credentials failed (401): AccessDeniedException: invalid authorization token"
        )
        Self.expectClean(error, hiding: ["not-the-agent-token", agentToken])
    }

    /// The token moto issued opens a registry that only knows `AWS` with that password.
    @Test(.disabled(if: BasicAuthRegistry.unavailableReason != nil, "docker-registry or htpasswd missing (make deps)"))
    func theTokenListsTagsOnARegistry() async throws {
        let moto = try MotoAWS()
        defer { moto.stop() }
        let environment = Self.environment([
            "AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey,
            "AWS_ENDPOINT_URL": moto.endpoint,
        ])
        // Identity for the ECR host name; the registry itself is on loopback.
        let (credentials, _) = try await AWSRegistryLogin(http: HTTPClient(), environment: environment).login(
            registry: registry(moto))
        guard case .basic(let user, let password) = credentials else {
            Issue.record("not basic credentials: \(credentials)")
            return
        }
        let registry = try BasicAuthRegistry(
            user: user, password: password, repository: "team/app", tags: ["1.0.0", "1.1.0"])
        defer { registry.stop() }
        let reference = ImageReference(registry: registry.host, repository: "team/app", scheme: "http")
        let client = RegistryClient()
        #expect(
            try await client.listTags(reference, options: RegistryOptions(credentials: credentials)).sorted() == [
                "1.0.0", "1.1.0",
            ])
        await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(
                reference, options: RegistryOptions(credentials: .basic(username: "AWS", password: "wrong")))
        }
    }

    // MARK: - Helpers

    /// `variables` with IMDS off, so a test never reaches for 169.254.169.254.
    static func environment(_ variables: [String: String]) -> IdentityEnvironment {
        IdentityEnvironment(
            variables: variables.merging(["AWS_EC2_METADATA_DISABLED": "true"]) { a, _ in a },
            readFile: ProcessEnvironment.readFile)
    }

    static func calls(_ endpoint: String) async throws -> [String: Int] {
        let response = try await HTTPClient().send(HTTPClient.Request(url: endpoint + "/_imagebot/calls"))
        return try JSONDecoder().decode([String: Int].self, from: Data(response.body))
    }

    static func failure(_ body: () async throws(IdentityError) -> Void) async -> IdentityError? {
        do {
            try await body()
            Issue.record("no error")
            return nil
        } catch {
            return error
        }
    }

    /// One line, no secret in the message or the description.
    static func expectClean(_ error: IdentityError?, hiding secrets: [String]) {
        guard let error else { return }
        #expect(!error.message.contains("\n"))
        for secret in secrets {
            #expect(
                !error.message.contains(secret) && !error.description.contains(secret)
                    && !String(reflecting: error).contains(secret))
        }
    }

    static func temporaryFile(_ content: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("aws-token-\(UUID().uuidString)").path
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A service-account-token-shaped JWT (unsigned: STS stand-ins do not verify it).
    static func jwt(expiresIn seconds: Int) -> String {
        func part(_ json: String) -> String {
            Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let exp = Int(Date().timeIntervalSince1970) + seconds
        return part(#"{"alg":"RS256","kid":"test"}"#) + "."
            + part(
                #"{"aud":["sts.amazonaws.com"],"exp":\#(exp),"sub":"system:serviceaccount:flux-system:image-reflector-controller"}"#
            )
            + ".c2lnbmF0dXJl"
    }
}

/// Web identity failures that never reach ECR: an unreadable or expired token file, and STS
/// refusing the token. No moto needed.
@Suite struct AWSWebIdentityFailureTests {
    @Test func anUnreadableTokenFileIsNamed() async {
        let environment = AWSIdentityEndToEndTests.environment([
            "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/imagebot",
            "AWS_WEB_IDENTITY_TOKEN_FILE": "/nonexistent/token",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        ])
        let error = await AWSIdentityEndToEndTests.failure { () async throws(IdentityError) in
            _ = try await AWSRegistryLogin(http: HTTPClient(), environment: environment).login(
                registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
        }
        #expect(error?.code == .invalidCredentials)
        #expect(error?.message.hasPrefix("cannot read AWS_WEB_IDENTITY_TOKEN_FILE /nonexistent/token: ") == true)
    }

    @Test func anExpiredTokenIsRefusedBeforeSTS() async throws {
        let token = AWSIdentityEndToEndTests.jwt(expiresIn: -60)
        let file = try AWSIdentityEndToEndTests.temporaryFile(token)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let environment = AWSIdentityEndToEndTests.environment([
            "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/imagebot", "AWS_WEB_IDENTITY_TOKEN_FILE": file,
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        ])
        let error = await AWSIdentityEndToEndTests.failure { () async throws(IdentityError) in
            _ = try await AWSRegistryLogin(http: HTTPClient(), environment: environment).login(
                registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
        }
        #expect(error?.code == .invalidCredentials)
        #expect(error?.message.contains("the token in AWS_WEB_IDENTITY_TOKEN_FILE \(file) expired at ") == true)
        AWSIdentityEndToEndTests.expectClean(error, hiding: [token])
    }

    @Test func stsRefusalsNameTheStepAndAWSsCode() async throws {
        let metadata = try AWSMetadataServer(
            keyID: "unused", secret: "unused", token: "unused", stsError: "InvalidIdentityToken")
        defer { metadata.stop() }
        let token = AWSIdentityEndToEndTests.jwt(expiresIn: 3600)
        let file = try AWSIdentityEndToEndTests.temporaryFile(token)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let role = "arn:aws:iam::123456789012:role/imagebot"
        let environment = AWSIdentityEndToEndTests.environment([
            "AWS_ROLE_ARN": role, "AWS_WEB_IDENTITY_TOKEN_FILE": file, "AWS_ENDPOINT_URL_STS": metadata.endpoint,
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        ])
        let error = await AWSIdentityEndToEndTests.failure { () async throws(IdentityError) in
            _ = try await AWSRegistryLogin(http: HTTPClient(), environment: environment).login(
                registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
        }
        #expect(error?.code == .serviceError)
        #expect(
            error?.message
                == "STS AssumeRoleWithWebIdentity failed (400) for role \(role): InvalidIdentityToken: Couldn't retrieve verification key from your identity provider"
        )
        AWSIdentityEndToEndTests.expectClean(error, hiding: [token])
    }

    @Test func noReachableMetadataServiceMeansNoCredentials() async throws {
        let environment = IdentityEnvironment(
            variables: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9"],
            readFile: ProcessEnvironment.readFile)
        let error = await AWSIdentityEndToEndTests.failure { () async throws(IdentityError) in
            _ = try await AWSRegistryLogin(http: HTTPClient(), environment: environment).login(
                registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com")
        }
        #expect(error?.code == .noCredentials)
        #expect(error?.message.hasPrefix("IMDS token request failed: ") == true)
    }
}

/// ECR Public (`public.ecr.aws`): moto has no ECR Public, so the loopback stand-in checks the
/// signature with botocore's own signer (service `ecr-public`, us-east-1).
@Suite(
    .disabled(
        if: MotoAWS.unavailableReason != nil,
        "botocore (with moto[server]) is not installed: pip install 'moto[server]==5.2.1'"))
struct ECRPublicTests {
    static let (key, secret, token) = ("ASIAPUBLICEXAMPLE", "public/secret+EXAMPLE", "session-token-EXAMPLE")

    @Test(arguments: [(secret, true), ("wrong-secret-EXAMPLE", false)])
    func publicTokens(_ secret: String, _ accepted: Bool) async throws {
        let server = try AWSMetadataServer(keyID: Self.key, secret: Self.secret, token: Self.token)
        defer { server.stop() }
        let environment = AWSIdentityEndToEndTests.environment([
            "AWS_ACCESS_KEY_ID": Self.key, "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": Self.token,
            "AWS_ENDPOINT_URL_ECR": "http://127.0.0.1:9", "AWS_ENDPOINT_URL_ECR_PUBLIC": server.endpoint,
        ])
        let login = AWSRegistryLogin(http: HTTPClient(), environment: environment)
        if accepted {
            let (credentials, lifetime) = try await login.login(registry: "public.ecr.aws")
            #expect(credentials == .basic(username: "AWS", password: "public-token"))
            #expect(lifetime > .seconds(11 * 3600))
        } else {
            let error = await AWSIdentityEndToEndTests.failure { () async throws(IdentityError) in
                _ = try await login.login(registry: "public.ecr.aws")
            }
            #expect(error?.code == .serviceError)
            #expect(
                error?.message
                    == "ECR Public GetAuthorizationToken failed (403): InvalidSignatureException: The request signature we calculated does not match the signature you provided."
            )
            AWSIdentityEndToEndTests.expectClean(error, hiding: [secret, Self.token])
        }
    }
}
