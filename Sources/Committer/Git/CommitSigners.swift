import Foundation

/// Errors from the external signing tools. Messages never include key material or passphrases.
public struct SigningError: Error, Sendable, CustomStringConvertible {
    /// One line: which tool failed and its (trimmed) stderr.
    public var description: String
}

/// Signs commits with an SSH key via `ssh-keygen -Y sign -n git` (git's `gpg.format=ssh`).
///
/// The key bytes are written to a private (0600) temporary file for the duration of each call.
/// Blocks while `ssh-keygen` runs; use from the same thread as the `GitCache`.
public struct SSHCommitSigner: CommitSigner {
    private let privateKey: [UInt8]
    private let sshKeygen: String

    /// Creates a signer for an unencrypted OpenSSH/PEM private key.
    public init(privateKey: [UInt8], sshKeygenPath: String = "/usr/bin/ssh-keygen") {
        self.privateKey = privateKey
        self.sshKeygen = sshKeygenPath
    }

    /// Returns the armoured `-----BEGIN SSH SIGNATURE-----` block over `commitBuffer`.
    public func sign(_ commitBuffer: [UInt8]) throws -> String {
        let dir = try PrivateTempDirectory()
        defer { dir.remove() }
        let keyPath = try dir.write("key", privateKey)
        let dataPath = try dir.write("commit", commitBuffer)
        _ = try runTool(sshKeygen, ["-q", "-Y", "sign", "-n", "git", "-f", keyPath, dataPath], stdin: nil, in: dir)
        guard let signature = try? String(contentsOfFile: dataPath + ".sig", encoding: .utf8), signature.contains("BEGIN SSH SIGNATURE") else {
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
    public init(keyID: String, homeDirectory: String? = nil, passphrase: String? = nil, gpgPath: String = "/usr/bin/gpg") {
        self.keyID = keyID
        self.homeDirectory = homeDirectory
        self.passphrase = passphrase
        self.gpg = gpgPath
    }

    /// Returns the armoured `-----BEGIN PGP SIGNATURE-----` block over `commitBuffer`.
    public func sign(_ commitBuffer: [UInt8]) throws -> String {
        let dir = try PrivateTempDirectory()
        defer { dir.remove() }
        var args = ["--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback", "--armor", "--detach-sign", "--local-user", keyID]
        if let homeDirectory { args = ["--homedir", homeDirectory] + args }
        if let passphrase { args = ["--passphrase-file", try dir.write("pass", Array(passphrase.utf8))] + args }
        let dataPath = try dir.write("commit", commitBuffer)
        args += ["--output", dataPath + ".asc", dataPath]
        _ = try runTool(gpg, args, stdin: nil, in: dir)
        guard let signature = try? String(contentsOfFile: dataPath + ".asc", encoding: .utf8), signature.contains("BEGIN PGP SIGNATURE") else {
            throw SigningError(description: "gpg produced no signature")
        }
        return signature
    }
}

/// A 0700 temporary directory whose files are created 0600.
private struct PrivateTempDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "imagebot-sign-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw SigningError(description: "cannot create a temporary directory") }
        path = String(cString: made)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        guard FileManager.default.createFile(atPath: file, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw SigningError(description: "cannot write a temporary file")
        }
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs a tool with output captured in files (not pipes), returning stdout; stderr goes into the error.
private func runTool(_ executable: String, _ args: [String], stdin: String?, in dir: PrivateTempDirectory) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = args
    let outPath = dir.path + "/stdout", errPath = dir.path + "/stderr"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    defer {
        try? out.close()
        try? err.close()
    }
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    do {
        try process.run()
    } catch {
        throw SigningError(description: "cannot run \(executable)")
    }
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        throw SigningError(description: "\(executable) failed (\(process.terminationStatus)): \(stderr.replacingNewlines().prefix(300))")
    }
    return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
}
