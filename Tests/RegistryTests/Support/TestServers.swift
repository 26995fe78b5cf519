import Basics
import Foundation

@testable import Registry

#if canImport(Glibc)
import Glibc
#endif

/// Where the package lives, so tests find `scripts/` and `testdata/`.
enum PackagePaths {
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static var scripts: String { root + "/scripts" }
    static var testdata: String { root + "/testdata/registry" }
}

enum TestServerError: Error, CustomStringConvertible {
    case failed(String)
    var description: String {
        switch self {
        case .failed(let m): m
        }
    }
}

/// A free TCP port on 127.0.0.1 (bind to 0, read it back, close). Tiny race, fine for tests.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestServerError.failed("socket") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestServerError.failed("bind") }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}

func makeTempDir() throws -> String {
    var template = Array((NSTemporaryDirectory() + "/registry-test-XXXXXX").utf8CString)
    let ok = template.withUnsafeMutableBufferPointer { buf -> Bool in
        guard let base = buf.baseAddress else { return false }
        return mkdtemp(base) != nil
    }
    guard ok else { throw TestServerError.failed("mkdtemp") }
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// A raw request through the library's own transport (tests use it to push images and read stats).
func rawRequest(
    _ method: String, _ url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
    options: TransferOptions = TransferOptions()
) async throws -> HTTPResponse {
    try await sharedTransport.send(
        HTTPRequest(method: method, url: url, headers: headers, body: body), options: options
    ).get()
}

/// PEM files from `scripts/make-test-certs.sh`: a CA, a server cert for 127.0.0.1, a client cert.
struct TestCertificates: Sendable {
    let directory: String
    var caPEM: [UInt8] { read("ca.crt") }
    var clientCertPEM: [UInt8] { read("client.crt") }
    var clientKeyPEM: [UInt8] { read("client.key") }

    static func make(in directory: String) async throws -> TestCertificates {
        try await BlockingThread.run {
            Result {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/bin/sh")
                p.arguments = [PackagePaths.scripts + "/make-test-certs.sh", directory]
                try p.run()
                p.waitUntilExit()
                guard p.terminationStatus == 0 else { throw TestServerError.failed("make-test-certs.sh failed") }
                return TestCertificates(directory: directory)
            }
        }.get()
    }

    private func read(_ name: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))) ?? []
    }
}

let sharedTransport = Transport()

