import TestSupport
import Testing

@testable import Registry

@Suite("Header parsers")
struct HeaderParserTests {
    static let challenges: [(String, [AuthChallenge])] = [
        (
            #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#,
            [
                AuthChallenge(
                    scheme: "bearer",
                    parameters: [
                        "realm": "https://auth.docker.io/token", "service": "registry.docker.io",
                        "scope": "repository:library/alpine:pull",
                    ])
            ]
        ),
        (#"Basic realm="Registry Realm""#, [AuthChallenge(scheme: "basic", parameters: ["realm": "Registry Realm"])]),
        (
            #"bearer REALM=https://x/token , service = "a\"b\\c""#,
            [AuthChallenge(scheme: "bearer", parameters: ["realm": "https://x/token", "service": #"a"b\c"#])]
        ),
        (
            #"Basic realm="a", Bearer realm="b",scope="s""#,
            [
                AuthChallenge(scheme: "basic", parameters: ["realm": "a"]),
                AuthChallenge(scheme: "bearer", parameters: ["realm": "b", "scope": "s"]),
            ]
        ),
        (
            "Basic abc==, Bearer realm=x",
            [
                AuthChallenge(scheme: "basic", parameters: ["": "abc=="]),
                AuthChallenge(scheme: "bearer", parameters: ["realm": "x"]),
            ]
        ),
        ("Negotiate", [AuthChallenge(scheme: "negotiate", parameters: [:])]),
        (#"Bearer realm="unterminated"#, [AuthChallenge(scheme: "bearer", parameters: [:])]),
        ("", []),
        (",,, ", []),
    ]

    @Test(arguments: challenges)
    func wwwAuthenticate(_ header: String, _ expected: [AuthChallenge]) {
        #expect(AuthChallenge.parse(header) == expected)
    }

    @Test func preferredChallengeIsBearer() {
        let parsed = AuthChallenge.parse(#"Basic realm="a", Bearer realm="b""#)
        #expect(AuthChallenge.preferred(in: parsed)?.scheme == "bearer")
        #expect(AuthChallenge.parse(String(repeating: "a", count: 9000)).isEmpty)
    }

    static let links: [(String, String?)] = [
        (#"</v2/x/tags/list?last=b&n=2>; rel="next""#, "/v2/x/tags/list?last=b&n=2"),
        (
            #"< https://r.io/v2/x/tags/list?last=b >; rel="next", <https://other>; rel="prev""#,
            "https://r.io/v2/x/tags/list?last=b"
        ),
        ("no brackets", nil),
        ("<>", nil),
    ]

    @Test(arguments: links)
    func linkTarget(_ header: String, _ expected: String?) {
        #expect(LinkHeader.firstTarget(header) == expected)
    }

    static let resolves: [(String, String, String?)] = [
        ("/v2/x/tags/list?last=b", "https://r.io/v2/x/tags/list?n=2", "https://r.io/v2/x/tags/list?last=b"),
        ("list?last=b", "https://r.io/v2/x/tags/list?n=2", "https://r.io/v2/x/tags/list?last=b"),
        ("?last=b", "https://r.io/v2/x/tags/list?n=2", "https://r.io/v2/x/tags/list?last=b"),
        ("//r.io/v2/x/tags/list?last=b", "https://r.io/v2/x/tags/list", "https://r.io/v2/x/tags/list?last=b"),
        ("https://R.IO:443/v2/x?last=b", "https://r.io/v2/x/tags/list", "https://R.IO:443/v2/x?last=b"),
        ("http://127.0.0.1:5000/v2/x?last=b", "http://127.0.0.1:5000/v2/x", "http://127.0.0.1:5000/v2/x?last=b"),
        ("https://evil.io/v2/x", "https://r.io/v2/x/tags/list", nil),
        ("http://r.io/v2/x", "https://r.io/v2/x/tags/list", nil),
        ("https://r.io:8443/v2/x", "https://r.io/v2/x/tags/list", nil),
        ("https://user:pw@r.io/v2/x", "https://r.io/v2/x/tags/list", nil),
        ("//evil.io/v2/x", "https://r.io/v2/x/tags/list", nil),
        ("file:///etc/passwd", "https://r.io/v2/x/tags/list", nil),
        ("/v2/x\r\nX-Injected: 1", "https://r.io/v2/x/tags/list", nil),
    ]

    @Test(arguments: resolves)
    func linkResolution(_ next: String, _ base: String, _ expected: String?) {
        let result = try? LinkHeader.resolveNext(next, against: base)
        #expect(result == expected)
    }

    @Test func linkRefusalMessageNamesBothOrigins() {
        #expect(
            throws: RegistryError(
                code: .invalidLink,
                message: "refusing Link to 'https://evil.io': next page must stay on 'https://r.io'")
        ) {
            try LinkHeader.resolveNext("https://evil.io/v2/x", against: "https://r.io/v2/x/tags/list")
        }
    }

    static let retryAfter: [(String, Double?)] = [
        ("120", 120), ("0", 0), (" 5 ", 5), ("99999999999", 1e9),
        ("Sun, 06 Nov 1994 08:49:37 GMT", 10), ("Sunday, 06-Nov-94 08:49:37 GMT", 10), ("Sun Nov  6 08:49:37 1994", 10),
        ("Sun, 06 Nov 1994 08:49:20 GMT", 0),  // in the past
        ("-1", nil), ("soon", nil), ("", nil), ("Sun, 32 Nov 1994 08:49:37 GMT", nil), ("1.5", nil),
    ]

    @Test(arguments: retryAfter)
    func retryAfterDelay(_ header: String, _ expected: Double?) {
        // 1994-11-06T08:49:27Z
        #expect(RetryAfter.delay(header, now: 784_111_767) == expected)
    }

    /// Random input must never crash or hang the parsers, and what they accept keeps their
    /// promises. Seeded (`IMAGEBOT_TEST_SEED` replays another run); failures name seed and case.
    @Test func fuzz() throws {
        let seed = TestSeed.value(default: 0x4EAD_E25)
        var rng = SplitMix(seed: seed)
        let alphabet = Array(#"Bearer realm="\,;<>=: /?#@[]abcXYZ019-_."#.utf8) + [0, 0x0D, 0x0A, 0xFF, 0xC3]
        let base = "https://r.io/v2/x/tags/list"
        let origin = try #require(URLParts(base))
        for round in 0..<3000 {
            let count = Int.random(in: 0..<80, using: &rng)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &rng) ?? 0 }
            let s = String(decoding: bytes, as: UTF8.self)
            let replay = "\(TestSeed.variable)=\(seed), round \(round), input \(String(reflecting: s))"
            _ = AuthChallenge.parse(s)
            if let target = LinkHeader.firstTarget(s), let next = try? LinkHeader.resolveNext(target, against: base) {
                let parts = URLParts(next)
                #expect(
                    parts?.scheme == origin.scheme && parts?.host.lowercased() == origin.host
                        && parts?.port == origin.port && parts?.hasUserinfo == false,
                    "next page \(String(reflecting: next)) left \(origin.origin); \(replay)")
            }
            if let delay = RetryAfter.delay(s, now: 0) {
                #expect(delay >= 0 && delay.isFinite, "Retry-After delay \(delay); \(replay)")
            }
            _ = try? ImageReference(parsing: s)
            _ = DockerConfig.normalise(s)
        }
    }
}
