import Foundation
import Registry
import TestServers
import Testing

@testable import CloudIdentity

/// ACR logins against a loopback Entra token endpoint, IMDS and ACR exchange that check what
/// they receive.
@Suite(.enabled(if: IdentityFixture.hasPyJWT, "python3 cannot import jwt: pip install 'pyjwt[crypto]'"))
struct AzureRegistryLoginTests {
    static let registry = "fleet.azurecr.io"
    static let tenant = "72f988bf-0000-0000-0000-000000000001"
    static let clientID = "0b5a7c3e-0000-0000-0000-000000000002"
    static let clientSecret = "client-secret-value-do-not-print"

    /// How the pod proves who it is.
    enum Identity: String, CaseIterable, Sendable {
        case workload, managed, clientSecret
    }

    struct Context {
        var service: FakeTokenService
        var control: ServiceControl
        var directory: URL
        var tokenFile: URL
        var assertion: String

        func variables(_ identity: Identity) -> [String: String] {
            switch identity {
            case .workload:
                [
                    "AZURE_CLIENT_ID": clientID, "AZURE_TENANT_ID": tenant,
                    "AZURE_AUTHORITY_HOST": service.baseURL + "/",
                    "AZURE_FEDERATED_TOKEN_FILE": tokenFile.path,
                ]
            case .managed:
                ["AZURE_CLIENT_ID": clientID, "AZURE_POD_IDENTITY_AUTHORITY_HOST": service.baseURL]
            case .clientSecret:
                [
                    "AZURE_CLIENT_ID": clientID, "AZURE_TENANT_ID": tenant, "AZURE_AUTHORITY_HOST": service.baseURL,
                    "AZURE_CLIENT_SECRET": clientSecret,
                ]
            }
        }

        func login(_ variables: [String: String]) -> AzureRegistryLogin {
            AzureRegistryLogin(
                http: HTTPClient(), environment: IdentityFixture.environment(variables),
                exchangeBaseURL: service.baseURL)
        }
    }

    func withServices(refreshLifetime: Int = 10800, _ body: (Context) async throws -> Void) async throws {
        let dir = try IdentityFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokenFile = dir.appendingPathComponent("azure-identity-token")
        let exp = Int(Date().timeIntervalSince1970) + 3600
        let assertion = IdentityFixture.jwt(
            #"{"aud":["api://AzureADTokenExchange"],"exp":\#(exp),"sub":"system:serviceaccount:flux-system:imagebot"}"#)
        try (assertion + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
        let service = try FakeTokenService(
            script: "fake-azure-identity.py",
            arguments: [
                "--tenant", Self.tenant, "--client-id", Self.clientID, "--registry", Self.registry, "--assertion-file",
                tokenFile.path,
                "--client-secret", Self.clientSecret, "--refresh-lifetime", "\(refreshLifetime)",
            ])
        defer { service.stop() }
        try await body(
            Context(
                service: service, control: ServiceControl(service: service), directory: dir, tokenFile: tokenFile,
                assertion: assertion))
    }

    @Test("an ACR refresh token for the all-zero user, living as long as its exp", arguments: Identity.allCases)
    func login(identity: Identity) async throws {
        try await withServices { (context) async throws in
            let (credentials, lifetime) = try await context.login(context.variables(identity)).login(
                registry: Self.registry)
            guard case .basic(let user, let password) = credentials else {
                Issue.record("not basic: \(credentials)")
                return
            }
            #expect(user == "00000000-0000-0000-0000-000000000000")
            #expect(JWTClaims(token: password)?.exp != nil)
            #expect(lifetime > .seconds(10700) && lifetime <= .seconds(10800))
            #expect(try await context.control.rejections() == [])
            #expect(try await context.control.count(identity == .managed ? "imds" : "token") == 1)
            #expect(try await context.control.count("exchange") == 1)
        }
    }

    @Test("one token request and one exchange per lifetime")
    func cached() async throws {
        try await withServices { (context) async throws in
            // The composition RegistryIdentity uses, with the exchange on the loopback server.
            let cache = ExpiringCache<RegistryCredentials>()
            let login = context.login(context.variables(.workload))
            for _ in 0..<3 {
                _ = try await cache.value(for: "azure|\(Self.registry)") { () async throws(IdentityError) in
                    try await login.login(registry: Self.registry)
                }
            }
            #expect(try await context.control.count("token") == 1)
            #expect(try await context.control.count("exchange") == 1)
        }
    }

    @Test("a refresh token without a readable exp gets the default lifetime")
    func defaultLifetime() async throws {
        try await withServices { (context) async throws in
            try await context.control.setMode("opaque-refresh")
            let (credentials, lifetime) = try await context.login(context.variables(.workload)).login(
                registry: Self.registry)
            #expect(
                credentials
                    == .basic(username: "00000000-0000-0000-0000-000000000000", password: "opaque-refresh-token"))
            #expect(lifetime == AzureRegistryLogin.defaultLifetime)
        }
    }

    /// A failure: environment change or service mode, and the expected code and text.
    struct Failure: Sendable, CustomTestStringConvertible {
        var name: String
        var identity: Identity = .workload
        var mode = "none"
        var tokenFile: String?
        var code: IdentityError.Code
        var contains: String
        var testDescription: String { name }
    }

    static let failures: [Failure] = [
        Failure(
            name: "unreadable token file", tokenFile: "missing", code: .invalidCredentials,
            contains: "cannot read the federated token file"),
        Failure(
            name: "expired token file", tokenFile: "expired", code: .invalidCredentials,
            contains: "s ago; is the projected service-account token refreshed?"),
        Failure(
            name: "token file without a JWT", tokenFile: "garbage", code: .invalidCredentials,
            contains: "does not hold a JWT"),
        Failure(
            name: "Entra refuses (AADSTS)", mode: "token-error", code: .serviceError,
            contains: "Azure: token request to 127.0.0.1:"),
        Failure(
            name: "IMDS refuses", identity: .managed, mode: "imds-error", code: .serviceError,
            contains: "failed (400): Identity not found"),
        Failure(
            name: "ACR refuses the exchange", mode: "exchange-error", code: .serviceError,
            contains: "Azure: ACR token exchange to 127.0.0.1:"),
    ]

    @Test("failures are one clear line without a token, assertion or secret", arguments: failures)
    func failure(_ failure: Failure) async throws {
        try await withServices { (context) async throws in
            try await context.control.setMode(failure.mode)
            var variables = context.variables(failure.identity)
            switch failure.tokenFile {
            case "missing":
                variables["AZURE_FEDERATED_TOKEN_FILE"] = context.directory.appendingPathComponent("nope").path
            case "expired":
                try IdentityFixture.jwt(#"{"exp":\#(Int(Date().timeIntervalSince1970) - 60)}"#).write(
                    to: context.tokenFile, atomically: true, encoding: .utf8)
            case "garbage": try "not a token".write(to: context.tokenFile, atomically: true, encoding: .utf8)
            default: break
            }
            let error = await #expect(throws: IdentityError.self) {
                try await context.login(variables).login(registry: Self.registry)
            }
            #expect(error?.code == failure.code)
            #expect(error?.message.contains(failure.contains) == true, "\(error?.message ?? "")")
            let secrets = [
                context.assertion, Self.clientSecret, "entra-access-token-for-acr", "imds-access-token-for-acr", "eyJ",
            ]
            #expect(
                error.map { isCleanMessage($0, prefix: "Azure: ", secrets: secrets) } == true, "\(error?.message ?? "")"
            )
            if failure.tokenFile != nil { #expect(try await context.control.count("token") == 0) }
        }
    }

