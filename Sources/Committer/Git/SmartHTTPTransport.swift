internal import CGit2
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

// libgit2 1.5's own HTTP transport has no client certificates, no per-remote CA, no SOCKS, no
// socket timeouts, and sends proxy-form request lines straight to the target for proxied
// http:// remotes. So `http://` and `https://` are registered to libgit2's smart transport with
// our own subtransport (rpc = 1, the stateless HTTP flavour), which turns each smart-protocol
// step into one request of the operation's `GitHTTPClient` (libcurl, supplied by Automation).
// The protocol details follow libgit2's src/libgit2/transports/http.c (v1.5.1).

/// Registers the subtransport for `http` and `https` once per process (libgit2 wants the
/// registration serialised: a Swift global `let` is initialised exactly once, thread-safely).
let smartHTTPRegistration: Int32 = {
    ensureLibgit2()
    var rc = git_transport_register("http", smartHTTPTransport, nil)
    if rc == 0 { rc = git_transport_register("https", smartHTTPTransport, nil) }
    return rc
}()

/// libgit2 asks for a transport for `owner`'s URL. The remote's session (registered by
/// `RemoteBinding`) says which HTTP client to use; a remote without one gets libgit2's own HTTP.
private let smartHTTPTransport: git_transport_cb = { out, owner, _ in
    guard let session = RemoteBinding.session(for: owner), session.connection.http != nil else {
        var builtin = git_smart_subtransport_definition(callback: git_smart_subtransport_http, rpc: 1, param: nil)
        return git_transport_smart(out, owner, &builtin)
    }
    // git_transport_smart calls the definition's callback before it returns and keeps nothing
    // of the definition but `rpc`, so a stack value is enough.
    var definition = git_smart_subtransport_definition(
        callback: { out, _, param in
            guard let out, let param else { return -1 }
            let session = Unmanaged<RemoteSession>.fromOpaque(param).takeUnretainedValue()
            out.pointee = ClientSubtransport.make(session: session)
            return 0
        },
        rpc: 1, param: Unmanaged.passUnretained(session).toOpaque())
    return git_transport_smart(out, owner, &definition)
}

/// Ties a `git_remote *` to the session of the operation using it, for the transport callback,
/// which receives only the remote. Chosen over a thread-local "current session": the tie is
/// explicit, scoped by this object's lifetime (no stale value after an early return), and
/// holds whichever thread libgit2 happens to run the transport on.
final class RemoteBinding {
    private static let sessions = Mutex<[Int: Int]>([:])  // remote pointer → unretained session
    private let key: Int
    private let session: RemoteSession  // retained: the map holds it unretained

    init(remote: RemoteHandle, session: RemoteSession) {
        key = Int(bitPattern: UnsafeRawPointer(remote.pointer))
        self.session = session
        let value = Int(bitPattern: Unmanaged.passUnretained(session).toOpaque())
        Self.sessions.withLock { $0[key] = value }
    }

    deinit {
        let key = self.key
        Self.sessions.withLock { _ = $0.removeValue(forKey: key) }
    }

    static func session(for remote: OpaquePointer?) -> RemoteSession? {
        guard let remote else { return nil }
        let key = Int(bitPattern: UnsafeRawPointer(remote))
        guard let value = sessions.withLock({ $0[key] }), let raw = UnsafeMutableRawPointer(bitPattern: value) else {
            return nil
        }
        return Unmanaged<RemoteSession>.fromOpaque(raw).takeUnretainedValue()
    }
}

/// The subtransport of one smart transport: makes one `ClientStream` per protocol step and
/// remembers where a redirect of the first request moved the repository.
final class ClientSubtransport {
    let session: RemoteSession
    let client: any GitHTTPClient
    /// The repository URL after a redirect of the ref advertisement; nil until one happens.
    var redirectedURL: String?

    private init(session: RemoteSession, client: any GitHTTPClient) {
        self.session = session
        self.client = client
    }

    /// A C subtransport whose payload retains a new `ClientSubtransport`; freed by its `free`.
    static func make(session: RemoteSession) -> UnsafeMutablePointer<git_smart_subtransport>? {
        guard let client = session.connection.http else { return nil }
        let wrapper = UnsafeMutablePointer<imagebot_subtransport>.allocate(capacity: 1)
        wrapper.initialize(to: imagebot_subtransport())
        wrapper.pointee.payload = Unmanaged.passRetained(ClientSubtransport(session: session, client: client))
            .toOpaque()
        wrapper.pointee.parent.action = { out, subtransport, url, service in
            guard let out, let subtransport, let url else { return -1 }
            let me = ClientSubtransport.from(subtransport)
            guard let stream = me.stream(url: String(cString: url), service: service) else { return -1 }
            out.pointee = stream
            return 0
        }
        wrapper.pointee.parent.close = { _ in 0 }
        wrapper.pointee.parent.free = { subtransport in
            guard let subtransport else { return }
            let wrapper = UnsafeMutableRawPointer(subtransport).assumingMemoryBound(to: imagebot_subtransport.self)
            if let payload = wrapper.pointee.payload { Unmanaged<ClientSubtransport>.fromOpaque(payload).release() }
            wrapper.deinitialize(count: 1)
            wrapper.deallocate()
        }
        return UnsafeMutableRawPointer(wrapper).assumingMemoryBound(to: git_smart_subtransport.self)
    }

    static func from(_ pointer: UnsafeMutablePointer<git_smart_subtransport>) -> ClientSubtransport {
        let wrapper = UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: imagebot_subtransport.self)
        return Unmanaged<ClientSubtransport>.fromOpaque(wrapper.pointee.payload).takeUnretainedValue()
    }

    private func stream(url: String, service: git_smart_service_t) -> UnsafeMutablePointer<
        git_smart_subtransport_stream
    >? {
        let step: ClientStream.Step
        switch service {
        case GIT_SERVICE_UPLOADPACK_LS: step = .advertisement("git-upload-pack")
        case GIT_SERVICE_UPLOADPACK: step = .rpc("git-upload-pack")
        case GIT_SERVICE_RECEIVEPACK_LS: step = .advertisement("git-receive-pack")
        case GIT_SERVICE_RECEIVEPACK: step = .rpc("git-receive-pack")
        default:
            git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "unknown smart service \(service.rawValue)")
            return nil
        }
        var base = redirectedURL ?? url
        while base.hasSuffix("/") { base.removeLast() }
        return ClientStream.make(subtransport: self, base: base, step: step)
    }
}
