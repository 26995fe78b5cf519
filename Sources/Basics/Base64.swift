/// Standard base64 (RFC 4648 with padding), with Go's decoding rules and error messages.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64, with `=` padding unless `padding` is false (OpenSSH fingerprints).
    public static func encode(_ data: [UInt8], padding: Bool = true) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            let n = min(3, data.count - i)
            let b0 = data[i]
            let b1 = n > 1 ? data[i + 1] : 0
            let b2 = n > 2 ? data[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 3) << 4 | b1 >> 4)])
            out.append(n > 1 ? alphabet[Int((b1 & 15) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(n > 2 ? alphabet[Int(b2 & 63)] : UInt8(ascii: "="))
            i += 3
        }
        if !padding { while out.last == UInt8(ascii: "=") { out.removeLast() } }
        return String(decoding: out, as: UTF8.self)
    }

    /// Go's `base64.StdEncoding.DecodeString` (also how Kubernetes decodes Secret `data`):
    /// padding required, `\r` and `\n` ignored; failures carry Go's error text.
    public static func decode(_ s: String) -> Result<[UInt8], Base64Error> {
        var lookup = [Int](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { lookup[Int(c)] = i }
        // Go ignores \r and \n.
        let input = s.utf8.filter { $0 != 10 && $0 != 13 }
        var out: [UInt8] = []
        var i = 0
        while i < input.count {
            var vals: [Int] = []
            var pads = 0
            var j = i
            while j < input.count && vals.count + pads < 4 {
                let c = input[j]
                if c == UInt8(ascii: "=") {
                    if vals.count < 2 { return .failure(Base64Error("illegal base64 data at input byte \(j)")) }
                    pads += 1
                } else {
                    if pads > 0 { return .failure(Base64Error("illegal base64 data at input byte \(j)")) }
                    let v = lookup[Int(c)]
                    if v < 0 { return .failure(Base64Error("illegal base64 data at input byte \(j)")) }
                    vals.append(v)
                }
                j += 1
            }
            if vals.count + pads < 4 {
                return .failure(Base64Error("illegal base64 data at input byte \(input.count)"))
            }
            if pads > 0 && j < input.count { return .failure(Base64Error("illegal base64 data at input byte \(j)")) }
            out.append(UInt8((vals[0] << 2 | vals[1] >> 4) & 0xFF))
            if vals.count > 2 { out.append(UInt8((vals[1] << 4 | vals[2] >> 2) & 0xFF)) }
            if vals.count > 3 { out.append(UInt8((vals[2] << 6 | vals[3]) & 0xFF)) }
            i = j
        }
        return .success(out)
    }
}

/// Why base64 data did not decode, in Go's words (`illegal base64 data at input byte N`).
public struct Base64Error: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