    @Test("the AADSTS text is quoted on one line")
    func aadstsMessage() async throws {
        try await withServices { (context) async throws in
            try await context.control.setMode("token-error")
            let error = await #expect(throws: IdentityError.self) {
                try await context.login(context.variables(.workload)).login(registry: Self.registry)
            }
            #expect(
                error?.message
                    == "Azure: token request to 127.0.0.1:\(context.service.port) failed (400): AADSTS700016: Application with identifier '\(Self.clientID)' was not found in the directory 'Test'."
            )
        }
    }

    @Test("without any identity the IMDS failure says what is missing")
    func noIdentity() async throws {
        let env = IdentityFixture.environment([
            "AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:\(try freeLocalPort())"
        ])
        let error = await #expect(throws: IdentityError.self) {
            try await AzureRegistryLogin(http: HTTPClient(), environment: env).login(registry: Self.registry)
        }
        #expect(error?.code == .noCredentials)
        #expect(error?.message.contains("AZURE_FEDERATED_TOKEN_FILE") == true)
    }

    @Test(
        "registries: ACR's public and sovereign suffixes only",
        arguments: [
            ("fleet.azurecr.io", true), ("fleet.azurecr.cn", true), ("fleet.azurecr.us", true),
            ("fleet.azurecr.de", true),
            ("ghcr.io", false), ("fleet.azurecr.com", false), (".azurecr.io", false), ("azurecr.io", false),
            ("fleet.azurecr.io:443", false),
        ])
    func registries(registry: String, accepted: Bool) async throws {
        #expect(AzureRegistryLogin.isACR(registry) == accepted)
        if !accepted {
            let error = await #expect(throws: IdentityError.self) {
                try await AzureRegistryLogin(http: HTTPClient(), environment: IdentityFixture.environment([:])).login(
                    registry: registry)
            }
            #expect(error?.code == .unsupportedRegistry)
            #expect(error?.message.hasPrefix("Azure: invalid registry '\(registry)' for provider azure") == true)
        }
    }
}
