/// HMAC (RFC 2104), for OpenSSH's hashed known_hosts entries (`|1|salt|HMAC-SHA1(salt, host)`).
public enum HMAC {
    /// HMAC-SHA1 of `message` under `key`.
    public static func sha1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? SHA1.hash(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let inner = SHA1.hash(block.map { $0 ^ 0x36 } + message)
        return SHA1.hash(block.map { $0 ^ 0x5c } + inner)
    }
}
