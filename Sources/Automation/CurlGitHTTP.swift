import Committer
import Registry

/// Committer's smart-HTTP exchanges carried by Registry's libcurl `HTTPStream`: the one place
/// where the two stage modules meet, so neither imports the other.
struct CurlGitHTTP: GitHTTPClient {
    func start(_ request: GitHTTPRequest, settings: GitHTTPSettings) -> any GitHTTPExchange {
        var options = HTTPClient.Options()
        options.timeout = settings.timeout.map(seconds)
        options.connectTimeout = seconds(settings.connectTimeout)
        options.caCertificatePEM = settings.caCertificatePEM
        options.clientCertificatePEM = settings.clientCertificatePEM
        options.clientKeyPEM = settings.clientKeyPEM
        options.proxy = settings.proxy
        options.followRedirects = request.followRedirects
        let stream = HTTPStream(
            HTTPClient.Request(method: request.method, url: request.url, headers: request.headers, body: request.body),
            options: options)
        return CurlGitExchange(stream: stream)
    }

    private func seconds(_ duration: Duration) -> Double {
        let (whole, fraction) = duration.components
        return Double(whole) + Double(fraction) / 1e18
    }
}

/// One streamed request; failures keep libcurl's wording and gain Committer's classification.
final class CurlGitExchange: GitHTTPExchange {
    private let stream: HTTPStream

    init(stream: HTTPStream) { self.stream = stream }

    func responseHead() throws(GitHTTPFailure) -> GitHTTPResponseHead {
        do {
            let head = try stream.responseHead()
            return GitHTTPResponseHead(status: head.status, headers: head.headers, effectiveURL: head.effectiveURL)
        } catch {
            throw Self.failure(error)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(GitHTTPFailure) -> Int {
        do {
            return try stream.read(into: buffer)
        } catch {
            throw Self.failure(error)
        }
    }

    static func failure(_ error: RegistryError) -> GitHTTPFailure {
        let curl = (error.curlError ?? "").lowercased()
        let kind: GitHTTPFailure.Kind
        if error.code == .timeout {
            kind = .timeout
        } else if error.code == .invalidOptions {
            kind = .invalidSettings
        } else if error.isTLSFailure || curl.contains("certificate") || curl.contains("ssl") || curl.contains("tls") {
            // With TLS 1.3 a refused client certificate shows up as an alert on the first read
            // ("tlsv13 alert certificate required"), not as a handshake failure.
            kind = .certificate
        } else {
            kind = .unreachable
        }
        return GitHTTPFailure(kind: kind, message: error.message)
    }
}
