import Basics
internal import CCurl
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set from `onCancel` on any thread, read by libcurl's progress callback on the transfer thread.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// Owns one `CURL *` easy handle for exactly one transfer, plus everything libcurl keeps
/// pointing at during it (header slist, error buffer, request body).
///
/// Thread-bound: created, performed and freed inside one blocking job (libcurl-thread(3)).
final class CurlTransfer {
    private let handle: UnsafeMutableRawPointer  // CURL *
    private let share: CurlShare  // retained so the share outlives this handle
    private let cancellation: CancellationFlag
    private let options: TransferOptions
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var requestBody: UnsafeMutableRawPointer?

    // Response state written by the callbacks.
    fileprivate var body: [UInt8] = []
    fileprivate var headers: [(name: String, value: String)] = []
    fileprivate var headerBytes = 0
    fileprivate var bodyOverflow = false
    fileprivate var headerOverflow = false
    fileprivate var maxBody: Int { options.maxResponseBytes }
    fileprivate var maxHeader: Int { options.maxHeaderBytes }
    fileprivate var isCancelled: Bool { cancellation.isCancelled }

    init(share: CurlShare, options: TransferOptions, cancellation: CancellationFlag) {
        ensureCurlInitialized()
        guard let h = curl_easy_init() else { preconditionFailure("curl_easy_init returned NULL (out of memory)") }
        handle = h
        self.share = share
        self.options = options
        self.cancellation = cancellation
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        // Freed after cleanup: libcurl may touch them until then.
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
        requestBody?.deallocate()
    }

    /// Performs the request synchronously. Call only from a blocking-pool thread.
    func perform(_ request: HTTPRequest) -> Result<HTTPResponse, RegistryError> {
        func fail(_ what: String) -> Result<HTTPResponse, RegistryError> {
            .failure(
                RegistryError(
                    code: .invalidOptions,
                    message: "\(request.method) \(redactUserinfo(request.url)): cannot set \(what)"))
        }
        guard configure(request) else { return fail("curl options") }
        if let error = configureTLSAndProxy() { return .failure(error) }

        let rc = withExtendedLifetime(self) { curl_easy_perform(handle) }
        guard rc == CURLE_OK else { return .failure(error(for: rc, request: request)) }

        var status = 0
        _ = imagebot_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var effective: UnsafeMutablePointer<CChar>?
        _ = imagebot_easy_getinfo_str(handle, CURLINFO_EFFECTIVE_URL, &effective)
        let url = effective.map { String(cString: $0) } ?? request.url
        var version = 0
        _ = imagebot_easy_getinfo_long(handle, CURLINFO_HTTP_VERSION, &version)
        let major = version == Int(CURL_HTTP_VERSION_2_0) ? 2 : version == Int(CURL_HTTP_VERSION_3) ? 3 : 1
        return .success(
            HTTPResponse(status: status, headers: headers, body: body, effectiveURL: url, httpVersion: major))
    }

    private var curlOptions: CurlOptions { CurlOptions(handle: handle) }
    private func setLong(_ option: CURLoption, _ value: Int) -> Bool { curlOptions.setLong(option, value) }
    private func setString(_ option: CURLoption, _ value: String) -> Bool { curlOptions.setString(option, value) }

    private func configure(_ request: HTTPRequest) -> Bool {
        let context = Unmanaged.passUnretained(self).toOpaque()
        var ok = true
        ok = ok && setString(CURLOPT_URL, request.url)
        ok = ok && imagebot_easy_setopt_share(handle, share.handle) == CURLE_OK
        ok = ok && setLong(CURLOPT_NOSIGNAL, 1)
        ok = ok && setString(CURLOPT_PROTOCOLS_STR, "http,https")
        // Never follow a redirect from https down to http.
        ok = ok && setString(CURLOPT_REDIR_PROTOCOLS_STR, request.url.hasPrefix("https:") ? "https" : "http,https")
        ok = ok && setLong(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        ok = ok && setLong(CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(options.connectTimeout * 1000)))
        if options.totalTimeout > 0 { ok = ok && setLong(CURLOPT_TIMEOUT_MS, max(1, Int(options.totalTimeout * 1000))) }
        ok = ok && setLong(CURLOPT_FOLLOWLOCATION, options.followRedirects ? 1 : 0)
        ok = ok && setLong(CURLOPT_MAXREDIRS, 5)
        ok = ok && setString(CURLOPT_ACCEPT_ENCODING, "")  // offer what libcurl can decode
        ok =
            ok
            && imagebot_easy_setopt_ptr(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)) == CURLE_OK
        ok = ok && setString(CURLOPT_USERAGENT, "imagebot")

