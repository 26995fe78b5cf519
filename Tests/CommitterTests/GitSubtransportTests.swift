import Basics
import Foundation
import Synchronization
import TestServers
import Testing

@testable import Committer

/// The smart-HTTP subtransport with a stand-in `GitHTTPClient` (Committer cannot see
/// Registry's libcurl client; the end-to-end tests drive that one): the protocol steps, the
/// Authorization header, 401 handling, and how client failures become `GitError` codes.
@Suite("GitCache through a GitHTTPClient (the smart-HTTP subtransport)")
struct GitSubtransportTests {
    @Test func fetchAndPushGoThroughTheClient() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let server = try HTTPGitServer(root: box.root, user: "bot", password: "s3cret-pw")
        defer { server.stop() }
        let client = LoopbackHTTPClient()
        let cache = try GitCache(
            stateDirectory: box.root + "/state", remoteURL: server.url("remote.git"),
            credentials: .basic(username: "bot", password: "s3cret-pw"), connection: GitConnection(http: client))
        let refs = try cache.fetch(branches: ["main"], tags: true)
        #expect(refs["refs/heads/main"] == (try box.git(["rev-parse", "main"], in: bare)))
        let commit = try cache.commit(
            parent: refs["refs/heads/main"] ?? "", replacing: ["deploy/app.yaml": Array("image: nginx:1.29\n".utf8)],
            author: testAuthor, message: "bump", signer: nil)
        #expect(try cache.push(commit, to: "main", force: false, refspec: nil, options: [:]).outcome == .pushed)
        #expect(try box.git(["rev-parse", "main"], in: bare) == commit)
        let lines = client.requests.withLock { $0 }
        #expect(lines.contains("GET /remote.git/info/refs?service=git-upload-pack"), "\(lines)")
        #expect(lines.contains("POST /remote.git/git-upload-pack"), "\(lines)")
        #expect(lines.contains("GET /remote.git/info/refs?service=git-receive-pack"), "\(lines)")
        #expect(lines.contains("POST /remote.git/git-receive-pack"), "\(lines)")
    }

    @Test func aRejectedPasswordIsAuthenticationWithoutThePassword() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        _ = try box.makeRemote()
        let server = try HTTPGitServer(root: box.root, user: "bot", password: "right-pw")
        defer { server.stop() }
        let url = server.url("remote.git")
        let cache = try GitCache(
            stateDirectory: box.root + "/state", remoteURL: url,
            credentials: .basic(username: "bot", password: "wrong-pw-7"),
            connection: GitConnection(http: LoopbackHTTPClient()))
        let error = #expect(throws: GitError.self) { try cache.fetch(branches: ["main"], tags: false) }
        #expect(error?.code == .authentication)
        #expect(
            error?.message.contains("\(url): authentication failed: credentials for user 'bot' were rejected") == true,
            "\(String(describing: error))")
        #expect(error.map { !"\($0)".contains("wrong-pw-7") } == true)
    }

    @Test(arguments: [
        (
            GitHTTPFailure.Kind.timeout, GitError.Code.timeout,
            "timed out: the GitRepository's timeout of 5s passed (stalled)"
        ),
        (.certificate, .certificate, "TLS failed: stalled"),
        (.unreachable, .unreachable, "stalled"),
    ])
    func clientFailuresKeepTheirClass(_ kind: GitHTTPFailure.Kind, _ code: GitError.Code, _ text: String) throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let url = "https://git.example.invalid/remote.git"
        var connection = GitConnection(
            http: FailingClient(failure: GitHTTPFailure(kind: kind, message: "stalled")), timeout: .seconds(5))
        connection.caCertificatePEM = Array("-----BEGIN CERTIFICATE-----".utf8)
        let cache = try GitCache(
            stateDirectory: box.root + "/state", remoteURL: url, credentials: .none, connection: connection)
        let error = #expect(throws: GitError.self) { try cache.remoteHeads() }
        #expect(error?.code == code)
        #expect(error?.message == "listing refs of \(url): \(text)", "\(String(describing: error))")
    }

    @Test func settingsOnlyAClientCanApplyAreRefusedWithoutOne() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let connection = GitConnection(proxy: GitConnection.Proxy(url: "socks5://127.0.0.1:1080"))
        let error = #expect(throws: GitError.self) {
            _ = try GitCache(
                stateDirectory: box.root + "/state", remoteURL: "https://h.invalid/r.git", credentials: .none,
                connection: connection)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("a proxy needs an HTTP client") == true, "\(String(describing: error))")
    }
}

