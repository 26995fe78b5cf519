#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes one line to standard error (diagnostics never go to standard output, which carries
/// the command's result).
func printToStandardError(_ line: String) {
    writeToStandardError(line.hasSuffix("\n") ? line : line + "\n")
}

/// One write(2), so concurrent diagnostics never interleave mid-line.
func writeToStandardError(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// Everything on standard input, read in large chunks (a pipe has no size to ask for first).
func readStandardInput() -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
        if count > 0 {
            bytes.append(contentsOf: chunk[..<count])
        } else if count == 0 || errno != EINTR {
            return bytes
        }
    }
}

/// Whether standard output is a terminal (for colour and progress output).
var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

/// Whether standard error is a terminal (progress lines go there, never into piped output).
var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

/// "scanning 12/200 repositories" on standard error, rewritten in place, only on a terminal
/// and only for runs long enough to need it.
final class ProgressLine {
    private let total: Int
    private let enabled: Bool
    private var shown = false

    init(total: Int) {
        self.total = total
        enabled = standardErrorIsTerminal && total >= 10
    }

    func update(_ done: Int) {
        guard enabled else { return }
        shown = true
        writeToStandardError("\r\u{1B}[Kscanning \(done)/\(total) repositories")
    }

    func finish() {
        if shown { writeToStandardError("\r\u{1B}[K") }
    }
}

/// The JSON every `--output json` prints: pretty, keys sorted, slashes as they are.
func prettyJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
