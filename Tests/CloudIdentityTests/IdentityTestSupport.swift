import Foundation
import Registry
import TestServers

@testable import CloudIdentity

/// Files, processes and service controls the identity tests share.
enum IdentityFixture {
    /// A fresh directory under the system temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "imagebot-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a tool; its status and combined output.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String]? = nil, in directory: URL? = nil) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A GitHub App's RSA key, made by openssl at test time: PKCS#1 (`BEGIN RSA PRIVATE KEY`,
    /// GitHub's download form) or PKCS#8, and the public key's file for the fake API.
    struct RSAKey {
        var privatePEM: [UInt8]
        var publicKeyPath: String
    }

    static func rsaKey(pkcs1: Bool = true, bits: Int = 2048) throws -> RSAKey {
        let dir = try temporaryDirectory()
        let key = dir.appendingPathComponent("app.pem").path
        let pub = dir.appendingPathComponent("app.pub.pem").path
        let generated = try run(["openssl", "genrsa", "-out", key] + (pkcs1 ? ["-traditional"] : []) + ["\(bits)"])
        guard generated.status == 0 else { throw SandboxError.failed("openssl genrsa: \(generated.output)") }
        let exported = try run(["openssl", "rsa", "-in", key, "-pubout", "-out", pub])
        guard exported.status == 0 else { throw SandboxError.failed("openssl rsa -pubout: \(exported.output)") }
        return RSAKey(privatePEM: Array(try Data(contentsOf: URL(fileURLWithPath: key))), publicKeyPath: pub)
    }

    static let hasPyJWT = pythonHasModule("jwt")
    static let hasOpenSSL = (try? run(["openssl", "version"]).status) == 0
    static let hasGit = (try? run(["git", "--version"]).status) == 0

    /// An unsigned-looking compact JWT with `claims` (what a projected token file holds).
    static func jwt(_ claims: String) -> String {
        Base64URL.encode(Array(#"{"alg":"RS256","kid":"test"}"#.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
            + ".c2ln"
    }

    /// An environment of `variables` over the real file system.
    static func environment(_ variables: [String: String]) -> IdentityEnvironment {
        IdentityEnvironment(variables: variables, readFile: ProcessEnvironment.readFile)
    }
}

/// The test controls of a fake token service.
struct ServiceControl {
    let service: FakeTokenService
    let http = HTTPClient()

    private func get(_ path: String) async throws -> [String: Any] {
        let response = try await http.send(HTTPClient.Request(url: service.baseURL + path))
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    /// Requests served per endpoint name.
    func count(_ name: String) async throws -> Int { try await get("/_test/counts")[name] as? Int ?? 0 }

    /// Why requests were refused, in order.
    func rejections() async throws -> [String] { try await get("/_test/counts")["rejections"] as? [String] ?? [] }

    /// Makes later requests fail as `mode` says ("none" resets).
    func setMode(_ mode: String) async throws {
        _ = try await http.send(HTTPClient.Request(url: service.baseURL + "/_test/mode?set=\(mode)"))
    }
}

/// One line, naming the provider, holding none of `secrets`.
func isCleanMessage(_ error: IdentityError, prefix: String, secrets: [String]) -> Bool {
    let text = "\(error) \(String(reflecting: error))"
    return error.message.hasPrefix(prefix) && !error.message.contains("\n") && !error.message.contains("\r")
        && secrets.allSatisfy { !$0.isEmpty && !text.contains($0) }
}
