import Testing

@testable import Registry

/// Inputs found by the libFuzzer targets (`scripts/fuzz.sh`), fed to the same APIs.
@Suite("Fuzz findings (Registry)")
struct FuzzFindingsTests {
    /// FuzzDockerConfig timeout: a key label with many `*` took exponential time against a
    /// long label (every star retried every split). Matching is now one pass with one retry point.
    @Test(.timeLimit(.minutes(1)))
    func manyStarGlobInAKeyIsLinear() throws {
        let stars = String(repeating: "*a", count: 14) + "*b"
        let json = #"{"auths":{"a.\#(stars).com":{"username":"u","password":"p"}}}"#
        let config = try DockerConfig(json: Array(json.utf8))
        let long = try ImageReference(parsing: "a.\(String(repeating: "a", count: 40)).com/x")
        #expect(config.credentials(for: long) == nil)
        let matching = try ImageReference(parsing: "a.\(String(repeating: "a", count: 40))b.com/x")
        #expect(config.credentials(for: matching) == .basic(username: "u", password: "p"))
    }

    /// FuzzTagList: a `\u` escape read its hex digits as `byte | 0x20`, so the raw control bytes
    /// 0x10–0x19 passed as `0`–`9` (`"\u00<0x11>1"` read as U+0011). RFC 8259 allows only hex digits.
    @Test func controlByteIsNotAHexDigit() throws {
        let body: [UInt8] = Array(#"{"tags":["\u00"#.utf8) + [0x11] + Array(#"1"]}"#.utf8)
        #expect {
            _ = try TagListJSON.tags(in: body)
        } throws: { error in
            (error as? TagListJSON.Failure)?.reason == "invalid JSON: invalid \\u escape at byte 14"
        }
        #expect(try TagListJSON.tags(in: Array(#"{"tags":["\u00e9\u00C9"]}"#.utf8)) == ["éÉ"])
    }
}
