import Foundation
import Testing

@testable import Committer

@Suite("Commit signing")
struct GitSigningTests {
    @Test func gpgSignedCommitVerifies() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let gnupg = box.root + "/gnupg"
        try FileManager.default.createDirectory(
            atPath: gnupg, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let env = ["GNUPGHOME": gnupg]
        try box.run(
            "/usr/bin/gpg",
            [
                "--batch", "--passphrase", "", "--quick-gen-key", "imagebot <imagebot@example.com>", "ed25519", "sign",
                "never",
            ], extraEnv: env)
        let (bare, _) = try box.makeRemote()
        let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: "file://" + bare, credentials: .none)
        let tip = try cache.resolve(GitReference(branch: "main"))
        let signer = GPGCommitSigner(keyID: "imagebot@example.com", homeDirectory: gnupg)
        let commit = try cache.commit(
            parent: tip, replacing: ["deploy/app.yaml": Array("image: signed:1\n".utf8)], author: testAuthor,
            message: "signed gpg", signer: signer)
        try box.git(["verify-commit", commit], in: cache.path, extraEnv: env)
        #expect(try cache.push(commit, to: "main", force: false, refspec: nil, options: [:]).outcome == .pushed)
        try box.git(["verify-commit", "main"], in: bare, extraEnv: env)
        // Cleanup the agent this test's GNUPGHOME may have started.
        _ = try? box.run("/usr/bin/gpgconf", ["--kill", "gpg-agent"], extraEnv: env)
    }

    @Test func sshSignedCommitVerifies() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        try box.run(
            "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", box.root + "/signing", "-C", "imagebot"])
        let publicKey = try String(contentsOfFile: box.root + "/signing.pub", encoding: .utf8).split(separator: " ")
            .prefix(2).joined(separator: " ")
        try "imagebot@example.com \(publicKey)\n".write(
            toFile: box.root + "/allowed_signers", atomically: true, encoding: .utf8)
        let (bare, _) = try box.makeRemote()
        let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: "file://" + bare, credentials: .none)
        let tip = try cache.resolve(GitReference(branch: "main"))
        let key = Array(try Data(contentsOf: URL(fileURLWithPath: box.root + "/signing")))
        let commit = try cache.commit(
            parent: tip, replacing: ["deploy/app.yaml": Array("image: signed:2\n".utf8)], author: testAuthor,
            message: "signed ssh", signer: SSHCommitSigner(privateKey: key))
        try box.git(
            [
                "-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=" + box.root + "/allowed_signers",
                "verify-commit", commit,
            ], in: cache.path)
        #expect(
            try box.git(["cat-file", "commit", commit], in: cache.path).contains("gpgsig -----BEGIN SSH SIGNATURE-----")
        )

        struct Failing: CommitSigner {
            struct Boom: Error {}
            func sign(_ commitBuffer: [UInt8]) throws -> String { throw Boom() }
        }
        let error = #expect(throws: GitError.self) {
            try cache.commit(
                parent: tip, replacing: ["deploy/app.yaml": [1]], author: testAuthor, message: "x", signer: Failing())
        }
        #expect(error?.code == .signing)
    }

    /// Keys in Secrets are often encrypted: the `password` key of the secret unlocks them.
    @Test(arguments: ["correct horse", "with 'quotes' and $(no) `expansion`"])
    func passwordProtectedSSHKeySigns(passphrase: String) throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        try box.run(
            "/usr/bin/ssh-keygen",
            ["-q", "-t", "ed25519", "-N", passphrase, "-f", box.root + "/signing", "-C", "imagebot"])
        let publicKey = try String(contentsOfFile: box.root + "/signing.pub", encoding: .utf8).split(separator: " ")
            .prefix(2).joined(separator: " ")
        try "imagebot@example.com \(publicKey)\n".write(
            toFile: box.root + "/allowed_signers", atomically: true, encoding: .utf8)
        let (bare, _) = try box.makeRemote()
        let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: "file://" + bare, credentials: .none)
        let tip = try cache.resolve(GitReference(branch: "main"))
        let key = Array(try Data(contentsOf: URL(fileURLWithPath: box.root + "/signing")))
        let signer = SSHCommitSigner(privateKey: key, passphrase: passphrase)
        let commit = try cache.commit(
            parent: tip, replacing: ["deploy/app.yaml": Array("image: signed:3\n".utf8)], author: testAuthor,
            message: "signed", signer: signer)
        try box.git(
            [
                "-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=" + box.root + "/allowed_signers",
                "verify-commit", commit,
            ], in: cache.path)

        // A wrong password is a signing error that names the cause and never echoes the password.
        let wrong = SSHCommitSigner(privateKey: key, passphrase: "not-the-password")
        let error = #expect(throws: GitError.self) {
            try cache.commit(
                parent: tip, replacing: ["deploy/app.yaml": [1]], author: testAuthor, message: "x", signer: wrong)
        }
        #expect(error?.code == .signing)
        #expect(error.map { "\($0)".contains("incorrect passphrase") } == true, "\(String(describing: error))")
        #expect(error.map { "\($0)".contains("not-the-password") } == false)
    }
}