/// Fails every exchange with one failure.
struct FailingClient: GitHTTPClient {
    let failure: GitHTTPFailure
    func start(_ request: GitHTTPRequest, settings: GitHTTPSettings) -> any GitHTTPExchange {
        Failing(failure: failure)
    }

    final class Failing: GitHTTPExchange {
        let failure: GitHTTPFailure
        init(failure: GitHTTPFailure) { self.failure = failure }
        func responseHead() throws(GitHTTPFailure) -> GitHTTPResponseHead { throw failure }
        func read(into buffer: UnsafeMutableRawBufferPointer) throws(GitHTTPFailure) -> Int { throw failure }
    }
}

/// A minimal HTTP/1.1 client for `http://127.0.0.1` (one connection per request,
/// `Connection: close`, the body streamed from the socket); records request lines.
final class LoopbackHTTPClient: GitHTTPClient {
    let requests = Mutex<[String]>([])

    func start(_ request: GitHTTPRequest, settings: GitHTTPSettings) -> any GitHTTPExchange {
        Exchange(request: request, log: self)
    }

    final class Exchange: GitHTTPExchange {
        let request: GitHTTPRequest
        let log: LoopbackHTTPClient
        var fd: Int32 = -1
        var buffered: [UInt8] = []
        var head: GitHTTPResponseHead?

        init(request: GitHTTPRequest, log: LoopbackHTTPClient) {
            self.request = request
            self.log = log
        }

        deinit { if fd >= 0 { close(fd) } }

        func responseHead() throws(GitHTTPFailure) -> GitHTTPResponseHead {
            if let head { return head }
            // http://[user:pass@]127.0.0.1:port/path
            let rest = request.url.dropFirst("http://".count)
            let authority = rest.prefix { $0 != "/" }
            let path = String(rest.dropFirst(authority.count))
            let hostPort = authority.split(separator: "@").last ?? authority
            guard let port = UInt16(hostPort.split(separator: ":").last ?? "") else {
                throw GitHTTPFailure(kind: .invalidSettings, message: "bad URL")
            }
            log.requests.withLock { $0.append("\(request.method) \(path)") }
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard rc == 0 else { throw GitHTTPFailure(kind: .unreachable, message: "connect failed") }
            var text = "\(request.method) \(path) HTTP/1.1\r\nHost: \(hostPort)\r\nConnection: close\r\n"
            for (name, value) in request.headers { text += "\(name): \(value)\r\n" }
            text += "Content-Length: \(request.body?.count ?? 0)\r\n\r\n"
            let bytes = Array(text.utf8) + (request.body ?? [])
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { throw GitHTTPFailure(kind: .unreachable, message: "send failed") }
                sent += n
            }
            var raw: [UInt8] = []
            while true {
                if let end = find(raw, Array("\r\n\r\n".utf8)) {
                    buffered = Array(raw[(end + 4)...])
                    let lines = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                    let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
                    let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
                        guard let colon = line.firstIndex(of: ":") else { return nil }
                        return (
                            line[..<colon].lowercased(),
                            line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                        )
                    }
                    let result = GitHTTPResponseHead(status: status, headers: headers, effectiveURL: request.url)
                    head = result
                    return result
                }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { throw GitHTTPFailure(kind: .unreachable, message: "connection closed") }
                raw += chunk[..<n]
            }
        }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws(GitHTTPFailure) -> Int {
            _ = try responseHead()
            if !buffered.isEmpty {
                let n = min(buffer.count, buffered.count)
                buffered.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
                buffered.removeFirst(n)
                return n
            }
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            guard n >= 0 else { throw GitHTTPFailure(kind: .unreachable, message: "recv failed") }
            return n
        }

        private func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
            guard haystack.count >= needle.count else { return nil }
            for i in 0...(haystack.count - needle.count) where Array(haystack[i..<(i + needle.count)]) == needle {
                return i
            }
            return nil
        }
    }
}