/// Polls `condition` until it holds. The limit only stops a test that would otherwise hang
/// (it is far beyond any wait a passing run makes); nothing is asserted about how long it took.
func waitUntil(
    _ what: String, limit: Duration = .seconds(60), _ condition: () async throws -> Bool
) async throws {
    let giveUp = ContinuousClock.now + limit
    while try await !condition() {
        guard ContinuousClock.now < giveUp else { throw TestServerError.failed("gave up waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// `scripts/fake_registry.py`, one per test; dies with the test process (stdin EOF).
final class FakeRegistry: @unchecked Sendable {  // immutable after init; stop() is idempotent under `lock`
    let port: Int
    let manifestSHA256: String
    private let process = Process()
    private let stdin = Pipe()
    private let lock = NSLock()
    private var stopped = false

    var origin: String { "127.0.0.1:\(port)" }

    /// Starts the server; the blocking start-up read runs off the cooperative pool.
    static func start() async throws -> FakeRegistry {
        try await BlockingThread.run { Result { try FakeRegistry() } }.get()
    }

    private init() throws {
        let stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", PackagePaths.scripts + "/fake_registry.py"]
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        var text = ""
        let handle = stdout.fileHandleForReading
        while text.filter({ $0 == "\n" }).count < 2 {
            let chunk = handle.availableData
            if chunk.isEmpty { throw TestServerError.failed("fake registry exited: \(text)") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let lines = text.split(separator: "\n")
        guard let p = Int(lines[0]) else { throw TestServerError.failed("no port in \(text)") }
        port = p
        manifestSHA256 = String(lines[1].split(separator: " ")[1])
    }

    func reference(_ scenario: String) -> ImageReference {
        ImageReference(registry: origin, repository: "\(scenario)/app", scheme: "http")
    }

    func stats() async throws -> [String: Int] {
        let r = try await rawRequest("GET", "http://\(origin)/_stats")
        let any = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] ?? [:]
        return any.compactMapValues { $0 as? Int }
    }

    /// Waits until the server has counted `count` requests under `key` (a `_stats` key such as
    /// `slow:tags/list`): a test acts once the server saw the request, not after a guessed sleep.
    func waitForRequests(_ key: String, count: Int = 1) async throws {
        try await waitUntil("\(count) request(s) counted as \(key) on \(origin)") {
            try await stats()[key, default: 0] >= count
        }
    }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        try? stdin.fileHandleForWriting.close()
        process.terminate()  // SIGTERM; Foundation reaps the child. No wait: tests run on the cooperative pool.
    }

    deinit { stop() }
}

/// Debian's `docker-registry` (CNCF distribution) on a random port with temp storage,
/// optionally behind htpasswd Basic auth.
final class DistributionRegistry: @unchecked Sendable {  // see FakeRegistry
    let port: Int
    let directory: String
    let basicAuth: (user: String, password: String)?
    /// Set when serving TLS (`tls: true`); `mutualTLS` also requires client certificates.
    private(set) var certificates: TestCertificates?
    private let process = Process()
    private let lock = NSLock()
    private var stopped = false

    var origin: String { "127.0.0.1:\(port)" }
    var scheme: String { certificates == nil ? "http" : "https" }

    /// Transfer options the test's own pushes need (trust the test CA, present the client cert).
    var pushOptions: TransferOptions {
        var o = TransferOptions()
        o.caCertificatePEM = certificates?.caPEM
        o.clientCertificatePEM = certificates?.clientCertPEM
        o.clientKeyPEM = certificates?.clientKeyPEM
        return o
    }

    init(basicAuth: (user: String, password: String)? = nil, tls: Bool = false, mutualTLS: Bool = false) async throws {
        for (tool, package) in [
            ("/usr/bin/docker-registry", "docker-registry"), ("/usr/bin/htpasswd", "apache2-utils"),
            ("/usr/bin/openssl", "openssl"),
        ]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw TestServerError.failed("\(tool) is missing: apt-get install -y \(package) (see `make deps`)")
        }
        self.basicAuth = basicAuth
        directory = try makeTempDir()
        port = try freePort()
        var config = """
            version: 0.1
            log:
              level: error
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: \(directory)/data
            http:
              addr: 127.0.0.1:\(port)
              secret: test-secret

            """
        // YAML: `tls` nests under `http` (written last above), so it goes before `auth`.
        if tls || mutualTLS {
            certificates = try await TestCertificates.make(in: directory)
            config += "  tls:\n    certificate: \(directory)/server.crt\n    key: \(directory)/server.key\n"
            if mutualTLS { config += "    clientcas:\n      - \(directory)/ca.crt\n" }
        }
        if let basicAuth {
            // bcrypt hashing blocks for a moment: keep it off the cooperative pool.
            let entry = try await BlockingThread.run { Result { try Self.htpasswd(basicAuth) } }.get()
            try entry.write(to: URL(fileURLWithPath: directory + "/htpasswd"))
            config += "auth:\n  htpasswd:\n    realm: basic-realm\n    path: \(directory)/htpasswd\n"
        }
        try config.write(toFile: directory + "/config.yml", atomically: true, encoding: .utf8)
        try await Self.launch(process, directory: directory)
        for _ in 0..<200 {
            if let r = try? await rawRequest("GET", "\(scheme)://\(origin)/v2/", options: pushOptions),
                r.status == 200 || r.status == 401
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw TestServerError.failed("docker-registry did not start on \(origin)")
    }

    private static func htpasswd(_ auth: (user: String, password: String)) throws -> Data {
        let htpasswd = Process()
        let out = Pipe()
        htpasswd.executableURL = URL(fileURLWithPath: "/usr/bin/htpasswd")
        htpasswd.arguments = ["-Bbn", auth.user, auth.password]
        htpasswd.standardOutput = out
        try htpasswd.run()
        let entry = out.fileHandleForReading.readDataToEndOfFile()
        htpasswd.waitUntilExit()
        return entry
    }

    private static func launch(_ process: Process, directory: String) async throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", directory + "/config.yml"]
        _ = FileManager.default.createFile(atPath: directory + "/registry.log", contents: nil)
        let log = FileHandle(forWritingAtPath: directory + "/registry.log")
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    func reference(_ repository: String) -> ImageReference {
        ImageReference(registry: origin, repository: repository, scheme: scheme)
    }

    private var authHeader: [(name: String, value: String)] {
        guard let basicAuth else { return [] }
        return [
            (
                name: "Authorization",
                value: "Basic " + Data("\(basicAuth.user):\(basicAuth.password)".utf8).base64EncodedString()
            )
        ]
    }

    /// Uploads a config blob and an OCI manifest for `repository:tag` with the plain HTTP API;
    /// returns the manifest digest.
    @discardableResult
    func push(_ repository: String, tag: String) async throws -> String {
        let config = Array(#"{"architecture":"amd64","os":"linux","tag":"\#(tag)"}"#.utf8)
        let configDigest = "sha256:" + SHA256.hex(config)
        let start = try await rawRequest(
            "POST", "\(scheme)://\(origin)/v2/\(repository)/blobs/uploads/", headers: authHeader, body: [],
            options: pushOptions)
        guard start.status == 202, let location = start.header("location") else {
            throw TestServerError.failed("upload start: \(start.status) \(String(decoding: start.body, as: UTF8.self))")
        }
        let absolute = location.hasPrefix("http") ? location : "\(scheme)://\(origin)\(location)"
        let put = try await rawRequest(
            "PUT", absolute + (absolute.contains("?") ? "&" : "?") + "digest=\(configDigest)",
            headers: authHeader + [(name: "Content-Type", value: "application/octet-stream")], body: config,
            options: pushOptions)
        guard put.status == 201 else { throw TestServerError.failed("blob put: \(put.status)") }
        let manifest = Array(
            """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
            "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(configDigest)","size":\(config.count)},\
            "layers":[]}
            """.utf8)
        let m = try await rawRequest(
            "PUT", "\(scheme)://\(origin)/v2/\(repository)/manifests/\(tag)",
            headers: authHeader + [(name: "Content-Type", value: "application/vnd.oci.image.manifest.v1+json")],
            body: manifest,
            options: pushOptions)
        guard m.status == 201 else {
            throw TestServerError.failed("manifest put: \(m.status) \(String(decoding: m.body, as: UTF8.self))")
        }
        return "sha256:" + SHA256.hex(manifest)
    }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        process.terminate()
        let (process, directory) = (self.process, self.directory)
        // Reap and clean up on a side thread: waiting here would block the cooperative pool.
        Thread.detachNewThread {
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    deinit { stop() }
}
