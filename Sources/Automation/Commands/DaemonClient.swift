import Basics
import Registry

/// The daemon's status API, as `imagebot status` reads it.
public enum StatusFetch {
    /// Why no report came back: one line naming the URL and the cause.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The body of `GET url` (JSON asked for), when the daemon answers 200.
    public static func get(_ url: String) async throws(Failure) -> [UInt8] {
        let response: HTTPClient.Response
        do {
            var options = HTTPClient.Options()
            options.timeout = 10
            options.connectTimeout = 3
            response = try await HTTPClient().send(
                HTTPClient.Request(url: url, headers: [("Accept", "application/json")]), options: options)
        } catch {
            throw Failure(description: "cannot reach \(url): \(cause(of: error, url: url))")
        }
        guard response.status == 200 else {
            throw Failure(description: "\(url) answered HTTP \(response.status), not a status report")
        }
        return response.body
    }

    /// The cause without what the line already says: libcurl's detail (its error text is
    /// `<strerror>: <detail>`, and the detail is the specific part), or the error's message
    /// without its `GET <url>: ` prefix.
    static func cause(of error: RegistryError, url: String) -> String {
        if let curl = error.curlError {
            let parts = curl.split(separator: ": ", maxSplits: 1)
            return parts.count == 2 ? String(parts[1]) : curl
        }
        let prefix = "GET \(url): "
        return error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
    }
}

/// The daemon's bearer tokens (webhooks, API).
public enum BearerToken {
    /// `given` equals `token`, compared in constant time.
    public static func matches(_ given: [UInt8], _ token: [UInt8]) -> Bool {
        ConstantTime.equal(given, token)
    }
}
