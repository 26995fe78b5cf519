import Basics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Errors from the external signing tools. Messages never include key material or passphrases.
public struct SigningError: Error, Sendable, CustomStringConvertible {
    /// One line: which tool failed and its (trimmed) stderr.
    public var description: String
}

/// Signs commits with an SSH key via `ssh-keygen -Y sign -n git` (git's `gpg.format=ssh`).
///
/// The key bytes are written to a private (0600) temporary file for the duration of each call.
/// A passphrase reaches ssh-keygen through `SSH_ASKPASS` (a script in the same private directory
/// that prints a 0600 file), never on a command line. Blocks while `ssh-keygen` runs; use from
/// the same thread as the `GitCache`.
public struct SSHCommitSigner: CommitSigner {
    private let privateKey: [UInt8]
    private let passphrase: String?
    private let sshKeygen: String

    /// Creates a signer for an OpenSSH/PEM private key, encrypted with `passphrase` when given.
    public init(privateKey: [UInt8], passphrase: String? = nil, sshKeygenPath: String = "/usr/bin/ssh-keygen") {
        self.privateKey = privateKey
        self.passphrase = passphrase
        self.sshKeygen = sshKeygenPath
    }

    /// Returns the armoured `-----BEGIN SSH SIGNATURE-----` block over `commitBuffer`.
    public func sign(_ commitBuffer: [UInt8]) throws -> String {
        let dir = try PrivateTempDirectory()
        defer { dir.remove() }
        let keyPath = try dir.write("key", privateKey)
        let dataPath = try dir.write("commit", commitBuffer)
        var environment: [String: String] = [:]
        if let passphrase {
            let passPath = try dir.write("pass", Array(passphrase.utf8))
            let askpass = try dir.write("askpass", Array("#!/bin/sh\nexec cat '\(passPath)'\n".utf8), mode: 0o700)
            // OpenSSH ≥ 8.4 uses the askpass program even without a display when forced.
            environment = ["SSH_ASKPASS": askpass, "SSH_ASKPASS_REQUIRE": "force"]
        }
        _ = try runTool(
            sshKeygen, ["-q", "-Y", "sign", "-n", "git", "-f", keyPath, dataPath], environment: environment)
        guard let signature = try? String(contentsOfFile: dataPath + ".sig", encoding: .utf8),
            signature.contains("BEGIN SSH SIGNATURE")
        else {
            throw SigningError(description: "ssh-keygen produced no signature")
        }
        return signature
    }
}

/// Signs commits with GnuPG (`gpg --detach-sign --armor`) using a key from `homeDirectory`.
///
/// Runs in batch mode with loopback pinentry; a passphrase, when given, is passed through a
/// private temporary file (never on the command line).
public struct GPGCommitSigner: CommitSigner {
    private let keyID: String
    private let homeDirectory: String?
    private let passphrase: String?
    private let gpg: String

    /// Creates a signer for `keyID` (fingerprint, long id or e-mail) in `homeDirectory` (GNUPGHOME).
    public init(
        keyID: String, homeDirectory: String? = nil, passphrase: String? = nil, gpgPath: String = "/usr/bin/gpg"
    ) {
        self.keyID = keyID
        self.homeDirectory = homeDirectory
        self.passphrase = passphrase
        self.gpg = gpgPath
    }

    /// Returns the armoured `-----BEGIN PGP SIGNATURE-----` block over `commitBuffer`.
    public func sign(_ commitBuffer: [UInt8]) throws -> String {
        let dir = try PrivateTempDirectory()
        defer { dir.remove() }
        var args = [
            "--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback", "--armor", "--detach-sign", "--local-user",
            keyID,
        ]
        if let homeDirectory { args = ["--homedir", homeDirectory] + args }
        if let passphrase { args = ["--passphrase-file", try dir.write("pass", Array(passphrase.utf8))] + args }
        let dataPath = try dir.write("commit", commitBuffer)
        args += ["--output", dataPath + ".asc", dataPath]
        _ = try runTool(gpg, args)
        guard let signature = try? String(contentsOfFile: dataPath + ".asc", encoding: .utf8),
            signature.contains("BEGIN PGP SIGNATURE")
        else {
            throw SigningError(description: "gpg produced no signature")
        }
        return signature
    }
}

/// A private GNUPGHOME holding exactly one secret key, imported from an ImageUpdateAutomation's
/// signing key secret (`git.asc`). Removed, with its gpg-agent, when released.
public final class GPGKeyring {
    /// The GNUPGHOME to sign in.
    public let homeDirectory: String
    /// The key's fingerprint, for `GPGCommitSigner(keyID:)`.
    public let fingerprint: String
    private let directory: PrivateTempDirectory
    private let gpg: String

    /// Imports `armoredKey`; Flux's rules: exactly one key ("entity") must be in it.
    public init(armoredKey: [UInt8], secretName: String, gpgPath: String = "/usr/bin/gpg") throws {
        gpg = gpgPath
        directory = try PrivateTempDirectory()
        homeDirectory = directory.path
        do {
            let keyFile = try directory.write("key.asc", armoredKey)
            _ = try runTool(gpg, ["--homedir", homeDirectory, "--batch", "--no-tty", "--import", keyFile])
            let listing = try runTool(
                gpg, ["--homedir", homeDirectory, "--batch", "--no-tty", "--with-colons", "--list-secret-keys"])
            // The first fpr line after each "sec" record is that key's fingerprint.
            var fingerprints: [String] = []
            var expectingPrimary = false
            for line in listing.split(separator: "\n") {
                let fields = line.split(separator: ":", omittingEmptySubsequences: false)
                if fields.first == "sec" { expectingPrimary = true }
                if fields.first == "fpr", expectingPrimary, fields.count > 9 {
                    fingerprints.append(String(fields[9]))
                    expectingPrimary = false
                }
            }
            guard fingerprints.count == 1 else {
                throw SigningError(
                    description: fingerprints.isEmpty
                        ? "no secret key could be read from signing key secret '\(secretName)'"
                        : "multiple entities read from secret '\(secretName)', could not determine which signing key to use"
                )
            }
            fingerprint = fingerprints[0]
        } catch {
            directory.remove()
            throw error
        }
    }

    deinit {
        // Stop the agent gpg started for this home before removing it.
        _ = try? runTool("/usr/bin/gpgconf", ["--homedir", homeDirectory, "--kill", "gpg-agent"])
        directory.remove()
    }
}

/// A 0700 temporary directory whose files are created 0600.
private struct PrivateTempDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array(((base.hasSuffix("/") ? base : base + "/") + "imagebot-sign-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw SigningError(description: "cannot create a temporary directory")
        }
        path = String(cString: made)
    }

    func write(_ name: String, _ bytes: [UInt8], mode: Int = 0o600) throws -> String {
        let file = path + "/" + name
        guard FileManager.default.createFile(atPath: file, contents: Data(bytes), attributes: [.posixPermissions: mode])
        else {
            throw SigningError(description: "cannot write a temporary file")
        }
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs a signing tool, returning its standard output; its standard error goes into the error.
private func runTool(_ executable: String, _ args: [String], environment: [String: String] = [:]) throws -> String {
    switch ChildProcess.run([executable] + args, environment: environment, timeout: 120) {
    case .failure(let failure):
        throw SigningError(description: "\(executable): \(failure)")
    case .success(let output) where output.status != 0:
        let stderr = String(decoding: output.stderr, as: UTF8.self)
        throw SigningError(
            description: "\(executable) failed (\(output.status)): \(stderr.replacingNewlines().prefix(300))")
    case .success(let output):
        return String(decoding: output.stdout, as: UTF8.self)
    }
}
