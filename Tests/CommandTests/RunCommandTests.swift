import Foundation
import TestServers
import Testing

@Suite("imagebot run --once: scan, select, rewrite, commit, push to a real Git remote", .serialized)
struct RunCommandTests {
    @Test func pushesExactlyTheMarkedChange() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry)
        let (root, remote, deploy) = (fleet.root, fleet.remote, fleet.deploy)
        defer { try? FileManager.default.removeItem(at: root) }
        let run = fleet.runArguments

        let first = try ImagebotBinary.run(run)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("ImageUpdateAutomation flux-system/apps: pushed commit "))
        let author = try git(["--git-dir", remote.path, "log", "-1", "--format=%an <%ae>|%cn <%ce>", "main"])
        #expect(author == "imagebot <bot@example.com>|imagebot <bot@example.com>\n")
        let message = try git(["--git-dir", remote.path, "log", "-1", "--format=%B", "main"])
        #expect(
            message.hasPrefix(
                "Automation: flux-system/apps\n- \(registry.host)/acme/app:1.0.0 -> \(registry.host)/acme/app:1.1.0 (flux-system:app)\n"
            ))
        let changed = try git(["--git-dir", remote.path, "diff", "--name-only", "main~1", "main"])
        #expect(changed == "apps/deploy.yaml\n", "only update.path is rewritten")
        let content = try git(["--git-dir", remote.path, "show", "main:apps/deploy.yaml"])
        #expect(
            content == deploy.replacingOccurrences(of: "acme/app:1.0.0", with: "acme/app:1.1.0"),
            "byte-exact: only the value")

        // Nothing new: one remote ref lookup, no commit.
        let head = try git(["--git-dir", remote.path, "rev-parse", "main"])
        let second = try ImagebotBinary.run(run)
        #expect(second.status == 0)
        #expect(second.stdout.contains("no change since the last run"), "\(second.stdout)")
        #expect(try git(["--git-dir", remote.path, "rev-parse", "main"]) == head)

        // Another writer moved the branch: a full run, but the marked values are current.
        let other = root.appendingPathComponent("other")
        try git(["clone", "-q", remote.path, other.path])
        try "hello\n".write(to: other.appendingPathComponent("README"), atomically: true, encoding: .utf8)
        try git(["add", "README"], in: other)
        try git(["commit", "-qm", "docs"], in: other)
        try git(["push", "-q", "origin", "main"], in: other)
        let theirs = try git(["rev-parse", "HEAD"], in: other)
        let afterTheirs = try ImagebotBinary.run(run)
        #expect(
            afterTheirs.stdout.contains("no changes: every marked value under ./apps is up to date"),
            "\(afterTheirs.stdout)")
        #expect(try git(["--git-dir", remote.path, "rev-parse", "main"]) == theirs)

        // A new tag: imagebot builds on their commit.
        try registry.push("acme/app", ["1.2.0"])
        let third = try ImagebotBinary.run(run)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try git(["--git-dir", remote.path, "rev-parse", "main~1"]) == theirs, "their commit is kept")
        #expect(try git(["--git-dir", remote.path, "show", "main:apps/deploy.yaml"]).contains("acme/app:1.2.0"))
    }
}

@Suite("imagebot run --once: Flux's checkout and push rules", .serialized)
struct CheckoutRuleTests {
    /// `checkout.ref: {branch: main, tag: v1}` without `push.branch`: Flux pushes to `branch`.
    /// imagebot does too, continuing main from its own head (never forced).
    @Test func aTagCheckoutWithABranchPushesToTheBranch() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        try git(["--git-dir", fleet.remote.path, "tag", "v1", "main"])
        let manifests = fleet.config.appendingPathComponent("fleet.yaml")
        try String(contentsOf: manifests, encoding: .utf8)
            .replacingOccurrences(of: "ref: {branch: main}", with: "ref: {branch: main, tag: v1}")
            .replacingOccurrences(of: "    push: {branch: main}\n", with: "")
            .write(to: manifests, atomically: true, encoding: .utf8)
        let seed = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])
        let result = try ImagebotBinary.run(fleet.runArguments)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("pushed commit"), "\(result.stdout)")
        #expect(try git(["--git-dir", fleet.remote.path, "rev-parse", "main~1"]) == seed)
        #expect(try git(["--git-dir", fleet.remote.path, "show", "main:apps/deploy.yaml"]).contains("acme/app:1.1.0"))
    }
}

@Suite("imagebot run --once signs commits", .serialized)
struct SignedCommitTests {
    @Test func sshSignature() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry, signing: "signingKey: {type: ssh, secretRef: {name: signing}}")
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let key = fleet.root.appendingPathComponent("id_ed25519")
        _ = try runTool(
            "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "bot@example.com", "-f", key.path])
        try fleet.writeSecret(name: "signing", ["identity": Data(contentsOf: key)])
        let result = try ImagebotBinary.run(fleet.runArguments)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let publicKey = try String(contentsOf: key.appendingPathExtension("pub"), encoding: .utf8)
        let allowed = fleet.root.appendingPathComponent("allowed_signers")
        try "bot@example.com \(publicKey)".write(to: allowed, atomically: true, encoding: .utf8)
        try git([
            "-c", "gpg.ssh.allowedSignersFile=\(allowed.path)", "--git-dir", fleet.remote.path, "verify-commit", "main",
        ])
    }

    @Test func gpgSignature() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        // The signing key's type defaults to gpg.
        let fleet = try Fleet(registry: registry, signing: "signingKey: {secretRef: {name: signing}}")
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let home = fleet.root.appendingPathComponent("gnupg")
        try FileManager.default.createDirectory(
            at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let env = ["GNUPGHOME": home.path]
        defer { _ = try? runTool("/usr/bin/gpgconf", ["--kill", "gpg-agent"], environment: env) }
        _ = try runTool(
            "/usr/bin/gpg",
            [
                "--batch", "--passphrase", "", "--quick-gen-key", "imagebot <bot@example.com>", "ed25519", "sign",
                "never",
            ], environment: env)
        let armored = try runTool(
            "/usr/bin/gpg", ["--batch", "--armor", "--export-secret-keys", "bot@example.com"], environment: env)
        try fleet.writeSecret(name: "signing", ["git.asc": Data(armored.utf8)])
        let result = try ImagebotBinary.run(fleet.runArguments)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        _ = try runTool("/usr/bin/git", ["--git-dir", fleet.remote.path, "verify-commit", "main"], environment: env)
    }

    @Test func missingKeyIsFluxsError() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry, signing: "signingKey: {secretRef: {name: signing}}")
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        try fleet.writeSecret(name: "signing", ["other": Data("x".utf8)])
        let result = try ImagebotBinary.run(fleet.runArguments)
        #expect(result.status == 3)
        #expect(result.stdout.contains("signing key secret 'signing' does not contain a 'git.asc' key"))
        let head = try git(["--git-dir", fleet.remote.path, "log", "--format=%s", "main"])
        #expect(head == "seed\n", "nothing is pushed")
    }
}
