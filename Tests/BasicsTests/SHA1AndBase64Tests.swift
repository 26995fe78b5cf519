import Basics
import Testing

@Suite("SHA-1 and base64")
struct SHA1AndBase64Tests {
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        (String(repeating: "a", count: 200), "e61cfffe0d9195a525fc6cf06ca2d77119c24a40"),
    ])
    func sha1(_ input: String, _ digest: String) {
        #expect(SHA1.hex(Array(input.utf8)) == digest)
    }

    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func roundTrip(_ plain: String, _ encoded: String) throws {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(try Base64.decode(encoded).get() == Array(plain.utf8))
    }

    @Test(arguments: [("Zm9v\nYmFy", "foobar"), ("Zm9v\r\nYmFy", "foobar")])
    func lineBreaksAreIgnored(_ encoded: String, _ plain: String) throws {
        #expect(try Base64.decode(encoded).get() == Array(plain.utf8))
    }

    @Test(arguments: [
        ("Zm9", "illegal base64 data at input byte 3"), ("Zm 9v", "illegal base64 data at input byte 2"),
        ("Zg=a", "illegal base64 data at input byte 3"), ("!!!!", "illegal base64 data at input byte 0"),
        ("Zg", "illegal base64 data at input byte 2"), ("Zg==Zg==", "illegal base64 data at input byte 4"),
    ])
    func rejects(_ encoded: String, _ message: String) {
        #expect(throws: Base64Error.self) { try Base64.decode(encoded).get() }
        if case .failure(let error) = Base64.decode(encoded) { #expect(error.description == message) }
    }
}

@Suite("HMAC-SHA1")
struct HMACTests {
    /// RFC 2202 test cases 1, 2 and 6 (a key longer than the block).
    @Test(arguments: [
        ([UInt8](repeating: 0x0b, count: 20), "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"),
        (Array("Jefe".utf8), "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        (
            [UInt8](repeating: 0xaa, count: 80), "Test Using Larger Than Block-Size Key - Hash Key First",
            "aa4ae5e15272d00e95705637ce8a3b55ed402112"
        ),
    ])
    func rfc2202(_ key: [UInt8], _ message: String, _ mac: String) {
        let digest = HMAC.sha1(key: key, message: Array(message.utf8))
        #expect(digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() == mac)
    }

    @Test func unpaddedBase64() {
        #expect(Base64.encode(Array("f".utf8), padding: false) == "Zg")
    }
}
