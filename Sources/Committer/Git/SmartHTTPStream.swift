internal import Basics
internal import CGit2

/// One step of the smart HTTP protocol as a libgit2 subtransport stream: the ref
/// advertisement (`GET …/info/refs?service=`) or one stateless RPC (`POST …/git-*-pack`).
/// libgit2 writes the whole request body first, then reads the response, which is streamed
/// from the exchange (a pack is never held in memory here).
final class ClientStream {
    enum Step {
        case advertisement(String)  // service name, e.g. git-upload-pack
        case rpc(String)
    }

    private let subtransport: ClientSubtransport
    private let base: String
    private let step: Step
    private var body: [UInt8] = []
    private var exchange: (any GitHTTPExchange)?
    private var session: RemoteSession { subtransport.session }

    private init(subtransport: ClientSubtransport, base: String, step: Step) {
        self.subtransport = subtransport
        self.base = base
        self.step = step
    }

    /// A C stream whose payload retains a new `ClientStream`; freed by its `free`.
    static func make(subtransport: ClientSubtransport, base: String, step: Step) -> UnsafeMutablePointer<
        git_smart_subtransport_stream
    > {
        let wrapper = UnsafeMutablePointer<imagebot_subtransport_stream>.allocate(capacity: 1)
        wrapper.initialize(to: imagebot_subtransport_stream())
        wrapper.pointee.payload = Unmanaged.passRetained(
            ClientStream(subtransport: subtransport, base: base, step: step)
        ).toOpaque()
        wrapper.pointee.parent.read = { stream, buffer, size, bytesRead in
            guard let stream, let buffer, let bytesRead else { return -1 }
            return ClientStream.from(stream).read(UnsafeMutableRawBufferPointer(start: buffer, count: size), bytesRead)
        }
        wrapper.pointee.parent.write = { stream, buffer, length in
            guard let stream else { return -1 }
            return ClientStream.from(stream).write(
                UnsafeRawBufferPointer(start: buffer, count: buffer == nil ? 0 : length))
        }
        wrapper.pointee.parent.free = { stream in
            guard let stream else { return }
            let wrapper = UnsafeMutableRawPointer(stream).assumingMemoryBound(to: imagebot_subtransport_stream.self)
            if let payload = wrapper.pointee.payload { Unmanaged<ClientStream>.fromOpaque(payload).release() }
            wrapper.deinitialize(count: 1)
            wrapper.deallocate()
        }
        return UnsafeMutableRawPointer(wrapper).assumingMemoryBound(to: git_smart_subtransport_stream.self)
    }

    private static func from(_ pointer: UnsafeMutablePointer<git_smart_subtransport_stream>) -> ClientStream {
        let wrapper = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: imagebot_subtransport_stream.self)
        return Unmanaged<ClientStream>.fromOpaque(wrapper.pointee.payload).takeUnretainedValue()
    }

    private func write(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard case .rpc = step else {
            git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "cannot send a request body with the ref advertisement")
            return -1
        }
        // A write after the response was read starts a new request (libgit2's http.c replays the same way).
        if exchange != nil {
            exchange = nil
            body = []
        }
        body.append(contentsOf: bytes)
        return 0
    }

    private func read(_ buffer: UnsafeMutableRawBufferPointer, _ bytesRead: UnsafeMutablePointer<Int>) -> Int32 {
        bytesRead.pointee = 0
        do {
            let exchange = try self.exchange ?? start()
            self.exchange = exchange
            bytesRead.pointee = try exchange.read(into: buffer)
            return 0
        } catch {
            return fail(error)
        }
    }

    /// Sends the request and checks the response head.
    private func start() throws(StreamFailure) -> any GitHTTPExchange {
        let service: String
        var request: GitHTTPRequest
        let authorization = session.authorizationHeader.map { [(name: "Authorization", value: $0)] } ?? []
        let agent = [(name: "User-Agent", value: "git/2.0 (imagebot)")]
        switch step {
        case .advertisement(let name):
            service = name
            request = GitHTTPRequest(
                method: "GET", url: "\(base)/info/refs?service=\(name)",
                headers: agent + [(name: "Accept", value: "application/x-\(name)-advertisement")] + authorization,
                body: nil, followRedirects: true)
        case .rpc(let name):
            service = name
            request = GitHTTPRequest(
                method: "POST", url: "\(base)/\(name)",
                headers: agent + [
                    (name: "Content-Type", value: "application/x-\(name)-request"),
                    (name: "Accept", value: "application/x-\(name)-result"),
                ] + authorization,
                body: body, followRedirects: false)
        }
        let settings = try session.httpSettings()
        let exchange = subtransport.client.start(request, settings: settings)
        let head: GitHTTPResponseHead
        do {
            head = try exchange.responseHead()
        } catch {
            throw .transport(error)
        }
        switch head.status {
        case 200:
            break
        case 401:
            var message = session.rejectionMessage
            if request.url.hasPrefix("http://"), session.connection.proxy != nil {
                // Some proxies (tinyproxy) refuse their own credentials with 401 rather than 407.
                message += ", or \(session.proxyRejectionMessage.replacing("proxy authentication failed: ", with: ""))"
            }
            throw .status(GIT_EAUTH.rawValue, .authentication, message)
        case 407:
            throw .status(GIT_EAUTH.rawValue, .authentication, session.proxyRejectionMessage)
        case 403:
            throw .status(-1, .authentication, "authentication failed: access forbidden (403)")
        default:
            throw .status(-1, .unreachable, "unexpected HTTP status \(head.status)")
        }
        let isAdvertisement: Bool
        if case .advertisement = step { isAdvertisement = true } else { isAdvertisement = false }
        let expected = "application/x-\(service)-" + (isAdvertisement ? "advertisement" : "result")
        guard head.header("content-type")?.lowercased().hasPrefix(expected) == true else {
            throw .status(
                -1, .unreachable,
                "invalid content-type '\(head.header("content-type") ?? "")' (not a smart HTTP Git server?)")
        }
        if isAdvertisement, head.effectiveURL != request.url {
            // Redirected: later requests go to the new place, as libgit2 and git do.
            let suffix = "/info/refs?service=\(service)"
            if head.effectiveURL.hasSuffix(suffix) {
                subtransport.redirectedURL = String(head.effectiveURL.dropLast(suffix.count))
            }
        }
        return exchange
    }

    /// Records the failure for `GitCache`'s classification and in libgit2's error slot.
    private func fail(_ failure: any Error) -> Int32 {
        let (rc, code, message): (Int32, GitError.Code, String)
        switch failure {
        case let failure as StreamFailure:
            switch failure {
            case .status(let status, let kind, let text): (rc, code, message) = (status, kind, text)
            case .transport(let error): (rc, code, message) = session.describe(error)
            }
        case let error as GitHTTPFailure:
            (rc, code, message) = session.describe(error)
        default:
            (rc, code, message) = (-1, .unreachable, "\(failure)")
        }
        session.failureCode = code
        if code == .authentication { session.authenticationRejected = true }
        git_error_set_str(Int32(GIT_ERROR_NET.rawValue), message.masking(session.secrets).replacingNewlines())
        return rc
    }
}

/// Why a stream step failed before libgit2 saw any data.
enum StreamFailure: Error {
    /// An HTTP status we refuse: libgit2 return code, classification, message.
    case status(Int32, GitError.Code, String)
    /// The exchange itself failed (connect, TLS, proxy, timeout).
    case transport(GitHTTPFailure)
}
