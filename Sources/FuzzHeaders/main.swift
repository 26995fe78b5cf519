// libFuzzer entry point for the registry's header parsers (`make fuzz`): `WWW-Authenticate`
// challenges and `Link` pagination. Built only with IMAGEBOT_FUZZ=1 and `-sanitize=fuzzer
// -parse-as-library`; see Sources/FuzzSetters/main.swift for how `FuzzHeaders_main` hands
// control to libFuzzer's driver.
//
// The input (bytes read as UTF-8) is used as both header values. Properties checked:
// - neither parser traps;
// - challenges: none for a header over `maxHeaderLength` (8192 bytes); every scheme is a non-empty
//   lowercase token, every parameter name lowercase;
// - Link: the first target is nil or non-empty, without surrounding blanks or `>`;
// - resolving the target against a page URL either fails or gives a URL on the page's
//   scheme, host and port without userinfo — as libcurl (which makes the request) reads it,
//   not only as imagebot's own URL splitter does.
internal import CCurl
import FuzzSupport
import Registry

let bases = [
    "https://registry.example.com/v2/team/app/tags/list?n=100",
    "http://localhost:5000/v2/library/alpine/tags/list",
    "https://[::1]:8443/v2/x/tags/list?last=a",
]

/// libcurl's reading of `url` as `CURLOPT_URL` parses it: scheme, host, port, whether it has userinfo.
func curlParts(_ url: String) -> (scheme: String, host: String, port: String, userinfo: Bool)? {
    guard let handle = curl_url() else { return nil }
    defer { curl_url_cleanup(handle) }
    let flags = UInt32(CURLU_GUESS_SCHEME) | UInt32(CURLU_NON_SUPPORT_SCHEME)
    guard curl_url_set(handle, CURLUPART_URL, url, flags) == CURLUE_OK else { return nil }
    func part(_ which: CURLUPart, _ flags: UInt32 = 0) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, which, &value, flags) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }
    guard let scheme = part(CURLUPART_SCHEME), let host = part(CURLUPART_HOST),
        let port = part(CURLUPART_PORT, UInt32(CURLU_DEFAULT_PORT))
    else { return nil }
    let userinfo = part(CURLUPART_USER) != nil || part(CURLUPART_PASSWORD) != nil || part(CURLUPART_OPTIONS) != nil
    return (scheme.lowercased(), host.lowercased(), port, userinfo)
}

/// RFC 9110 `tchar`, plus `/` as the parser allows in token68 values.
func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "a")...UInt8(ascii: "z"):
        true
    default: Array("!#$%&'*+-.^_`|~/".utf8).contains(byte)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHeaders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let header = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    let challenges = AuthChallenge.parse(header)
    if header.utf8.count > 8192 { require(challenges.isEmpty) }  // AuthChallenge.maxHeaderLength
    for challenge in challenges {
        require(
            !challenge.scheme.isEmpty && challenge.scheme == challenge.scheme.lowercased(),
            "scheme '\(challenge.scheme)'")
        require(challenge.scheme.utf8.allSatisfy(isTokenByte), "scheme '\(challenge.scheme)' is not a token")
        for name in challenge.parameters.keys { require(name == name.lowercased(), "parameter name '\(name)'") }
    }

    guard let target = LinkHeader.firstTarget(header) else { return 0 }
    require(!target.isEmpty && !target.contains(">"), "Link target '\(target)'")
    require(target.first != " " && target.first != "\t" && target.last != " " && target.last != "\t")
    // libcurl's reading of the bases, for each input: parsed strings kept in a global are reached
    // only through tagged pointers, which LeakSanitizer reports as leaks at exit.
    for (base, expected) in zip(bases, bases.map { curlParts($0)! }) {
        guard let next = try? LinkHeader.resolveNext(target, against: base) else { continue }
        // libcurl refusing the URL is safe (the request fails); reading another origin is not.
        guard let parts = curlParts(next) else { continue }
        require(
            parts.scheme == expected.scheme && parts.host == expected.host && parts.port == expected.port
                && !parts.userinfo,
            "Link '\(target)' from '\(base)' resolves to '\(next)', which libcurl reads as \(parts)")
    }
    return 0
}

@_cdecl("FuzzHeaders_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzzHeaders(data, size) }
}
