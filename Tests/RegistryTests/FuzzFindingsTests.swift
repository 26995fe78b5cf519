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
}
