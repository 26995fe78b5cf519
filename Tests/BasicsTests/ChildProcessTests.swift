import Basics
import Testing

/// Real children (`/bin/sh -c`), no mocks.
@Suite("ChildProcess")
struct ChildProcessTests {
    /// Runs `script` with `/bin/sh -c`; a failure to run at all fails the test.
    private func sh(
        _ script: String, stdin: [UInt8] = [], environment: [String: String] = [:], timeout: Double = 60
    ) throws -> ChildProcess.Output {
        try ChildProcess.run(["/bin/sh", "-c", script], stdin: stdin, environment: environment, timeout: timeout).get()
    }

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test(arguments: [("exit 0", 0), ("exit 3", 3), ("exit 255", 255), ("false", 1)])
    func exitStatus(_ script: String, _ status: Int32) throws {
        #expect(try sh(script).status == status)
    }

    @Test(arguments: [("KILL", 137), ("TERM", 143), ("INT", 130)])
    func aSignalledChildReports128PlusTheSignal(_ signal: String, _ status: Int32) throws {
        #expect(try sh("kill -\(signal) $$").status == status)
    }

    /// Task threads block signals; the child must not inherit that, nor ignore the ones a
    /// helper is stopped with.
    @Test func theChildStartsWithNoSignalBlockedAndTheStopSignalsAtDefault() throws {
        // grep reads its own status (a waiting shell blocks signals around its wait).
        let output = try sh("exec grep -E '^Sig(Blk|Ign):' /proc/self/status")
        var masks: [String: UInt64] = [:]
        for line in text(output.stdout).split(separator: "\n") {
            let fields = line.split(separator: "\t")
            if fields.count == 2 { masks[String(fields[0])] = UInt64(fields[1], radix: 16) }
        }
        #expect(masks["SigBlk:"] == 0, "\(text(output.stdout))")
        // Bit n-1 is signal n: SIGHUP 1, SIGINT 2, SIGQUIT 3, SIGPIPE 13, SIGTERM 15.
        let stopSignals: UInt64 = [1, 2, 3, 13, 15].reduce(0) { $0 | 1 << ($1 - 1) }
        #expect(masks["SigIgn:"].map { $0 & stopSignals } == 0, "\(text(output.stdout))")
    }

    @Test func standardOutputAndErrorAreKeptApart() throws {
        let output = try sh("printf 'to out'; printf 'to err' >&2; printf ' again'")
        #expect(text(output.stdout) == "to out again")
        #expect(text(output.stderr) == "to err")
        #expect(output.status == 0)
    }

    @Test func standardInputIsDelivered() throws {
        let output = try sh("tr a-z A-Z", stdin: Array("registry.example\n".utf8))
        #expect(text(output.stdout) == "REGISTRY.EXAMPLE\n")
    }

    @Test func aChildThatIgnoresItsInputDoesNotHurtTheParent() throws {
        #expect(try sh("exit 0", stdin: Array(repeating: 0x61, count: 4096)).status == 0)
    }

    @Test func environmentIsAddedToAndOverridesThisProcesssOwn() throws {
        let output = try sh(
            #"printf '%s|%s|%s' "$IMAGEBOT_CHILD_TEST" "$HOME" "${PATH:+inherited}""#,
            environment: ["IMAGEBOT_CHILD_TEST": "a b=c", "HOME": "/nonexistent-home"])
        #expect(text(output.stdout) == "a b=c|/nonexistent-home|inherited")
    }

    @Test func programsAreLookedUpInPath() throws {
        let output = try ChildProcess.run(["sh", "-c", "printf found"], timeout: 60).get()
        #expect(text(output.stdout) == "found")
    }

    @Test(arguments: [
        (["/nonexistent/imagebot-helper"], "cannot start /nonexistent/imagebot-helper: No such file or directory"),
        (["imagebot-no-such-helper"], "cannot start imagebot-no-such-helper: No such file or directory"),
        ([], "no program to run"),
    ])
    func aProgramThatCannotStartIsAnError(_ argv: [String], _ message: String) {
        switch ChildProcess.run(argv, timeout: 60) {
        case .success(let output): Issue.record("ran with status \(output.status)")
        case .failure(let failure): #expect("\(failure)" == message)
        }
    }

    /// Both streams well over a socket buffer, written one after the other: a parent reading
    /// only one stream at a time would deadlock with the child blocked on the other.
    @Test func largeOutputOnBothStreamsDoesNotDeadlock() throws {
        let size = 900_000
        let output = try sh("head -c \(size) /dev/zero | tr '\\0' e >&2; head -c \(size) /dev/zero | tr '\\0' o")
        #expect(output.status == 0)
        #expect(output.stderr.count == size && output.stderr.allSatisfy { $0 == UInt8(ascii: "e") })
        #expect(output.stdout.count == size && output.stdout.allSatisfy { $0 == UInt8(ascii: "o") })
    }

    @Test func endlessOutputIsCappedAndTheChildKilled() throws {
        let output = try sh("yes")
        #expect(output.stdout.count == ChildProcess.outputLimit)
        #expect(output.status == 128 + 9)
    }

    @Test func aChildPastItsDeadlineIsKilled() throws {
        switch ChildProcess.run(["/bin/sh", "-c", "exec sleep 60"], timeout: 0.2) {
        case .success(let output): Issue.record("finished with status \(output.status)")
        case .failure(let failure): #expect("\(failure)" == "timed out after 0.2s")
        }
    }

    /// A daemon the child leaves behind (gpg-agent) keeps the output streams open: the child's
    /// exit, not end-of-file, ends the wait.
    @Test func theChildsExitEndsTheWaitEvenIfAGrandchildHoldsItsOutput() throws {
        let output = try sh("sleep 20 & printf done", timeout: 15)
        #expect(output.status == 0)
        #expect(text(output.stdout) == "done")
    }
}
