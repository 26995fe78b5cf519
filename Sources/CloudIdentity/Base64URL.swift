import Basics

/// Unpadded base64url (RFC 4648 §5), the alphabet of JWT segments.
enum Base64URL {
    /// `data` in base64url without padding.
    static func encode(_ data: [UInt8]) -> String {
        var text = Base64.encode(data, padding: false)
        text = String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
        return text
    }

    /// The bytes of a base64url text with or without padding; nil when it is not base64url.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard !text.contains("+"), !text.contains("/") else { return nil }
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while standard.utf8.count % 4 != 0 { standard += "=" }
        return try? Base64.decode(standard).get()
    }
}
