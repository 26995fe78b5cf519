import Basics
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `docker-credential-<name> get` (the Docker credential-helper protocol): the server
/// URL on stdin, `{"ServerURL","Username","Secret"}` on stdout.
enum CredentialHelper {
    private struct Output: Decodable {
        var Username: String?
        var Secret: String?
    }

    /// The helper's credentials, `nil` when it has none for the server; throws on other failures.
    /// Runs on a dedicated thread: spawning and waiting block.
    static func get(helper: String, serverURL: String, timeout: Double = 10, directory: String? = nil)
        async throws(RegistryError) -> RegistryCredentials?
    {
        let result = await BlockingThread.run {
            run(helper: helper, serverURL: serverURL, timeout: timeout, directory: directory)
        }
        return try result.get()
    }

    /// `directory` (tests) names where the helper lives; nil searches `PATH`.
    static func run(helper: String, serverURL: String, timeout: Double, directory: String? = nil)
        -> Result<RegistryCredentials?, RegistryError>
    {
        func fail(_ m: String) -> Result<RegistryCredentials?, RegistryError> {
            .failure(RegistryError(code: .credentials, message: "credential helper docker-credential-\(helper): \(m)"))
        }
        guard !helper.isEmpty, helper.utf8.count < 100,
            helper.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        else { return fail("invalid helper name") }
        let output: (status: Int32, stdout: [UInt8])
        let program = (directory.map { $0 + "/" } ?? "") + "docker-credential-\(helper)"
        switch spawn([program, "get"], stdin: Array((serverURL + "\n").utf8), timeout: timeout) {
        case .success(let o): output = o
        case .failure(let message): return fail(message.text)
        }
        let text = String(decoding: output.stdout, as: UTF8.self)
        if output.status != 0 {
            // The protocol's "not found" answer means anonymous, not an error.
            if text.lowercased().contains("credentials not found") { return .success(nil) }
            return fail("exited with status \(output.status)")  // stdout may echo secrets: not included
        }
        guard let decoded = try? JSONDecoder().decode(Output.self, from: Data(output.stdout)) else {
            return fail("output is not {\"Username\",\"Secret\"} JSON")
        }
        let user = decoded.Username ?? ""
        let secret = decoded.Secret ?? ""
        if secret.isEmpty { return .success(nil) }
        if user == "<token>" { return .success(.identityToken(secret)) }
        return .success(.basic(username: user, password: secret))
    }

    struct SpawnError: Error { var text: String }

    /// posix_spawnp with stdin/stdout pipes, a deadline (SIGKILL when exceeded) and a 1 MiB output cap.
    static func spawn(_ argv: [String], stdin input: [UInt8], timeout: Double) -> Result<
        (status: Int32, stdout: [UInt8]), SpawnError
    > {
        var inPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        // stdin is a socketpair so we can write with MSG_NOSIGNAL: a helper that exits without
        // reading must not SIGPIPE the whole process.
        // CLOEXEC everywhere: processes spawned concurrently by other threads must not inherit
        // these ends (that would hold the pipe open); dup2 in the child clears the flag on 0/1.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &inPipe) == 0 else {
            return .failure(SpawnError(text: "socketpair failed"))
        }
        // (pipe2 is not visible to Swift without _GNU_SOURCE, so stdout is a socketpair too.)
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &outPipe) == 0 else {
            close(inPipe[0]); close(inPipe[1])
            return .failure(SpawnError(text: "socketpair failed"))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)

        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        let rc =
            argv[0].contains("/")
            ? posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
            : posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
        close(inPipe[0])
        close(outPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0])
            return .failure(SpawnError(text: "cannot start \(argv[0]): \(String(cString: strerror(rc)))"))
        }
        // A short payload fits the socket buffer, so writing before reading cannot deadlock.
        _ = input.withUnsafeBytes { send(inPipe[1], $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        close(inPipe[1])

        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(timeout * 1000)))
        var timedOut = false
        while true {
            let left = deadline - ContinuousClock.now
            let ms = Int32(
                clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            if ms <= 0 { timedOut = true; break }
            var pfd = pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, ms)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { timedOut = ready == 0; break }
            let n = buffer.withUnsafeMutableBytes { read(outPipe[0], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
            if out.count > 1 << 20 { timedOut = false; kill(pid, SIGKILL); break }
        }
        close(outPipe[0])
        if timedOut { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if timedOut { return .failure(SpawnError(text: "timed out after \(timeout)s")) }
        // WIFEXITED/WEXITSTATUS are macros: decode by hand.
        let exited = (status & 0x7F) == 0
        return .success((exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), out))
    }
}
