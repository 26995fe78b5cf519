import Basics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The distribution spec's error body: `{"errors":[{"code":"…","message":"…"}]}`.
private struct ErrorBody: Decodable {
    struct Item: Decodable {
        var code: String?
        var message: String?
    }
    var errors: [Item]?
}

extension RegistryClient {
    /// Turns an unexpected response into a one-line error: `401 unauthorized: authentication required (GET …)`.
    func responseError(_ response: HTTPResponse, method: String, url: String) -> RegistryError {
        let status = response.status
        let code: RegistryError.Code =
            switch status {
            case 401: .unauthorized
            case 403: .forbidden
            case 404: .notFound
            case 429: .rateLimited
            default: .httpStatus
            }
        var text = "\(status) \(Self.reasonPhrase(status))"
        if let body = try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body.prefix(64 << 10))),
            let first = body.errors?.first
        {
            let name = first.code.map { sanitize($0.lowercased(), limit: 64) } ?? Self.reasonPhrase(status)
            text = "\(status) \(name)"
            if let message = first.message, !message.isEmpty { text += ": " + sanitize(message, limit: 300) }
        }
        return RegistryError(
            code: code, message: "\(text) (\(method) \(redactUserinfo(url)))", httpStatus: status)
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "bad request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not found"
        case 405: "method not allowed"
        case 408: "request timeout"
        case 429: "too many requests"
        case 499: "client closed request"
        case 500: "internal server error"
        case 502: "bad gateway"
        case 503: "service unavailable"
        case 504: "gateway timeout"
        case 522: "connection timed out"
        default: "unexpected status"
        }
    }
}

/// One line, printable, bounded: registry-provided text goes into our messages.
func sanitize(_ s: String, limit: Int) -> String {
    var out = ""
    for ch in s.unicodeScalars {
        if out.unicodeScalars.count >= limit {
            out += "…"
            break
        }
        out.unicodeScalars.append(ch.value < 0x20 || ch.value == 0x7F ? " " : ch)
    }
    return out
}
