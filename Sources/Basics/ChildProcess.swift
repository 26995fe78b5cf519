#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a helper program (docker credential helpers, gpg, ssh-keygen) with posix_spawn:
/// standard input written up front, standard output and error collected, a deadline after
/// which the child is killed, and a cap on output. No Foundation `Process`, which would link
/// full Foundation (and its ICU data) into every command just to run a helper.
public enum ChildProcess {
    public struct Output: Sendable {
        /// The exit status, or 128 + signal number when the child was killed by a signal.
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
    }

    /// Why the child could not be run to completion; never contains its input.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Most bytes kept from each of standard output and standard error.
    public static let outputLimit = 1 << 20

    /// Runs `argv` (a path, or a name looked up in PATH) with `stdin` as its input, in this
    /// process's environment with `environment`'s variables added or replaced.
    public static func run(
        _ argv: [String], stdin input: [UInt8] = [], environment: [String: String] = [:], timeout: Double
    ) -> Result<Output, Failure> {
        guard let program = argv.first else { return .failure(Failure(description: "no program to run")) }
        var inPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        // Socket pairs: stdin can be written with MSG_NOSIGNAL (a child that exits without reading
        // must not SIGPIPE us), and pipe2 is hidden from Swift behind _GNU_SOURCE. CLOEXEC keeps
        // children spawned by other threads from inheriting (and holding open) these ends.
        let kind = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, kind, 0, &inPipe) == 0 else {
            return .failure(Failure(description: "socketpair failed"))
        }
        guard socketpair(AF_UNIX, kind, 0, &outPipe) == 0 else {
            close(inPipe[0])
            close(inPipe[1])
            return .failure(Failure(description: "socketpair failed"))
        }
        guard socketpair(AF_UNIX, kind, 0, &errPipe) == 0 else {
            for fd in inPipe + outPipe { close(fd) }
            return .failure(Failure(description: "socketpair failed"))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

        // The calling thread's signal mask and ignored signals would pass to the child: Swift's
        // task threads block SIGTERM, SIGINT, SIGHUP and SIGPIPE, and a helper started with those
        // blocked cannot be stopped by them. The child starts with none blocked, these at default.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaultSignals, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        let cEnvironment = environment.isEmpty ? [] : Self.merged(environment).map { strdup($0) } + [nil]
        defer { for p in cEnvironment { free(p) } }
        let rc = cEnvironment.withUnsafeBufferPointer { merged in
            let envp = merged.isEmpty ? environ : UnsafeMutablePointer(mutating: merged.baseAddress)
            return program.contains("/")
                ? posix_spawn(&pid, program, &actions, &attributes, cArgs, envp)
                : posix_spawnp(&pid, program, &actions, &attributes, cArgs, envp)
        }
        close(inPipe[0])
        close(outPipe[1])
        close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1])
            close(outPipe[0])
            close(errPipe[0])
            return .failure(Failure(description: "cannot start \(program): \(String(cString: strerror(rc)))"))
        }
        // Inputs here are small (a host name, nothing): they fit the socket buffer, so writing
        // before reading cannot deadlock.
        _ = input.withUnsafeBytes { send(inPipe[1], $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        close(inPipe[1])

        var output = Output(status: 0, stdout: [], stderr: [])
        var open = [outPipe[0], errPipe[0]]
        var buffer = [UInt8](repeating: 0, count: 4096)
        /// Reads what is ready on the open descriptors, waiting at most `milliseconds`; false on error.
        func readReady(waiting milliseconds: Int32) -> Int32 {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), milliseconds)
            guard ready > 0 else { return ready }
            for entry in fds where entry.revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    open.removeAll { $0 == entry.fd }
                } else if entry.fd == outPipe[0] {
                    output.stdout += buffer[0..<n]
                } else {
                    output.stderr += buffer[0..<n]
                }
            }
            return ready
        }
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int64(timeout * 1000)))
        var timedOut = false
        var status: Int32 = 0
        var reaped = false
        while !open.isEmpty {
            let left = deadline - ContinuousClock.now
            let milliseconds = Int32(
                clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            if milliseconds <= 0 {
                timedOut = true
                break
            }
            // Short slices: a daemon the child started (gpg-agent) may hold our descriptors open
            // after the child exits, so its exit, not end-of-file, ends the wait.
            let ready = readReady(waiting: min(milliseconds, 100))
            if ready < 0 && errno != EINTR { break }
            if ready == 0, waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
                while !open.isEmpty, readReady(waiting: 0) > 0 {}  // what it wrote before exiting
                break
            }
            if output.stdout.count > outputLimit || output.stderr.count > outputLimit {
                kill(pid, SIGKILL)
                break
            }
        }
        close(outPipe[0])
        close(errPipe[0])
        if timedOut { kill(pid, SIGKILL) }
        if !reaped { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
        if timedOut { return .failure(Failure(description: "timed out after \(timeout)s")) }
        // WIFEXITED/WEXITSTATUS are macros: decode by hand.
        output.status = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        output.stdout = Array(output.stdout.prefix(outputLimit))
        output.stderr = Array(output.stderr.prefix(outputLimit))
        return .success(output)
    }

    /// This process's `NAME=value` entries with `overrides` replacing or adding variables.
    private static func merged(_ overrides: [String: String]) -> [String] {
        var entries: [String] = []
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            let name =
                text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
                ?? text
            if overrides[name] == nil { entries.append(text) }
            pointer += 1
        }
        return entries + overrides.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }
}
