import Basics

/// One HTTP request as the transport sees it. Sendable so it can cross to the curl thread.
struct HTTPRequest: Sendable {
    var method: String = "GET"
    var url: String
    /// Header lines as name/value pairs, sent in order.
    var headers: [(name: String, value: String)] = []
    var body: [UInt8]? = nil
}

/// A complete response: status, headers (case-insensitive lookup) and the body bytes.
struct HTTPResponse: Sendable {
    var status: Int
    /// Header fields of the final response, names lowercased, in arrival order.
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// The URL after redirects.
    var effectiveURL: String
    /// The HTTP version used: 1 (1.0/1.1), 2 or 3 (for tests and diagnostics).
    var httpVersion: Int = 1

    /// The first value of a header, case-insensitively.
    func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }

    /// All values of a header, case-insensitively.
    func headers(_ name: String) -> [String] {
        let lower = name.lowercased()
        return headers.filter { $0.name == lower }.map(\.value)
    }
}

/// Transfer settings derived from `RegistryOptions`, per request.
struct TransferOptions: Sendable {
    var connectTimeout: Double = 10
    /// Seconds; 0 for no bound.
    var totalTimeout: Double = 30
    var maxResponseBytes: Int = 32 << 20
    var maxHeaderBytes: Int = 256 << 10
    var caCertificatePEM: [UInt8]? = nil
    var clientCertificatePEM: [UInt8]? = nil
    var clientKeyPEM: [UInt8]? = nil
    var proxy: ProxySettings? = nil
    var followRedirects = true
    /// Only learn whether the server speaks TLS: the certificate is not verified, so no CA store
    /// is loaded (parsing the system bundle costs about 20 ms of CPU per transfer).
    var tlsProbe = false
}
