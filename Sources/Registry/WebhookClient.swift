/// Posts JSON events to notification receivers (generic webhooks, Slack) over the registry
/// client's libcurl transport: verified TLS, timeouts, a capped response. It lives here because
/// this module is the one owner of libcurl.
///
/// Webhook URLs often carry their secret in the path (Slack's do), so errors name only the host.
public final class WebhookClient: Sendable {
    private let transport = Transport()

    public init() {}

    /// POSTs `body` as `application/json`; returns the response status.
    public func post(_ body: [UInt8], to url: String, timeout: Double = 10) async throws(RegistryError) -> Int {
        let host = Self.host(of: url)
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), !host.isEmpty else {
            throw RegistryError(
                code: .invalidOptions, message: "notification URL for \(host.isEmpty ? "?" : host) must be http(s)")
        }
        var options = TransferOptions()
        options.totalTimeout = timeout
        options.connectTimeout = min(timeout, 10)
        options.maxResponseBytes = 64 << 10
        options.followRedirects = false
        let request = HTTPRequest(
            method: "POST", url: url, headers: [("Content-Type", "application/json"), ("User-Agent", "imagebot")],
            body: body)
        switch await transport.send(request, options: options) {
        case .success(let response):
            return response.status
        case .failure(let error):
            throw RegistryError(code: error.code, message: "POST to \(host): \(error.curlError ?? error.code.name)")
        }
    }

    /// `https://user@hooks.example.com:8443/path` → `hooks.example.com:8443`.
    public static func host(of url: String) -> String {
        guard let scheme = url.utf8.firstIndex(of: UInt8(ascii: ":")), url[scheme...].hasPrefix("://") else {
            return ""
        }
        let rest = url[url.index(scheme, offsetBy: 3)...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return String(authority.split(separator: "@").last ?? "")
    }

    /// `https://hooks.example.com/services/x?y` → `/services/x?y`; empty when there is none.
    public static func path(of url: String) -> Substring {
        guard let scheme = url.utf8.firstIndex(of: UInt8(ascii: ":")), url[scheme...].hasPrefix("://") else {
            return ""
        }
        return url[url.index(scheme, offsetBy: 3)...].drop { $0 != "/" }
    }
}
