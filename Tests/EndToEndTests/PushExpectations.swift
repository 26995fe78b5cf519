import Foundation
import TestServers
import Testing

/// A fresh temporary directory for one test; the test removes it.
func makeWorkspace() throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    return root
}

/// The marked line of the fleet's apps/deploy.yaml with `tag`.
func markedLine(_ registry: LocalRegistry, tag: String) -> String {
    "    - image: \(registry.host)/acme/app:\(tag) # {\"$imagepolicy\": \"flux-system:app\"}"
}

/// The facts of one successful `imagebot run --once` that moved 1.0.0 to 1.1.0, read with the
/// git CLI from the bare repository on disk: exit 0, one new commit on main on top of `seed`
/// with the manifest's author, the templated message and exactly the one-line change.
func expectPushedUpdate(
    _ result: CommandResult, fleet: Fleet, registry: LocalRegistry, seed: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let remote = fleet.remote.path
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
    #expect(
        result.stdout.hasPrefix("ImageUpdateAutomation flux-system/apps: pushed commit "), "\(result.stdout)",
        sourceLocation: sourceLocation)
    #expect(
        try git(["--git-dir", remote, "rev-parse", "main~1"]) == seed, "one commit on top of the seed",
        sourceLocation: sourceLocation)
    let author = try git(["--git-dir", remote, "log", "-1", "--format=%an <%ae>|%cn <%ce>", "main"])
    #expect(author == "imagebot <bot@example.com>|imagebot <bot@example.com>\n", sourceLocation: sourceLocation)
    let message = try git(["--git-dir", remote, "log", "-1", "--format=%B", "main"])
    #expect(
        message
            == "Automation: flux-system/apps\n- \(registry.host)/acme/app:1.0.0 -> \(registry.host)/acme/app:1.1.0 (flux-system:app)\n\n",
        "\(message)", sourceLocation: sourceLocation)
    let numstat = try git(["--git-dir", remote, "diff", "--numstat", "main~1", "main"])
    #expect(numstat == "1\t1\tapps/deploy.yaml\n", "one line of one file", sourceLocation: sourceLocation)
    let diff = try git(["--git-dir", remote, "diff", "--unified=0", "main~1", "main"])
    let changes: [String] = diff.split(separator: "\n").map(String.init).filter {
        ($0.hasPrefix("-") || $0.hasPrefix("+")) && !$0.hasPrefix("---") && !$0.hasPrefix("+++")
    }
    let expected: [String] = ["-" + markedLine(registry, tag: "1.0.0"), "+" + markedLine(registry, tag: "1.1.0")]
    #expect(changes == expected, "\(diff)", sourceLocation: sourceLocation)
}

/// The facts of a failed run: exit 3, one line on stdout naming the automation (returned),
/// and nothing pushed.
func expectFailedWithoutPush(
    _ result: CommandResult, fleet: Fleet, seed: String, sourceLocation: SourceLocation = #_sourceLocation
) throws -> String {
    #expect(result.status == 3, "\(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()  // the final newline
    #expect(lines.count == 1, "\(result.stdout)", sourceLocation: sourceLocation)
    let line = String(lines.first ?? "")
    #expect(line.hasPrefix("ImageUpdateAutomation flux-system/apps: "), "\(line)", sourceLocation: sourceLocation)
    #expect(!line.contains("pushed commit"), "\(line)", sourceLocation: sourceLocation)
    #expect(
        try git(["--git-dir", fleet.remote.path, "rev-parse", "main"]) == seed, "nothing is pushed",
        sourceLocation: sourceLocation)
    return line
}

/// A GitHub App's RSA key made by openssl (PKCS#1 PEM, as GitHub hands them out): the private
/// key's bytes and the path of its public half (for the loopback GitHub API).
func makeGitHubAppKey(in directory: URL) throws -> (privateKey: Data, publicKeyPath: String) {
    let key = directory.appendingPathComponent("app.pem").path
    let pub = directory.appendingPathComponent("app.pub").path
    _ = try runTool("/usr/bin/openssl", ["genrsa", "-traditional", "-out", key, "2048"])
    _ = try runTool("/usr/bin/openssl", ["rsa", "-in", key, "-pubout", "-out", pub])
    return (try Data(contentsOf: URL(fileURLWithPath: key)), pub)
}

/// A fleet whose GitRepository uses `provider: github` with the given app key, pushing to a
/// smart-HTTP server that accepts only `x-access-token` with `token`; the loopback GitHub API
/// (which the caller stops) mints that token for app 4711, installation 99 of owner acme.
func gitHubAppFleet(
    registry: LocalRegistry, root: URL, server: HTTPGitServer, privateKey: Data, publicKeyPath: String, token: String
) throws -> (fleet: Fleet, api: FakeTokenService) {
    let api = try FakeTokenService(
        script: "fake-github-api.py",
        arguments: [
            "--public-key", publicKeyPath, "--app-id", "4711", "--installation-id", "99", "--owner", "acme", "--token",
            token,
        ])
    let fleet = try Fleet(
        registry: registry, root: root, gitURL: server.url("remote.git"), secretRef: "github-app",
        gitSpec: ", provider: github")
    try fleet.writeSecret(
        name: "github-app",
        [
            "githubAppID": Data("4711".utf8), "githubAppInstallationOwner": Data("acme".utf8),
            "githubAppPrivateKey": privateKey, "githubAppBaseURL": Data(api.baseURL.utf8),
        ])
    return (fleet, api)
}
