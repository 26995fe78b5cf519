// libFuzzer entry point for Docker config JSON (`make fuzz`). Built only with IMAGEBOT_FUZZ=1
// and `-sanitize=fuzzer -parse-as-library`; see Sources/FuzzSetters/main.swift for how
// `FuzzDockerConfig_main` hands control to libFuzzer's driver.
//
// The input is an image reference on the first line, then the config JSON. Credentials are
// looked up for that reference (when it parses) and for a few fixed ones. Properties checked:
// - parsing and matching never trap (and key globs never hang, which the timeout catches);
// - a parse failure is a `.credentials` error;
// - a lookup finds nil or real credentials, never `.anonymous`;
// - found credentials never show their secret in `description`, `debugDescription` or `dump`:
//   the same credentials with another secret print the same.
import FuzzSupport
import Registry

let fixedReferences = [
    "alpine", "ghcr.io/acme/app", "registry.example.com/team/app", "registry.example.com:5000/x/y",
    "localhost:5000/app", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app", "[::1]:5000/app",
]

/// Everything that prints credentials: description, debugDescription, and dump (the mirror).
func shown(_ credentials: RegistryCredentials) -> [String] {
    var dumped = ""
    dump(credentials, to: &dumped)
    return [credentials.description, String(reflecting: credentials), dumped]
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDockerConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let newline = input.firstIndex(of: 0x0A) ?? input.endIndex
    let json = Array(input[(newline == input.endIndex ? input.startIndex : newline + 1)...])
    // Parsed for each input: parsed strings kept in a global are reached only through tagged
    // pointers, which LeakSanitizer reports as leaks at exit.
    var references = fixedReferences.map { try! ImageReference(parsing: $0) }
    if newline != input.endIndex,
        let reference = try? ImageReference(parsing: String(decoding: input[..<newline], as: UTF8.self))
    {
        references.append(reference)
    }
    let config: DockerConfig
    do {
        config = try DockerConfig(json: json)
    } catch {
        require(error.code == .credentials, "parse failed with \(error.code): \(error)")
        return 0
    }
    _ = config.description
    for reference in references {
        guard let credentials = config.credentials(for: reference) else { continue }
        // The same credentials with another secret must print the same: nothing shown depends on it.
        let twin: RegistryCredentials
        switch credentials {
        case .anonymous: fatalError("\(reference) matched anonymous credentials")
        case .basic(let username, let password): twin = .basic(username: username, password: password + "x")
        case .identityToken(let token): twin = .identityToken(token + "x")
        case .registryToken(let token): twin = .registryToken(token + "x")
        }
        require(
            shown(credentials) == shown(twin),
            "the secret of \(reference)'s credentials shows in \(shown(credentials))")
    }
    return 0
}

@_cdecl("FuzzDockerConfig_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzzDockerConfig(data, size) }
}
