import Registry
import Testing

@testable import CloudIdentity

/// Hosts, endpoints and the credential chain's choice of source: no network.
@Suite struct AWSRegistryLoginTests {
    @Test(arguments: [
        (
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
            ECRHost.private(account: "123456789012", region: "eu-west-1", fips: false)
        ),
        (
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
            .private(account: "123456789012", region: "cn-north-1", fips: false)
        ),
        (
            "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
            .private(account: "123456789012", region: "us-gov-west-1", fips: true)
        ),
        ("123456789012.dkr-ecr.us-east-2.on.aws", .private(account: "123456789012", region: "us-east-2", fips: false)),
        (
            "123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov",
            .private(account: "123456789012", region: "us-iso-east-1", fips: false)
        ),
        (
            "123456789012.DKR.ECR.eu-west-1.amazonaws.com:443",
            .private(account: "123456789012", region: "eu-west-1", fips: false)
        ),
        ("public.ecr.aws", .public),
    ])
    func ecrHosts(_ registry: String, _ expected: ECRHost) {
        #expect(ECRHost(registry: registry) == expected)
    }

    @Test(arguments: [
        "ghcr.io", "docker.io", "123456789012.dkr.ecr.eu-west-1.amazonaws.com.example.org",
        "dkr.ecr.eu-west-1.amazonaws.com",
        "abc.dkr.ecr.eu-west-1.amazonaws.com", "123456789012.dkr.ecr..amazonaws.com",
        "123456789012.ecr.eu-west-1.amazonaws.com",
        "gallery.ecr.aws", "127.0.0.1:5000",
    ])
    func otherHosts(_ registry: String) {
        #expect(ECRHost(registry: registry) == nil)
    }

    @Test func otherRegistriesAreRefusedWithAnActionableLine() async {
        let login = AWSRegistryLogin(
            http: HTTPClient(), environment: IdentityEnvironment(variables: [:], readFile: { _ in nil }))
        do {
            _ = try await login.login(registry: "ghcr.io")
            Issue.record("ghcr.io was accepted")
        } catch {
            #expect(error.code == .unsupportedRegistry)
            #expect(error.message.contains("ghcr.io is not an ECR registry"))
            #expect(error.message.contains("public.ecr.aws"))
        }
    }