        ok = ok && imagebot_easy_setopt_ptr(handle, CURLOPT_WRITEDATA, context) == CURLE_OK
        ok =
            ok
            && imagebot_easy_setopt_write(handle, CURLOPT_WRITEFUNCTION) { data, size, count, user in
                guard let user else { return 0 }
                let me = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
                let n = size * count
                guard me.body.count + n <= me.maxBody else {
                    me.bodyOverflow = true
                    return 0  // anything but n aborts the transfer with CURLE_WRITE_ERROR
                }
                if let data, n > 0 {
                    me.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: n))
                }
                return n
            } == CURLE_OK
        ok = ok && imagebot_easy_setopt_ptr(handle, CURLOPT_HEADERDATA, context) == CURLE_OK
        ok =
            ok
            && imagebot_easy_setopt_write(handle, CURLOPT_HEADERFUNCTION) { data, size, count, user in
                guard let user else { return 0 }
                let me = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
                let n = size * count
                me.headerBytes += n
                guard me.headerBytes <= me.maxHeader else {
                    me.headerOverflow = true
                    return 0
                }
                guard let data, n > 0 else { return n }
                me.headerLine(UnsafeRawBufferPointer(start: data, count: n))
                return n
            } == CURLE_OK
        ok = ok && setLong(CURLOPT_NOPROGRESS, 0)
        ok = ok && imagebot_easy_setopt_ptr(handle, CURLOPT_XFERINFODATA, context) == CURLE_OK
        ok =
            ok
            && imagebot_easy_setopt_xferinfo(handle) { user, _, _, _, _ in
                guard let user else { return 0 }
                // Non-zero aborts with CURLE_ABORTED_BY_CALLBACK; called about once per second while idle.
                return Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue().isCancelled ? 1 : 0
            } == CURLE_OK

        switch request.method {
        case "GET": break
        case "HEAD": ok = ok && setLong(CURLOPT_NOBODY, 1)
        default: ok = ok && setString(CURLOPT_CUSTOMREQUEST, request.method)
        }
        if let body = request.body {
            let (bodySet, buffer) = curlOptions.setBody(body)
            requestBody = buffer  // owned until deinit
            ok = ok && bodySet
        }
        let (headersSet, list) = curlOptions.setHeaders(request.headers)
        headerList = list
        ok = ok && headersSet
        return ok
    }

    private func configureTLSAndProxy() -> RegistryError? {
        curlOptions.applyTLSAndProxy(options)
            ? nil : RegistryError(code: .invalidOptions, message: "cannot apply TLS or proxy options to libcurl")
    }

    fileprivate func headerLine(_ raw: UnsafeRawBufferPointer) {
        var line = Substring(String(decoding: raw, as: UTF8.self))
        while let last = line.last, last == "\r" || last == "\n" || last == "\r\n" { line = line.dropLast() }
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response (redirect, 100 Continue): keep only the final one
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingSpaces()
        headers.append((name: name, value: String(value)))
    }

    private func error(for rc: CURLcode, request: HTTPRequest) -> RegistryError {
        let text = String(cString: curl_easy_strerror(rc))
        let detail = String(cString: errorBuffer)
        let curlText = detail.isEmpty ? text : "\(text): \(detail)"
        let what = "\(request.method) \(redactUserinfo(request.url))"
        if rc == CURLE_WRITE_ERROR && bodyOverflow {
            return RegistryError(code: .responseTooLarge, message: "\(what): response body exceeds \(maxBody) bytes")
        }
        if rc == CURLE_WRITE_ERROR && headerOverflow {
            return RegistryError(
                code: .responseTooLarge, message: "\(what): response headers exceed \(maxHeader) bytes")
        }
        if rc == CURLE_ABORTED_BY_CALLBACK && isCancelled {
            return RegistryError(code: .cancelled, message: "\(what): cancelled")
        }
        if rc == CURLE_OPERATION_TIMEDOUT {
            return RegistryError(code: .timeout, message: "\(what): \(curlText)", curlError: curlText)
        }
        var e = RegistryError(code: .transport, message: "\(what): \(curlText)", curlError: curlText)
        let transient: [CURLcode] = [
            CURLE_COULDNT_CONNECT, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE,
            CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_COULDNT_RESOLVE_PROXY,
        ]
        e.transient = transient.contains(rc)
        if rc == CURLE_SSL_CONNECT_ERROR { e.tlsFailure = .handshake }
        if rc == CURLE_PEER_FAILED_VERIFICATION { e.tlsFailure = .untrustedCertificate }
        return e
    }
}

@available(*, unavailable) extension CurlTransfer: Sendable {}
