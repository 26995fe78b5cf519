import Basics
internal import CCurl

/// Typed `curl_easy_setopt` calls on one easy handle, and the TLS/proxy setup every transfer
/// shares, so the buffered `CurlTransfer` and the streaming `HTTPStream` configure libcurl alike.
struct CurlOptions {
    let handle: UnsafeMutableRawPointer  // CURL *, owned by the caller

    func setLong(_ option: CURLoption, _ value: Int) -> Bool {
        imagebot_easy_setopt_long(handle, option, value) == CURLE_OK
    }

    func setString(_ option: CURLoption, _ value: String) -> Bool {
        // libcurl copies string options (CURLOPT_* STRINGPOINT, curl_easy_setopt(3)).
        value.withCString { imagebot_easy_setopt_str(handle, option, $0) } == CURLE_OK
    }

    func setBlob(_ option: CURLoption, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var blob = curl_blob(
                data: UnsafeMutableRawPointer(mutating: raw.baseAddress), len: raw.count,
                flags: UInt32(CURL_BLOB_COPY))  // libcurl copies: the Swift buffer may go away
            return imagebot_easy_setopt_blob(handle, option, &blob) == CURLE_OK
        }
    }

    /// The request body. libcurl does not copy `CURLOPT_POSTFIELDS`, so the copy made here is
    /// the caller's to keep until the handle is done and then deallocate.
    func setBody(_ body: [UInt8]) -> (ok: Bool, buffer: UnsafeMutableRawPointer) {
        let copy = UnsafeMutableRawPointer.allocate(byteCount: max(1, body.count), alignment: 1)
        body.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(copy), byteCount: $0.count) }
        let ok =
            imagebot_easy_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)) == CURLE_OK
            && imagebot_easy_setopt_ptr(handle, CURLOPT_POSTFIELDS, copy) == CURLE_OK
        return (ok, copy)
    }

    /// The request headers, and an empty `Expect:` (no `100-continue` round trip before a body).
    /// A header containing CR or LF is refused (not ok). The list is the caller's to free
    /// (`curl_slist_free_all`) once the handle is done.
    func setHeaders(_ headers: [(name: String, value: String)]) -> (ok: Bool, list: UnsafeMutablePointer<curl_slist>?) {
        var ok = true
        var list: UnsafeMutablePointer<curl_slist>?
        for line in headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            guard !line.contains("\r"), !line.contains("\n"), let appended = curl_slist_append(list, line) else {
                ok = false
                continue
            }
            list = appended
        }
        ok = ok && imagebot_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list) == CURLE_OK
        return (ok, list)
    }

    /// Verified TLS with the extra CA and client certificate, and the explicit proxy.
    func applyTLSAndProxy(_ options: TransferOptions) -> Bool {
        var ok = true
        if options.tlsProbe {
            // "Does this port speak TLS?": no verification, and no CA file or path, so libcurl
            // does not parse the system bundle; what is learnt is never trusted for data.
            ok = ok && setLong(CURLOPT_SSL_VERIFYPEER, 0) && setLong(CURLOPT_SSL_VERIFYHOST, 0)
            ok = ok && imagebot_easy_setopt_str(handle, CURLOPT_CAINFO, nil) == CURLE_OK
            ok = ok && imagebot_easy_setopt_str(handle, CURLOPT_CAPATH, nil) == CURLE_OK
            return ok
        }
        // Verification is always on: Flux's `insecure` means plain HTTP, not unverified TLS.
        ok = ok && setLong(CURLOPT_SSL_VERIFYPEER, 1)
        ok = ok && setLong(CURLOPT_SSL_VERIFYHOST, 2)
        // A CA blob replaces the default CA *file*, but the default CA *path* (Debian:
        // /etc/ssl/certs, hashed) still supplies the system roots, so the CA is effectively
        // added to the system pool as in Flux. A libcurl built without a CA path would differ.
        if let ca = options.caCertificatePEM { ok = ok && setBlob(CURLOPT_CAINFO_BLOB, ca) }
        if let cert = options.clientCertificatePEM {
            ok = ok && setBlob(CURLOPT_SSLCERT_BLOB, cert) && setString(CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let key = options.clientKeyPEM {
            ok = ok && setBlob(CURLOPT_SSLKEY_BLOB, key) && setString(CURLOPT_SSLKEYTYPE, "PEM")
        }
        if let proxy = options.proxy {
            // An explicit proxy overrides the environment (curl otherwise reads *_proxy / NO_PROXY).
            // http://, https:// and socks5(h):// URLs; the credentials serve Basic and SOCKS5 auth.
            ok = ok && setString(CURLOPT_PROXY, proxy.url)
            if let user = proxy.username { ok = ok && setString(CURLOPT_PROXYUSERNAME, user) }
            if let pass = proxy.password { ok = ok && setString(CURLOPT_PROXYPASSWORD, pass) }
        }
        return ok
    }
}
