/// Hexadecimal digits: the one encoder behind digests, commit ids, signatures and the escapes
/// that spell a byte as two digits.
public enum Hex {
    private static let lower = Array("0123456789abcdef".utf8)
    private static let upper = Array("0123456789ABCDEF".utf8)

    /// Every byte as two hex digits (lowercase unless `uppercase`).
    public static func string(_ bytes: some Sequence<UInt8>, uppercase: Bool = false) -> String {
        let digits = uppercase ? upper : lower
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One byte's two hex digits (lowercase unless `uppercase`).
    public static func byte(_ byte: UInt8, uppercase: Bool = false) -> String {
        string(CollectionOfOne(byte), uppercase: uppercase)
    }
}
