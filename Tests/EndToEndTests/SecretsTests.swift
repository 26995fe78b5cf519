import Foundation
import TestServers
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Every command and the daemon, run with known secret values (Git password, SSH signing key
/// and its password, registry credentials, webhook token): none of them may appear in any
/// output, log, status, metric or commit.
@Suite("secrets never reach output", .serialized)
struct SecretsTests {
    @Test func noCommandOrDaemonOutputContainsASecret() async throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let gitPassword = "GITPASS-\(UUID().uuidString)"
        let registryPassword = "REGPASS-\(UUID().uuidString)"
        let signingPassword = "SIGNPASS-\(UUID().uuidString)"
        let hookToken = "HOOKTOKEN-\(UUID().uuidString)"
        let server = try HTTPGitServer(root: root.path, user: "bot", password: gitPassword)
        defer { server.stop() }
        let fleet = try Fleet(
            registry: registry, signing: "signingKey: {type: ssh, secretRef: {name: signing}}", root: root,
            gitURL: server.url("remote.git"), secretRef: "git-auth")
        try fleet.writeSecret(name: "git-auth", ["username": Data("bot".utf8), "password": Data(gitPassword.utf8)])
        let key = root.appendingPathComponent("signing_key")
        _ = try runTool(
            "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", signingPassword, "-f", key.path, "-C", "bot"])
        let keyText = try String(contentsOf: key, encoding: .utf8)
        try fleet.writeSecret(
            name: "signing", ["identity": Data(keyText.utf8), "password": Data(signingPassword.utf8)])
        // Registry credentials on the ImageRepository (the registry is anonymous: they must be
        // loaded, offered if challenged, and never printed).
        let auth = Data("bot:\(registryPassword)".utf8).base64EncodedString()
        try fleet.writeSecret(
            name: "registry-auth",
            [".dockerconfigjson": Data(#"{"auths":{"\#(registry.host)":{"auth":"\#(auth)"}}}"#.utf8)])
        let manifests = fleet.config.appendingPathComponent("fleet.yaml")
        try String(contentsOf: manifests, encoding: .utf8)
            .replacingOccurrences(
                of: "spec: {image: \"\(registry.host)/acme/app\", interval: 1m}",
                with: "spec: {image: \"\(registry.host)/acme/app\", interval: 1m, secretRef: {name: registry-auth}}"
            )
            .write(to: manifests, atomically: true, encoding: .utf8)
        let secrets =
            [gitPassword, registryPassword, signingPassword, hookToken, auth]
            + keyText.split(separator: "\n").filter { $0.count > 20 }.map(String.init)  // every line of the key body
        var outputs: [String: String] = [:]
        func record(_ name: String, _ result: CommandResult) { outputs[name] = result.stdout + result.stderr }

        let state = ["--secrets-dir", fleet.secrets.path, "--state-dir", root.appendingPathComponent("state").path]
        let config = ["--config", fleet.config.path] + state
        record("validate", try ImagebotBinary.run(["validate"] + config))
        record("scan", try ImagebotBinary.run(["scan", "--output", "json"] + config))
        record("explain", try ImagebotBinary.run(["explain", fleet.root.appendingPathComponent("seed").path] + config))
        record(
            "dry-run --automation",
            try ImagebotBinary.run(["dry-run", "--automation", "flux-system/apps", "--output", "json"] + config))
        let run = try ImagebotBinary.run(["run", "--once", "--output", "json"] + config)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        record("run --once", run)

        // The same with a wrong Git password and a wrong signing password: the error paths.
        try fleet.writeSecret(
            name: "git-auth", ["username": Data("bot".utf8), "password": Data("\(gitPassword)-wrong".utf8)])
        try registry.push("acme/app", ["1.2.0"])
        let failedRun = try ImagebotBinary.run(["run", "--once"] + config)
        #expect(failedRun.status == 3)
        record("run --once (wrong git password)", failedRun)
        try fleet.writeSecret(name: "git-auth", ["username": Data("bot".utf8), "password": Data(gitPassword.utf8)])
        try fleet.writeSecret(
            name: "signing", ["identity": Data(keyText.utf8), "password": Data("\(signingPassword)-wrong".utf8)])
        let failedSigning = try ImagebotBinary.run(["run", "--once"] + config)
        #expect(failedSigning.status == 3)
        record("run --once (wrong signing password)", failedSigning)
        try fleet.writeSecret(
            name: "signing", ["identity": Data(keyText.utf8), "password": Data(signingPassword.utf8)])

        // The daemon: its log, status and metrics, with a push and a rejected webhook.
        let tokenFile = root.appendingPathComponent("token")
        try hookToken.write(to: tokenFile, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(
            config + ["--hook-token-file", tokenFile.path], log: root.appendingPathComponent("daemon.log"))
        try registry.push("acme/app", ["1.3.0"])
        #expect(try await daemon.request("POST", "/hooks/app", token: "\(hookToken)x").0 == 401)
        #expect(try await daemon.request("POST", "/hooks/app", token: hookToken).0 == 202)
        let pushed = eventually(seconds: 20) {
            (try? git(["--git-dir", fleet.remote.path, "show", "main:apps/deploy.yaml"]))?.contains("acme/app:1.3.0")
                == true
        }
        #expect(pushed != nil, "\(daemon.logText)")
        outputs["daemon status"] = try await daemon.request("GET", "/api/v1/status").1
        outputs["daemon metrics"] = try await daemon.request("GET", "/metrics").1
        #expect(try daemon.stop() == 0)
        outputs["daemon log"] = daemon.logText
        outputs["commits"] = try git(["--git-dir", fleet.remote.path, "log", "--format=%an %ae %B", "main"])

        for (name, text) in outputs.sorted(by: { $0.key < $1.key }) {
            #expect(!text.isEmpty, "\(name) printed something to check")
            for secret in secrets {
                #expect(!text.contains(secret), "\(name) leaks a secret:\n\(text)")
            }
        }
    }

    /// A GitHub App's private key and installation token, through every command, a working push
    /// and a malformed key: neither the key nor the token may appear anywhere.
    @Test(.enabled(if: pythonHasModule("jwt"), "PyJWT is missing (make deps installs pyjwt[crypto])"))
    func gitHubAppKeysAndTokensNeverReachOutput() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let root = try makeWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let (privateKey, publicKey) = try makeGitHubAppKey(in: root)
        let token = "ghs_SECRETTOKEN\(UUID().uuidString.prefix(8))"
        let server = try HTTPGitServer(root: root.path, user: "x-access-token", password: token)
        defer { server.stop() }
        let (fleet, api) = try gitHubAppFleet(
            registry: registry, root: root, server: server, privateKey: privateKey, publicKeyPath: publicKey,
            token: token)
        defer { api.stop() }
        let keyLines = String(decoding: privateKey, as: UTF8.self).split(separator: "\n").filter { $0.count > 20 }.map(
            String.init)
        let secrets = [token] + keyLines
        let config = [
            "--config", fleet.config.path, "--secrets-dir", fleet.secrets.path, "--state-dir",
            root.appendingPathComponent("state").path,
        ]
        var outputs: [String: String] = [:]
        for (name, arguments) in [
            ("validate", ["validate"]),
            ("dry-run --automation", ["dry-run", "--automation", "flux-system/apps", "--output", "json"]),
            ("run --once", ["run", "--once", "--output", "json"]),
        ] {
            let result = try ImagebotBinary.run(arguments + config)
            outputs[name] = result.stdout + result.stderr
        }
        #expect(outputs["run --once"]?.contains("pushed commit") == true, "\(outputs["run --once"] ?? "")")
        // A malformed key (secret-looking bytes that are no PEM): one line naming the secret.
        let garbage = "MALFORMEDKEY-\(UUID().uuidString)"
        try fleet.writeSecret(
            name: "github-app",
            [
                "githubAppID": Data("4711".utf8), "githubAppInstallationOwner": Data("acme".utf8),
                "githubAppPrivateKey": Data(
                    "-----BEGIN RSA PRIVATE KEY-----\n\(garbage)\n-----END RSA PRIVATE KEY-----\n".utf8),
                "githubAppBaseURL": Data(api.baseURL.utf8),
            ])
        try registry.push("acme/app", ["1.2.0"])
        let malformed = try ImagebotBinary.run(["run", "--once"] + config)
        #expect(malformed.status == 3)
        #expect(
            malformed.stdout.contains("githubAppPrivateKey is not a valid RSA private key in PEM form"),
            "\(malformed.stdout)")
        outputs["run --once (malformed key)"] = malformed.stdout + malformed.stderr
        for (name, output) in outputs {
            for secret in secrets + [garbage] { #expect(!output.contains(secret), "\(name) printed a secret") }
        }
        let log = try git(["--git-dir", fleet.remote.path, "log", "-p", "--all"])
        for secret in secrets { #expect(!log.contains(secret), "a commit holds a secret") }
    }
}
