/// RFC 3986 percent-encoding: every byte but the unreserved `A-Z a-z 0-9 - . _ ~` as `%XX`
/// (upper-case hex), which is also what SigV4's canonical requests and form bodies need.
public enum PercentEncoding {
    /// `text` encoded; with `keepingSlash`, `/` stays (a URL path).
    public static func encode(_ text: String, keepingSlash: Bool = false) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepingSlash:
                out.unicodeScalars.append("/")
            default:
                out += "%" + Hex.byte(byte, uppercase: true)
            }
        }
        return out
    }
}
