import Testing

@testable import Registry

@Suite("ImageReference")
struct ImageReferenceTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var input: String
        var registry: String
        var repository: String
        var scheme = "https"
        var insecure = false
        var testDescription: String { input }
    }

    static let valid: [Valid] = [
        Valid(input: "alpine", registry: "index.docker.io", repository: "library/alpine"),
        Valid(input: "library/alpine", registry: "index.docker.io", repository: "library/alpine"),
        Valid(input: "docker.io/alpine", registry: "index.docker.io", repository: "library/alpine"),
        Valid(input: "docker.io/x/y", registry: "index.docker.io", repository: "x/y"),
        Valid(input: "index.docker.io/x/y", registry: "index.docker.io", repository: "x/y"),
        Valid(input: "fluxcd/flux", registry: "index.docker.io", repository: "fluxcd/flux"),
        Valid(input: "ghcr.io/org/app", registry: "ghcr.io", repository: "org/app"),
        Valid(input: "ghcr.io/app", registry: "ghcr.io", repository: "app"),
        Valid(input: "registry.example.com:5000/a/b/c", registry: "registry.example.com:5000", repository: "a/b/c"),
        Valid(input: "localhost:5000/x", registry: "localhost:5000", repository: "x", scheme: "http"),
        Valid(input: "localhost/x", registry: "localhost", repository: "x", scheme: "http"),
        Valid(input: "registry.localhost/x", registry: "registry.localhost", repository: "x", scheme: "http"),
        Valid(input: "127.0.0.1:5000/x", registry: "127.0.0.1:5000", repository: "x", scheme: "http"),
        Valid(input: "[::1]:5000/x", registry: "[::1]:5000", repository: "x", scheme: "http"),
        Valid(input: "10.1.2.3/x", registry: "10.1.2.3", repository: "x", scheme: "http"),
        Valid(input: "172.16.0.1:443/x", registry: "172.16.0.1:443", repository: "x", scheme: "http"),
        Valid(input: "172.32.0.1/x", registry: "172.32.0.1", repository: "x"),
        Valid(input: "192.168.1.1/x", registry: "192.168.1.1", repository: "x", scheme: "http"),
        Valid(input: "ghcr.io/org/app", registry: "ghcr.io", repository: "org/app", scheme: "http", insecure: true),
        Valid(input: "quay.io/a_b/c__d/e-f/g--h/i.j", registry: "quay.io", repository: "a_b/c__d/e-f/g--h/i.j"),
        Valid(input: "my-registry_1.example.com/x", registry: "my-registry_1.example.com", repository: "x"),
    ]

    @Test(arguments: valid)
    func parses(_ c: Valid) throws {
        let ref = try ImageReference(parsing: c.input, insecure: c.insecure)
        #expect(ref.registry == c.registry)
        #expect(ref.repository == c.repository)
        #expect(ref.scheme == c.scheme)
        #expect(ref.canonicalName == "\(c.registry)/\(c.repository)")
    }

    static let invalid: [(String, String)] = [
        ("https://ghcr.io/org/app", "image 'https://ghcr.io/org/app' should not include URL scheme; remove 'https://'"),
        ("oci://ghcr.io/x", "image 'oci://ghcr.io/x' should not include URL scheme; remove 'oci://'"),
        ("alpine:3.18", "image 'alpine:3.18' should not include a tag; remove ':3.18'"),
        ("ghcr.io/org/app:v1", "image 'ghcr.io/org/app:v1' should not include a tag; remove ':v1'"),
        ("localhost:5000/x:latest", "image 'localhost:5000/x:latest' should not include a tag; remove ':latest'"),
        (
            "ghcr.io/org/app@sha256:abc",
            "image 'ghcr.io/org/app@sha256:abc' should not include a digest; remove '@sha256:abc'"
        ),
        ("ghcr.io/Org/app", "image 'ghcr.io/Org/app': repository must be lowercase"),
        ("", "image '' is empty"),
        ("ghcr.io/", "image 'ghcr.io/' has an empty repository"),
        (
            "ghcr.io/a//b",
            "image 'ghcr.io/a//b': invalid repository component '' (allowed: lowercase letters, digits, separators '.', '_', '__', '-')"
        ),
        (
            "ghcr.io/-a",
            "image 'ghcr.io/-a': invalid repository component '-a' (allowed: lowercase letters, digits, separators '.', '_', '__', '-')"
        ),
        (
            "ghcr.io/a___b",
            "image 'ghcr.io/a___b': invalid repository component 'a___b' (allowed: lowercase letters, digits, separators '.', '_', '__', '-')"
        ),
        (
            "ghcr.io/a b",
            "image 'ghcr.io/a b': invalid repository component 'a b' (allowed: lowercase letters, digits, separators '.', '_', '__', '-')"
        ),
        ("ghcr.io:99999/a", "image 'ghcr.io:99999/a': invalid registry port in 'ghcr.io:99999'"),
        ("bad host.io/a", "image 'bad host.io/a': invalid registry 'bad host.io'"),
    ]

    @Test(arguments: invalid)
    func rejects(_ input: String, _ message: String) {
        #expect(throws: RegistryError(code: .invalidReference, message: message)) {
            try ImageReference(parsing: input)
        }
    }
}
