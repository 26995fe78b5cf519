import Basics
import Logging
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension RegistryClient {
    /// Lists all tags of a repository in registry order, following `Link` pagination on the
    /// same origin only (`GET /v2/<repo>/tags/list?n=<pageSize>`).
    public func listTags(_ reference: ImageReference, options: RegistryOptions = RegistryOptions())
        async throws(RegistryError) -> [String]
    {
        var context = RequestContext(reference: reference, options: options)
        do throws(RegistryError) {
            try await resolveScheme(&context)
            let first = "\(context.baseURL)/v2/\(reference.repository)/tags/list"
            // A registry that refused our page size (Quay: TOO_MANY_TAGS_REQUESTED) gets its own, or none.
            let pageSize = pageSizes.withLock { $0[reference.registry] } ?? .some(max(1, options.tagPageSize))
            var url = first + (pageSize.map { "?n=\($0)" } ?? "")
            var fetched: Set<String> = []
            var tags: [String] = []
            while true {
                guard fetched.insert(url).inserted else {
                    throw RegistryError(
                        code: .invalidLink, message: "Link cycle: \(redactUserinfo(url)) was already fetched")
                }
                guard fetched.count <= options.maxTagPages else {
                    throw RegistryError(
                        code: .limitExceeded, message: "tag list has more than \(options.maxTagPages) pages")
                }
                let request = HTTPRequest(url: url, headers: [(name: "Accept", value: "application/json")])
                let response = try await authorizedSend(request, context)
                if tags.isEmpty, fetched.count == 1, url != first, let smaller = Self.allowedPageSize(response) {
                    pageSizes.withLock { $0[reference.registry] = .some(smaller) }
                    logger?.debug(
                        "registry refused the tag page size, listing again",
                        metadata: ["image": "\(reference.canonicalName)", "n": "\(smaller.map(String.init) ?? "none")"])
                    fetched.removeAll()
                    url = first + (smaller.map { "?n=\($0)" } ?? "")
                    continue
                }
                guard response.status == 200 else { throw responseError(response, method: "GET", url: url) }
                let page = try decodeTagPage(response.body, url: url)
                guard tags.count + page.count <= options.maxTags else {
                    throw RegistryError(code: .limitExceeded, message: "tag list has more than \(options.maxTags) tags")
                }
                tags.append(contentsOf: page)
                guard let link = response.header("link"), let target = LinkHeader.firstTarget(link) else { break }
                url = try LinkHeader.resolveNext(target, against: url)
            }
            logger?.debug(
                "listed tags",
                metadata: ["image": "\(reference.canonicalName)", "tags": "\(tags.count)", "pages": "\(fetched.count)"])
            return tags
        } catch {
            throw error.with(image: reference.canonicalName)
        }
    }

    /// For a first page refused because of its size (Quay answers 413 or 400 with
    /// `TOO_MANY_TAGS_REQUESTED: … requested limit 1000 is too high, max is 100`): the size to
    /// ask for instead, `.some(nil)` for "leave `n` out", nil when the refusal is something else.
    static func allowedPageSize(_ response: HTTPResponse) -> Int?? {
        guard response.status == 413 || response.status == 400 else { return nil }
        let body = String(decoding: response.body.prefix(64 << 10), as: UTF8.self)
        guard body.contains("TOO_MANY_TAGS_REQUESTED") else { return nil }
        guard let range = body.firstRange(of: "max is ") else { return .some(nil) }
        let digits = body[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return .some(Int(digits).flatMap { $0 > 0 ? $0 : nil })
    }

    private func decodeTagPage(_ body: [UInt8], url: String) throws(RegistryError) -> [String] {
        do {
            return try TagListJSON.tags(in: body)
        } catch {
            throw RegistryError(
                code: .invalidResponse,
                message: "GET \(redactUserinfo(url)): response is not a tag list {\"name\":…,\"tags\":[…]}: "
                    + sanitize(error.reason, limit: 200))
        }
    }

    static func shortReason(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let c): return sanitize("invalid JSON: \(c.debugDescription)", limit: 200)
        case .typeMismatch(_, let c): return sanitize("wrong type at \(path(c)): \(c.debugDescription)", limit: 200)
        case .keyNotFound(let k, let c): return sanitize("missing key '\(k.stringValue)' at \(path(c))", limit: 200)
        case .valueNotFound(_, let c): return sanitize("null value at \(path(c))", limit: 200)
        default: return "invalid JSON"
        }
    }

    private static func path(_ c: DecodingError.Context) -> String {
        let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return p.isEmpty ? "top level" : p
    }
}
