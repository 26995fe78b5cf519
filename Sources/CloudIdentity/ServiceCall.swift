import Registry

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One call to a token service, its failures turned into one-line `IdentityError`s that name
/// the provider, the step and the host, and never carry the request (it holds the secrets).
struct ServiceCall {
    /// Message prefix: `Azure`, `GCP`, `GitHub App`.
    let provider: String
    /// What the request does, e.g. `token request`, `token exchange`.
    let step: String
    let http: HTTPClient
    var options = HTTPClient.Options()

    /// The body of a 2xx answer to `request`.
    func send(_ request: HTTPClient.Request) async throws(IdentityError) -> [UInt8] {
        try await sendForStatus(request, accepting: 200..<300).body
    }

    /// The answer to `request` when its status is in `accepting`; others are service errors.
    func sendForStatus(_ request: HTTPClient.Request, accepting: Range<Int>) async throws(IdentityError)
        -> HTTPClient.Response
    {
        let host = Self.host(of: request.url)
        let response: HTTPClient.Response
        do {
            response = try await http.send(request, options: options)
        } catch {
            throw IdentityError(
                .transport, "\(provider): \(step) to \(host) failed: \(error.curlError ?? error.message)")
        }
        guard accepting.contains(response.status) else {
            throw serviceError(status: response.status, body: response.body, host: host)
        }
        return response
    }

    /// `.serviceError` for an answer with `status`, quoting the service's own error text.
    func serviceError(status: Int, body: [UInt8], host: String) -> IdentityError {
        let detail = ServiceErrorText.summary(of: body).map { ": \($0)" } ?? ""
        return IdentityError(.serviceError, "\(provider): \(step) to \(host) failed (\(status))\(detail)")
    }

    /// Decodes a JSON answer; a mismatch names the step, not the body (which holds tokens).
    func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], url: String) throws(IdentityError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw IdentityError(
                .invalidResponse, "\(provider): \(step) to \(Self.host(of: url)) answered with unexpected JSON")
        }
    }

    /// The `host[:port]` of an absolute URL, without userinfo.
    static func host(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(rest)
    }
}

/// The short, human part of a token service's error answer.
enum ServiceErrorText {
    // Property names are the service's JSON field names.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    private struct Body: Decodable {
        struct Item: Decodable {
            var code: String?
            var message: String?
        }
        var error: FlexibleError?
        var error_description: String?
        var message: String?
        var errors: [Item]?
    }

    /// `error` is a code string (OAuth2) or an object with a message (Google APIs).
    private enum FlexibleError: Decodable {
        case code(String)
        case object(Body.Item)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .code(text)
            } else {
                self = .object(try container.decode(Body.Item.self))
            }
        }
    }

    /// One line from `body`: OAuth2's `error_description` or `error`, GitHub's `message`, the
    /// registry's `errors[0]`, or a short plain-text body; nil when there is nothing readable.
    static func summary(of body: [UInt8]) -> String? {
        if let decoded = try? JSONDecoder().decode(Body.self, from: Data(body)) {
            var text: String?
            if let description = decoded.error_description {
                text = description
            } else if let message = decoded.message {
                text = message
            } else if case .object(let item) = decoded.error {
                text = item.message ?? item.code
            } else if case .code(let code) = decoded.error {
                text = code
            } else if let first = decoded.errors?.first {
                text = [first.code, first.message].compactMap { $0 }.joined(separator: ": ")
            }
            return text.flatMap(clean)
        }
        let plain = String(decoding: body.prefix(512), as: UTF8.self)
        guard !plain.contains("<") else { return nil }  // an HTML error page says nothing useful
        return clean(plain)
    }

    /// The first line, without control characters or anything shaped like a JWT, at most 200
    /// characters.
    static func clean(_ text: String) -> String? {
        let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        var words: [String] = []
        for word in firstLine.split(separator: " ", omittingEmptySubsequences: true) {
            words.append(word.hasPrefix("eyJ") || word.contains(".eyJ") ? "***" : String(word))
        }
        var line = words.joined(separator: " ").filter { !$0.isASCII || $0.asciiValue! >= 0x20 }
        if line.count > 200 { line = String(line.prefix(200)) + "…" }
        return line.isEmpty ? nil : line
    }
}