    @Test(arguments: [
        (AWSService.ecr, "eu-west-1", false, [String: String](), "https://api.ecr.eu-west-1.amazonaws.com"),
        (.ecr, "cn-north-1", false, [:], "https://api.ecr.cn-north-1.amazonaws.com.cn"),
        (.ecr, "us-gov-west-1", true, [:], "https://ecr-fips.us-gov-west-1.amazonaws.com"),
        (.ecr, "us-east-1", false, ["AWS_USE_FIPS_ENDPOINT": "true"], "https://ecr-fips.us-east-1.amazonaws.com"),
        (.ecrPublic, "us-east-1", false, [:], "https://api.ecr-public.us-east-1.amazonaws.com"),
        (.sts, "eu-central-1", false, [:], "https://sts.eu-central-1.amazonaws.com"),
        (.sts, "cn-northwest-1", false, [:], "https://sts.cn-northwest-1.amazonaws.com.cn"),
        (.sts, "us-east-1", false, ["AWS_USE_FIPS_ENDPOINT": "true"], "https://sts-fips.us-east-1.amazonaws.com"),
        (.sts, "us-isob-east-1", false, [:], "https://sts.us-isob-east-1.sc2s.sgov.gov"),
        // Configured endpoints: the service's own wins over the global one.
        (.sts, "eu-west-1", false, ["AWS_ENDPOINT_URL": "http://127.0.0.1:1/"], "http://127.0.0.1:1"),
        (.sts, "eu-west-1", false, ["AWS_ENDPOINT_URL": "http://a", "AWS_ENDPOINT_URL_STS": "http://b"], "http://b"),
        (.ecr, "eu-west-1", false, ["AWS_ENDPOINT_URL": "http://a", "AWS_ENDPOINT_URL_STS": "http://b"], "http://a"),
        (.ecr, "eu-west-1", false, ["AWS_ENDPOINT_URL": "http://a", "AWS_ENDPOINT_URL_ECR": "http://c"], "http://c"),
        (
            .ecrPublic, "us-east-1", false,
            ["AWS_ENDPOINT_URL_ECR": "http://c", "AWS_ENDPOINT_URL_ECR_PUBLIC": "http://d"], "http://d"
        ),
        (
            .ecr, "eu-west-1", false, ["AWS_ENDPOINT_URL": "http://a", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"],
            "https://api.ecr.eu-west-1.amazonaws.com"
        ),
    ])
    func endpoints(
        _ service: AWSService, _ region: String, _ fips: Bool, _ variables: [String: String], _ expected: String
    ) {
        #expect(service.endpoint(region: region, fips: fips, variables: variables) == expected)
    }

    /// Which source the chain picks, in the SDKs' order.
    @Test(arguments: [
        (
            [
                "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t",
                "AWS_ROLE_ARN": "arn",
            ], "environment"
        ),
        (["AWS_ACCESS_KEY_ID": "AKID", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn"], "web-identity"),
        (
            [
                "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/",
            ], "web-identity"
        ),
        (["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials"], "container"),
        (["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"], "container"),
        ([:], "imds"),
        (["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9"], "imds"),
    ])
    func chainOrder(_ variables: [String: String], _ expected: String) throws {
        let source = try AWSCredentialSource.detect(variables, region: "eu-west-1")
        let kind: String
        switch source {
        case .environment: kind = "environment"
        case .webIdentity: kind = "web-identity"
        case .container: kind = "container"
        case .instanceMetadata: kind = "imds"
        }
        #expect(kind == expected)
    }

    @Test func webIdentityCallsSTSInTheRegistrysRegion() throws {
        let source = try AWSCredentialSource.detect(
            ["AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn"], region: "cn-north-1")
        guard case .webIdentity(let identity) = source else {
            Issue.record("not web identity")
            return
        }
        #expect(identity.endpoint == "https://sts.cn-north-1.amazonaws.com.cn")
    }

    @Test(arguments: [
        (["AWS_WEB_IDENTITY_TOKEN_FILE": "/t"], IdentityError.Code.invalidCredentials, "AWS_ROLE_ARN is not"),
        (["AWS_EC2_METADATA_DISABLED": "true"], .noCredentials, "no AWS credentials"),
    ])
    func chainFailures(_ variables: [String: String], _ code: IdentityError.Code, _ text: String) {
        #expect {
            _ = try AWSCredentialSource.detect(variables, region: "eu-west-1")
        } throws: { error in
            guard let error = error as? IdentityError else { return false }
            return error.code == code && error.message.contains(text)
        }
    }

    @Test func credentialsDescriptionsHideSecrets() {
        let credentials = AWSCredentials(
            accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret-value", sessionToken: "session-value",
            expiration: AWSTime(seconds: 1_800_000_000))
        for text in [credentials.description, String(reflecting: credentials), "\(credentials)"] {
            #expect(!text.contains("secret-value") && !text.contains("session-value"))
        }
        #expect(oneLine("bad secret-value\nand session-value", hiding: credentials.secrets) == "bad *** and ***")
    }

    @Test(arguments: [
        (
            #"{"__type":"com.amazonaws.ecr#InvalidSignatureException","message":"bad"}"#,
            "InvalidSignatureException: bad"
        ),
        (
            #"{"__type":"UnrecognizedClientException","Message":"The security token is invalid"}"#,
            "UnrecognizedClientException: The security token is invalid"
        ),
        (
            "<ErrorResponse><Error><Code>ExpiredTokenException</Code><Message>Token &lt;x&gt; expired</Message></Error></ErrorResponse>",
            "ExpiredTokenException: Token <x> expired"
        ),
        ("<html>oops</html>", nil),
    ])
    func serviceErrors(_ body: String, _ expected: String?) {
        #expect(AWSServiceAnswer.error(in: Array(body.utf8), hiding: []) == expected)
    }

    @Test func errorTypeHeaders() {
        #expect(
            AWSServiceAnswer.errorType(header: "UnrecognizedClientException:http://internal.amazon.com/coral/")
                == "UnrecognizedClientException")
        #expect(AWSServiceAnswer.errorType(header: nil) == nil)
    }

    @Test func ecrPublicAnswersAreDecoded() throws {
        let body = #"{"authorizationData":{"authorizationToken":"QVdTOnNlY3JldA==","expiresAt":1.8E9}}"#
        let token = try ECRAuthorizationToken(host: .public, endpoint: "http://x").decode(Array(body.utf8))
        #expect(token.username == "AWS" && token.password == "secret" && token.expiresAt.seconds == 1_800_000_000)
    }

    @Test(arguments: [
        (#"{"authorizationData":[]}"#, "without authorization data"),
        (#"{"authorizationData":[{"authorizationToken":"QVdTOnNlY3JldA=="}]}"#, "without expiresAt"),
        (#"{"authorizationData":[{"authorizationToken":"bm9jb2xvbg==","expiresAt":1}]}"#, "not base64 user:password"),
        ("[]", "something other than its JSON"),
    ])
    func badECRAnswers(_ body: String, _ text: String) {
        #expect {
            _ = try ECRAuthorizationToken(
                host: .private(account: "1", region: "eu-west-1", fips: false), endpoint: "http://x"
            )
            .decode(Array(body.utf8))
        } throws: { error in
            guard let error = error as? IdentityError else { return false }
            return error.code == .invalidResponse && error.message.contains(text) && !error.message.contains("c2VjcmV0")
        }
    }
}
