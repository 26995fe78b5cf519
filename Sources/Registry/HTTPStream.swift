import Basics
internal import CCurl

/// One HTTP request whose response body is read piece by piece, for callers that must not hold
/// a whole response in memory (a Git pack). The same libcurl setup as `HTTPClient`: verified TLS
/// with the optional extra CA and client certificate, `http`/`https`/`socks5(h)` proxies with
/// credentials, connect and whole-request timeouts, redirects never from https down to http.
///
/// The transfer runs on a curl *multi* handle driven from `responseHead()` and `read(into:)` on
/// the caller's thread, so no extra thread is needed and back-pressure is natural: nothing is
/// received while the caller is not reading, apart from what one `curl_multi_perform` delivers
/// (libcurl bounds that to a few of its 16 KiB receive buffers). The request body is sent
/// from memory. Not thread-safe: create, use and drop it on one thread (libcurl-thread(3)).
public final class HTTPStream {
    /// Status line and headers of the final response (after redirects).
    public struct Head: Sendable {
        /// The HTTP status code.
        public var status: Int
        /// Header fields, names lowercased, in arrival order.
        public var headers: [(name: String, value: String)]
        /// The URL that answered, after redirects.
        public var effectiveURL: String

        /// The first value of a header, case-insensitively.
        public func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return headers.first { $0.name == lower }?.value
        }
    }

    private let handle: UnsafeMutableRawPointer  // CURL *
    private let multi: UnsafeMutableRawPointer  // CURLM *
    private let request: HTTPClient.Request
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var requestBody: UnsafeMutableRawPointer?
    private var configured = true

    // Written by libcurl's callbacks, consumed by read(into:).
    fileprivate var pending: [UInt8] = []
    fileprivate var pendingOffset = 0
    fileprivate var headers: [(name: String, value: String)] = []
    private var result: CURLcode?

    /// Prepares the request; nothing is sent until `responseHead()` or `read(into:)`.
    public init(_ request: HTTPClient.Request, options: HTTPClient.Options) {
        ensureCurlInitialized()
        guard let h = curl_easy_init(), let m = curl_multi_init() else {
            preconditionFailure("curl_easy_init/curl_multi_init returned NULL (out of memory)")
        }
        handle = h
        multi = m
        self.request = request
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        configured = configure(options) && curl_multi_add_handle(m, h) == CURLM_OK
    }

    deinit {
        curl_multi_remove_handle(multi, handle)
        curl_easy_cleanup(handle)
        curl_multi_cleanup(multi)
        // Freed after cleanup: libcurl may touch them until then.
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
        requestBody?.deallocate()
    }

    /// Sends the request and waits for the final response's head (the body stays unread).
    public func responseHead() throws(RegistryError) -> Head {
        try fill()
        var status = 0
        _ = imagebot_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>?
        _ = imagebot_easy_getinfo_str(handle, CURLINFO_EFFECTIVE_URL, &effective)
        return Head(
            status: status, headers: headers, effectiveURL: effective.map { String(cString: $0) } ?? request.url)
    }

    /// Copies up to `buffer.count` body bytes into `buffer`; 0 means the body has ended.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(RegistryError) -> Int {
        try fill()
        let count = min(buffer.count, pending.count - pendingOffset)
        guard count > 0, let base = buffer.baseAddress else { return 0 }
        pending.withUnsafeBytes { source in
            base.copyMemory(from: source.baseAddress! + pendingOffset, byteCount: count)
        }
        pendingOffset += count
        if pendingOffset == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingOffset = 0
        }
        return count
    }

    /// Drives the transfer until body bytes are waiting or it has ended; throws its failure.
    private func fill() throws(RegistryError) {
        guard configured else {
            throw RegistryError(
                code: .invalidOptions, message: "\(what): cannot set curl options (CA, client certificate or proxy)")
        }
        while pendingOffset == pending.count && result == nil {
            var running: Int32 = 0
            let mc = withExtendedLifetime(self) { curl_multi_perform(multi, &running) }
            guard mc == CURLM_OK else {
                throw RegistryError(code: .transport, message: "\(what): \(String(cString: curl_multi_strerror(mc)))")
            }
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                if message.pointee.msg == CURLMSG_DONE { result = message.pointee.data.result }
            }
            if pendingOffset == pending.count && result == nil {
                // Sleeps until a socket is ready or libcurl's next timer (timeouts) is due.
                _ = curl_multi_poll(multi, nil, 0, 1000, nil)
            }
        }
        if pendingOffset == pending.count, let result, result != CURLE_OK { throw error(for: result) }
    }

    private var what: String { "\(request.method) \(redactUserinfo(request.url))" }

    private func configure(_ options: HTTPClient.Options) -> Bool {
        let set = CurlOptions(handle: handle)
        let context = Unmanaged.passUnretained(self).toOpaque()
        var ok = set.setString(CURLOPT_URL, request.url)
        ok = ok && set.setLong(CURLOPT_NOSIGNAL, 1)
        ok = ok && set.setString(CURLOPT_PROTOCOLS_STR, "http,https")
        ok = ok && set.setString(CURLOPT_REDIR_PROTOCOLS_STR, request.url.hasPrefix("https:") ? "https" : "http,https")
        ok = ok && set.setLong(CURLOPT_FOLLOWLOCATION, options.followRedirects ? 1 : 0)
        ok = ok && set.setLong(CURLOPT_MAXREDIRS, 5)
        ok = ok && set.setLong(CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(options.connectTimeout * 1000)))
        if let timeout = options.timeout { ok = ok && set.setLong(CURLOPT_TIMEOUT_MS, max(1, Int(timeout * 1000))) }
        ok =
            ok
            && imagebot_easy_setopt_ptr(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)) == CURLE_OK
        ok = ok && set.setString(CURLOPT_USERAGENT, "imagebot")
        ok = ok && imagebot_easy_setopt_ptr(handle, CURLOPT_WRITEDATA, context) == CURLE_OK
        ok =
            ok
            && imagebot_easy_setopt_write(handle, CURLOPT_WRITEFUNCTION) { data, size, count, user in
                guard let user else { return 0 }
                let me = Unmanaged<HTTPStream>.fromOpaque(user).takeUnretainedValue()
                let n = size * count
                if let data, n > 0 { me.pending.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n)) }
                return n
            } == CURLE_OK
        ok = ok && imagebot_easy_setopt_ptr(handle, CURLOPT_HEADERDATA, context) == CURLE_OK
        ok =
            ok
            && imagebot_easy_setopt_write(handle, CURLOPT_HEADERFUNCTION) { data, size, count, user in
                guard let user else { return 0 }
                let n = size * count
                guard let data, n > 0 else { return n }
                Unmanaged<HTTPStream>.fromOpaque(user).takeUnretainedValue().headerLine(
                    UnsafeRawBufferPointer(start: data, count: n))
                return n
            } == CURLE_OK
        switch request.method {
        case "GET": break
        case "POST": ok = ok && set.setLong(CURLOPT_POST, 1)
        default: ok = ok && set.setString(CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let body = request.body {
            let (bodySet, buffer) = set.setBody(body)
            requestBody = buffer  // owned until deinit
            ok = ok && bodySet
        }
        let (headersSet, list) = set.setHeaders(request.headers)
        headerList = list
        ok = ok && headersSet
        var transfer = TransferOptions()
        transfer.caCertificatePEM = options.caCertificatePEM
        transfer.clientCertificatePEM = options.clientCertificatePEM
        transfer.clientKeyPEM = options.clientKeyPEM
        transfer.proxy = options.proxy
        return ok && set.applyTLSAndProxy(transfer)
    }

    fileprivate func headerLine(_ raw: UnsafeRawBufferPointer) {
        var line = Substring(String(decoding: raw, as: UTF8.self))
        while let last = line.last, last == "\r" || last == "\n" || last == "\r\n" { line = line.dropLast() }
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response (redirect, proxy CONNECT, 100): keep only the final one
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        headers.append(
            (name: line[..<colon].lowercased(), value: String(line[line.index(after: colon)...].trimmingSpaces())))
    }

    private func error(for rc: CURLcode) -> RegistryError {
        let text = String(cString: curl_easy_strerror(rc))
        let detail = String(cString: errorBuffer)
        let curlText = detail.isEmpty ? text : "\(text): \(detail)"
        if rc == CURLE_OPERATION_TIMEDOUT {
            return RegistryError(code: .timeout, message: "\(what): \(curlText)", curlError: curlText)
        }
        var e = RegistryError(code: .transport, message: "\(what): \(curlText)", curlError: curlText)
        if rc == CURLE_SSL_CONNECT_ERROR { e.tlsFailure = .handshake }
        if rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE {
            e.tlsFailure = .untrustedCertificate
        }
        if rc == CURLE_SSL_CERTPROBLEM { e.tlsFailure = .handshake }
        return e
    }
}

@available(*, unavailable) extension HTTPStream: Sendable {}

extension RegistryError {
    /// Whether libcurl failed in TLS: an untrusted server certificate, a refused or unusable
    /// client certificate, or a handshake that did not complete.
    public var isTLSFailure: Bool { tlsFailure != nil }
}
