/// `application/x-www-form-urlencoded` bodies and URL query strings.
enum FormEncoding {
    /// `name=value&…`, each side percent-encoded (everything but RFC 3986 unreserved characters).
    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    /// The body bytes of `fields`.
    static func body(_ fields: [(String, String)]) -> [UInt8] { Array(encode(fields).utf8) }

    /// One component percent-encoded; also right for a URL path segment.
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 15)])
            }
        }
        return out
    }

    /// The form header.
    static let contentType = (name: "Content-Type", value: "application/x-www-form-urlencoded")
}
