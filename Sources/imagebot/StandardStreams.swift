#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one line to standard error (diagnostics never go to standard output, which carries
/// the command's result).
func printToStandardError(_ line: String) {
    var text = line
    if !text.hasSuffix("\n") { text += "\n" }
    // One write(2) per line keeps concurrent diagnostics from interleaving mid-line.
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// Whether standard output is a terminal (for colour and progress output).
var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
