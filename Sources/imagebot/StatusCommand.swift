import ArgumentParser
import Automation

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

/// `imagebot status`: what a running daemon (`imagebot run`) reports, as `flux get images all`
/// shows it: repositories, policies, automations.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a running daemon's image repositories, policies and automations.",
        discussion: """
            Reads GET <server>/api/v1/status. --output json prints the daemon's JSON as it is. \
            Tables are cut to the terminal's width (or $COLUMNS) with …. \
            Exit status 3 when the daemon cannot be reached or does not answer with a status report.
            """
    )

    @Option(help: ArgumentHelp("The daemon's HTTP address (its --listen).", valueName: "url"))
    var server = "http://127.0.0.1:8080"

    @Option(help: "Output format: text (tables) or json.")
    var output: OutputFormat = .text

    func run() async throws {
        let url = statusURL
        let body: [UInt8]
        do {
            body = try await StatusFetch.get(url)
        } catch {
            throw failure(error.description)
        }
        let report: StatusReport
        do {
            report = try StatusReport.decode(body)
        } catch {
            throw failure("\(url) did not answer with a status report: \(Self.summary(of: error))")
        }
        switch output {
        case .json:
            // The daemon's document as it is, so scripts see the API's own schema.
            var text = String(decoding: body, as: UTF8.self)
            if !text.hasSuffix("\n") { text += "\n" }
            print(text, terminator: "")
        case .text:
            print(StatusTable.render(report, now: Date(), width: terminalWidth), terminator: "")
        }
    }

    /// `--server` with the API path; a trailing slash on the server is allowed.
    var statusURL: String {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/api/v1/status"
    }

    /// A decoding failure in a few words (DecodingError's own description is a struct dump).
    static func summary(of error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.isEmpty
                ? "the document"
                : context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context): return "no \(key.stringValue) in \(path(context))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "unexpected value at \(path(context))"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "unreadable value at \(path(context))"
        default: return "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
        }
    }

    private func failure(_ message: String) -> ExitCode {
        printToStandardError("imagebot status: \(message)")
        return ExitStatus.runtime
    }

    /// `$COLUMNS` when set, else the terminal's width; nil (no cutting) when piped.
    private var terminalWidth: Int? {
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        guard standardOutputIsTerminal else { return nil }
        var size = winsize()
        let result = withUnsafeMutablePointer(to: &size) { ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), $0) }
        return result == 0 && size.ws_col > 0 ? Int(size.ws_col) : nil
    }
}
