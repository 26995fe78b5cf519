import Basics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `docker-credential-<name> get` (the Docker credential-helper protocol): the server
/// URL on stdin, `{"ServerURL","Username","Secret"}` on stdout.
enum CredentialHelper {
    // Property names are the service's JSON field names.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    private struct Output: Decodable {
        var Username: String?
        var Secret: String?
    }

    /// The helper's credentials, `nil` when it has none for the server; throws on other failures.
    /// Runs on a dedicated thread: spawning and waiting block.
    static func get(helper: String, serverURL: String, timeout: Double = 10, directory: String? = nil)
        async throws(RegistryError) -> RegistryCredentials?
    {
        let result = await BlockingThread.run {
            run(helper: helper, serverURL: serverURL, timeout: timeout, directory: directory)
        }
        return try result.get()
    }

    /// `directory` (tests) names where the helper lives; nil searches `PATH`.
    static func run(helper: String, serverURL: String, timeout: Double, directory: String? = nil)
        -> Result<RegistryCredentials?, RegistryError>
    {
        func fail(_ m: String) -> Result<RegistryCredentials?, RegistryError> {
            .failure(RegistryError(code: .credentials, message: "credential helper docker-credential-\(helper): \(m)"))
        }
        guard !helper.isEmpty, helper.utf8.count < 100,
            helper.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        else { return fail("invalid helper name") }
        let output: ChildProcess.Output
        let program = (directory.map { $0 + "/" } ?? "") + "docker-credential-\(helper)"
        switch ChildProcess.run([program, "get"], stdin: Array((serverURL + "\n").utf8), timeout: timeout) {
        case .success(let o): output = o
        case .failure(let failure): return fail(failure.description)
        }
        let text = String(decoding: output.stdout, as: UTF8.self)
        if output.status != 0 {
            // The protocol's "not found" answer means anonymous, not an error.
            if text.lowercased().contains("credentials not found") { return .success(nil) }
            return fail("exited with status \(output.status)")  // stdout may echo secrets: not included
        }
        guard let decoded = try? JSONDecoder().decode(Output.self, from: Data(output.stdout)) else {
            return fail("output is not {\"Username\",\"Secret\"} JSON")
        }
        let user = decoded.Username ?? ""
        let secret = decoded.Secret ?? ""
        if secret.isEmpty { return .success(nil) }
        if user == "<token>" { return .success(.identityToken(secret)) }
        return .success(.basic(username: user, password: secret))
    }
}
