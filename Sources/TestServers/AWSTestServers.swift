public import Foundation

/// moto in server mode with request authentication on (scripts/moto-aws.py): an IAM user's key,
/// a role for web identity, and temporary credentials of that role, on a random loopback port.
public final class MotoAWS {
    /// The python process.
    public let server: ChildServer
    /// The loopback port.
    public let port: Int
    /// The account moto puts everything in.
    public let account: String
    /// The IAM user's long-lived key.
    public let accessKeyID: String, secretAccessKey: String
    /// A role web identity may assume (allowed ecr:GetAuthorizationToken).
    public let roleARN: String
    /// Temporary credentials of that role, for metadata-server stand-ins to hand out.
    public let temporaryKeyID: String, temporarySecret: String, temporaryToken: String

    /// `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Why the tests cannot run moto here, or nil when they can.
    public static let unavailableReason: String? = pythonModulesMissing(
        ["moto.server", "boto3", "flask_cors"], install: "pip install 'moto[server]==5.2.1'")

    /// Starts moto and waits until its user and role exist and authentication is on.
    public init() throws {
        server = try ChildServer(executable: "/usr/bin/env", arguments: ["python3", scriptPath("moto-aws.py")])
        let line = try server.waitForLine(prefix: "READY ")
        var fields: [String: String] = [:]
        for item in line.split(separator: " ") {
            let parts = item.split(separator: "=", maxSplits: 1)
            if parts.count == 2 {
                fields[String(parts[0])] = String(parts[1]).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        guard let port = fields["port"].flatMap({ Int($0) }), let account = fields["account"], let key = fields["key"],
            let secret = fields["secret"], let role = fields["role"], let tempKey = fields["tempkey"],
            let tempSecret = fields["tempsecret"], let tempToken = fields["temptoken"]
        else {
            server.stop()
            throw SandboxError.failed("moto-aws.py: unexpected READY line")
        }
        (self.port, self.account, accessKeyID, secretAccessKey, roleARN) = (port, account, key, secret, role)
        (temporaryKeyID, temporarySecret, temporaryToken) = (tempKey, tempSecret, tempToken)
    }

    /// Stops moto.
    public func stop() { server.stop() }
}

/// scripts/aws-metadata-server.py: IMDSv2, the EKS Pod Identity endpoint and a failing STS,
/// handing out the given credentials.
public final class AWSMetadataServer {
    /// The python process.
    public let server: ChildServer
    /// The loopback port.
    public let port: Int

    /// `http://127.0.0.1:<port>`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Starts the server; `containerToken` enables `/v1/credentials`, `stsError` is the code its
    /// STS answers with, `imdsV1` makes it refuse IMDSv2 tokens as old metadata services do.
    public init(
        keyID: String, secret: String, token: String, containerToken: String? = nil, expiration: String? = nil,
        stsError: String? = nil, imdsV1: Bool = false
    ) throws {
        var arguments = [scriptPath("aws-metadata-server.py"), "--key", keyID, "--secret", secret, "--token", token]
        if let containerToken { arguments += ["--container-token", containerToken] }
        if let expiration { arguments += ["--expiration", expiration] }
        if let stsError { arguments += ["--sts-error", stsError] }
        if imdsV1 { arguments.append("--imds-v1") }
        server = try ChildServer(executable: "/usr/bin/env", arguments: ["python3"] + arguments)
        guard let port = Int(try server.waitForLine(prefix: "PORT ").trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            server.stop()
            throw SandboxError.failed("aws-metadata-server.py: bad port line")
        }
        self.port = port
    }

    /// Stops the server.
    public func stop() { server.stop() }
}

/// Debian's `docker-registry` behind htpasswd Basic auth for one user, holding one repository
/// with the given tags (pushed with scripts/push_image.py before auth is switched on: the push
/// script speaks no auth, so the registry is started twice on the same storage).
public final class BasicAuthRegistry {
    /// The loopback port.
    public let port: Int
    /// Config, htpasswd and storage; removed by `stop()`.
    public let directory: URL
    private var process: Process?

    /// "127.0.0.1:<port>".
    public var host: String { "127.0.0.1:\(port)" }

    /// Why the registry cannot run here, or nil.
    public static var unavailableReason: String? {
        for (tool, package) in [
            ("/usr/bin/docker-registry", "docker-registry"), ("/usr/bin/htpasswd", "apache2-utils"),
        ]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing: apt-get install -y \(package) (make deps)"
        }
        return nil
    }

    private let tls: (certificate: String, key: String)?

    /// Starts the registry with `repository:tags` readable by `user`/`password` only; on `port`
    /// (default: a free one) and, with `tls`, over HTTPS with that certificate and key (PEM paths).
    public init(
        user: String, password: String, repository: String, tags: [String], port: Int? = nil,
        tls: (certificate: String, key: String)? = nil
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("registry-basic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.port = try port ?? freeLocalPort()
        self.tls = tls
        do {
            try start(auth: false)
            try runTool("/usr/bin/python3", [scriptPath("push_image.py"), host, repository] + tags)
            stopProcess()
            let entry = try runTool("/usr/bin/htpasswd", ["-Bbn", user, password])
            try (entry + "\n").write(
                to: directory.appendingPathComponent("htpasswd"), atomically: true, encoding: .utf8)
            try start(auth: true)
            try waitForPort(self.port)
        } catch {
            stop()
            throw error
        }
    }

    private func start(auth: Bool) throws {
        var config = """
            version: 0.1
            log: {level: error, accesslog: {disabled: true}}
            storage: {filesystem: {rootdirectory: \(directory.path)/data}}
            http: {addr: "127.0.0.1:\(port)", secret: test}

            """
        if auth, let tls {
            // Pushed over plain HTTP first (push_image.py speaks no TLS), then served over TLS.
            config = config.replacingOccurrences(
                of: "secret: test}", with: "secret: test, tls: {certificate: \(tls.certificate), key: \(tls.key)}}")
        }
        if auth { config += "auth: {htpasswd: {realm: basic-realm, path: \(directory.path)/htpasswd}}\n" }
        try config.write(to: directory.appendingPathComponent("config.yml"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", directory.appendingPathComponent("config.yml").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    private func stopProcess() {
        guard let process else { return }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        self.process = nil
    }

    /// Stops the registry and removes its directory.
    public func stop() {
        stopProcess()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

/// Nil when `python3` imports every module, else a reason naming the install line.
func pythonModulesMissing(_ modules: [String], install: String) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", modules.map { "import \($0)" }.joined(separator: "; ")]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return "python3 is missing (make deps)" }
    process.waitUntilExit()
    return process.terminationStatus == 0 ? nil : "python3 cannot import \(modules.joined(separator: ", ")): \(install)"
}
