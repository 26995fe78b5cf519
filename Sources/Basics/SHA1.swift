/// FIPS 180-4 SHA-1, for Sprig's `sha1sum` in commit message templates (not for security).
public enum SHA1 {
    private static func pad(_ message: [UInt8]) -> [UInt8] {
        var m = message
        let bitLength = UInt64(message.count) &* 8
        m.append(0x80)
        while m.count % 64 != 56 { m.append(0) }
        for s in stride(from: 56, through: 0, by: -8) { m.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(s))) }
        return m
    }

    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }

    private static func words(_ chunk: ArraySlice<UInt8>) -> [UInt32] {
        var w = [UInt32](repeating: 0, count: 16)
        let base = chunk.startIndex
        for t in 0..<16 {
            w[t] =
                UInt32(chunk[base + 4 * t]) << 24 | UInt32(chunk[base + 4 * t + 1]) << 16
                | UInt32(chunk[base + 4 * t + 2]) << 8 | UInt32(chunk[base + 4 * t + 3])
        }
        return w
    }

    /// The SHA-1 digest of `message` as 40 lowercase hex digits.
    public static func hex(_ message: [UInt8]) -> String {
        Hex.string(hash(message))
    }

    /// The 20-byte SHA-1 digest of `message`.
    public static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        let m = pad(message)
        for start in stride(from: 0, to: m.count, by: 64) {
            var w = words(m[start..<(start + 64)])
            for t in 16..<80 { w.append(rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1)) }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for t in 0..<80 {
                let f: UInt32
                let k: UInt32
                switch t {
                case 0..<20:
                    f = (b & c) | (~b & d)
                    k = 0x5A82_7999
                case 20..<40:
                    f = b ^ c ^ d
                    k = 0x6ED9_EBA1
                case 40..<60:
                    f = (b & c) | (b & d) | (c & d)
                    k = 0x8F1B_BCDC
                default:
                    f = b ^ c ^ d
                    k = 0xCA62_C1D6
                }
                let temp = rotl(a, 5) &+ f &+ e &+ k &+ w[t]
                (e, d, c, b, a) = (d, c, rotl(b, 30), a, temp)
            }
            h[0] = h[0] &+ a
            h[1] = h[1] &+ b
            h[2] = h[2] &+ c
            h[3] = h[3] &+ d
            h[4] = h[4] &+ e
        }
        return h.flatMap { word in
            stride(from: 24, through: 0, by: -8).map { UInt8(truncatingIfNeeded: word >> UInt32($0)) }
        }
    }

}
