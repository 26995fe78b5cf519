/// Comparison of secrets (webhook tokens) whose time does not depend on where, or whether,
/// the inputs differ: both sides are hashed to 32 bytes first (so their lengths do not leak
/// either) and every byte of the digests is compared.
public enum ConstantTime {
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let x = SHA256.hash(a)
        let y = SHA256.hash(b)
        var difference: UInt8 = 0
        for index in 0..<x.count { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
