import Basics

/// AWS Signature Version 4 for the header-signed requests the SDKs send: canonical request,
/// string to sign, derived key and the `Authorization` header.
///
/// Paths are encoded once (the rule for every service but S3) and query parameters are
/// decoded then re-encoded, so raw and already-encoded input sign the same way. Checked against
/// AWS's signature test suite (testdata/sigv4).
struct SigV4 {
    /// What one signature covers.
    struct Request {
        var method: String
        /// The path, not percent-encoded (`/` for the JSON and Query APIs).
        var path: String
        /// The raw query string without `?`, possibly empty.
        var query: String
        /// Header fields in order, including `Host`; repeated names are joined.
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    /// The intermediate texts and the header, for the test suite and for debugging.
    struct Signature {
        var canonicalRequest: String
        var stringToSign: String
        var authorization: String
        /// The headers to send: the request's own, `X-Amz-Date` and `X-Amz-Security-Token` as
        /// needed, and `Authorization`.
        var headers: [(name: String, value: String)]
    }

    var region: String
    /// The signing name: `ecr`, `ecr-public`, `sts`.
    var service: String
    /// S3's `x-amz-content-sha256` header; the JSON and Query APIs the SDKs call without it.
    var addsContentSHA256 = false

    /// Never signed: the SDKs' list (proxies and agents change these), and Content-Length,
    /// which libcurl sets itself after signing.
    private static let unsignedHeaders: Set<String> = [
        "authorization", "user-agent", "x-amzn-trace-id", "expect", "transfer-encoding", "content-length",
    ]

    /// Signs `request` with `credentials` at `time` (unless it already carries `X-Amz-Date`).
    func sign(_ request: Request, credentials: AWSCredentials, time: AWSTime) -> Signature {
        var headers = request.headers
        let payloadHash = SHA256.hex(request.body)
        func has(_ name: String) -> Bool { headers.contains { $0.name.lowercased() == name } }
        if !has("x-amz-date") { headers.append((name: "X-Amz-Date", value: time.amzDate)) }
        if let token = credentials.sessionToken, !has("x-amz-security-token") {
            headers.append((name: "X-Amz-Security-Token", value: token))
        }
        if addsContentSHA256, !has("x-amz-content-sha256") {
            headers.append((name: "X-Amz-Content-Sha256", value: payloadHash))
        }
        let amzDate = headers.last { $0.name.lowercased() == "x-amz-date" }!.value
        let scope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"

        // Canonical headers: lowercase names in byte order, values trimmed with inner runs of
        // spaces collapsed, repeated names joined with commas in arrival order.
        var grouped: [String: [String]] = [:]
        for (name, value) in headers where !Self.unsignedHeaders.contains(name.lowercased()) {
            grouped[name.lowercased(), default: []].append(Self.normalizedValue(value))
        }
        let names = grouped.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let canonicalHeaders = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")

        let canonicalRequest = [
            request.method,
            Self.canonicalPath(request.path),
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, SHA256.hex(Array(canonicalRequest.utf8))]
            .joined(separator: "\n")

        var key = HMAC.sha256(
            key: Array("AWS4\(credentials.secretAccessKey)".utf8), message: Array(amzDate.prefix(8).utf8))
        for part in [region, service, "aws4_request"] { key = HMAC.sha256(key: key, message: Array(part.utf8)) }
        let signature = Hex.string(HMAC.sha256(key: key, message: Array(stringToSign.utf8)))

        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        headers.append((name: "Authorization", value: authorization))
        return Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, authorization: authorization,
            headers: headers)
    }

    static func normalizedValue(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for c in value.trimmingWhitespace() {
            if c == " " || c == "\t" {
                pendingSpace = true
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(c)
            }
        }
        return out
    }

    static func canonicalPath(_ path: String) -> String {
        path.isEmpty ? "/" : uriEncode(path, keepingSlash: true)
    }

    /// Parameters decoded, re-encoded strictly and sorted by name, then value (byte order).
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = uriEncode(percentDecode(String(parts[0])), keepingSlash: false)
            let value = parts.count > 1 ? uriEncode(percentDecode(String(parts[1])), keepingSlash: false) : ""
            return (name, value)
        }
        return pairs.sorted { a, b in
            a.0 != b.0
                ? Array(a.0.utf8).lexicographicallyPrecedes(Array(b.0.utf8))
                : Array(a.1.utf8).lexicographicallyPrecedes(Array(b.1.utf8))
        }
        .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// RFC 3986 encoding: every byte but `A-Z a-z 0-9 - . _ ~` (and `/` in paths) as `%XX`.
    static func uriEncode(_ text: String, keepingSlash: Bool) -> String {
        PercentEncoding.encode(text, keepingSlash: keepingSlash)
    }

    static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.utf8)
        var i = 0
        while i < input.count {
            if input[i] == UInt8(ascii: "%"), i + 2 < input.count, let high = hexValue(input[i + 1]),
                let low = hexValue(input[i + 2])
            {
                bytes.append(high << 4 | low)
                i += 3
            } else {
                bytes.append(input[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        guard let start = firstIndex(where: { !$0.isWhitespace }), let end = lastIndex(where: { !$0.isWhitespace })
        else {
            return ""
        }
        return String(self[start...end])
    }
}
