import Basics

/// `Link` header handling for tag-list pagination.
package enum LinkHeader {
    /// Longest header we parse.
    static let maxHeaderLength = 8192

    /// The URL inside the first `<…>` (go-containerregistry ignores `rel`), or nil.
    package static func firstTarget(_ header: String) -> String? {
        guard header.utf8.count <= maxHeaderLength,
            let open = header.firstIndex(of: "<"),
            let close = header[open...].firstIndex(of: ">")
        else { return nil }
        let target = header[header.index(after: open)..<close].trimmingSpaces()
        return target.isEmpty ? nil : String(target)
    }

    /// Resolves `next` against `base` (RFC 3986 §5.2, the cases registries produce) and refuses
    /// a result on another scheme, host or port: a registry must not steer us elsewhere (SSRF).
    package static func resolveNext(_ next: String, against base: String) throws(RegistryError) -> String {
        guard let b = URLParts(base) else {
            throw RegistryError(code: .invalidLink, message: "cannot resolve Link against '\(base)'")
        }
        let resolved: String
        if next.contains(where: { $0 == "\r" || $0 == "\n" || $0 == " " || $0 == "\0" }) {
            throw RegistryError(code: .invalidLink, message: "Link target contains whitespace or control characters")
        } else if URLParts.hasScheme(next) {
            resolved = next
        } else if next.hasPrefix("//") {
            resolved = b.scheme + ":" + next
        } else if next.hasPrefix("/") {
            resolved = b.origin + next
        } else if next.hasPrefix("?") {
            resolved = b.origin + b.path + next
        } else {
            let dir = b.path.lastIndex(of: "/").map { String(b.path[...$0]) } ?? "/"
            resolved = b.origin + dir + next
        }
        guard let r = URLParts(resolved) else {
            throw RegistryError(code: .invalidLink, message: "Link target '\(redactUserinfo(next))' is not a valid URL")
        }
        guard r.scheme == b.scheme, r.host.lowercased() == b.host.lowercased(), r.port == b.port, !r.hasUserinfo else {
            throw RegistryError(
                code: .invalidLink,
                message: "refusing Link to '\(r.scheme)://\(r.hostPort)': next page must stay on "
                    + "'\(b.scheme)://\(b.hostPort)'")
        }
        return resolved
    }
}

/// Just enough URL splitting for origin comparisons (scheme, userinfo, host, port, path+query).
struct URLParts: Equatable {
    var scheme: String
    var hasUserinfo: Bool
    var host: String
    var port: Int
    var path: String  // path without the query
    var query: String?

    var origin: String { "\(scheme)://\(hostPort)" }
    var hostPort: String {
        let defaultPort = scheme == "https" ? 443 : 80
        let h = host.contains(":") ? "[\(host)]" : host
        return port == defaultPort ? h : "\(h):\(port)"
    }

    static func hasScheme(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":"), colon > s.startIndex else { return false }
        return s[..<colon].allSatisfy {
            $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".")
        }
            && s[colon...].hasPrefix("://")
    }

    init?(_ url: String) {
        guard let sep = url.firstRange(of: "://") else { return nil }
        scheme = url[..<sep.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = url[sep.upperBound...]
        let authorityEnd = rest.firstIndex(where: isAuthorityEnd) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        hasUserinfo = authority.contains("@")
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else if let colon = authority.firstIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        guard !host.isEmpty else { return nil }
        if let portText {
            guard let p = Int(portText), p > 0, p < 65536 else { return nil }
            port = p
        } else {
            port = scheme == "https" ? 443 : 80
        }
        var pathAndQuery = rest[authorityEnd...]
        if let hash = pathAndQuery.firstIndex(of: "#") { pathAndQuery = pathAndQuery[..<hash] }
        if let q = pathAndQuery.firstIndex(of: "?") {
            path = String(pathAndQuery[..<q])
            query = String(pathAndQuery[pathAndQuery.index(after: q)...])
        } else {
            path = String(pathAndQuery)
            query = nil
        }
        if path.isEmpty { path = "/" }
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return s
    }
}

private func isAuthorityEnd(_ c: Character) -> Bool { c == "/" || c == "?" || c == "#" }
