import ArgumentParser
import Automation

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `imagebot select`: one policy over one tag list, exactly as an ImagePolicy would decide.
struct Select: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pick the tag an image policy selects from a list of tags.",
        discussion: """
            Tags come from --tags-file or standard input, one per line. Prints the selected tag \
            as written. Exit status: 0 a tag was selected, 1 nothing was selected, 2 the policy \
            or the input is invalid.
            """
    )

    @Option(help: ArgumentHelp("Select by semver range (Masterminds syntax, as Flux).", valueName: "range"))
    var semver: String?

    @Option(
        help: ArgumentHelp(
            "Select alphabetically: asc (default) picks the greatest, desc the smallest.", valueName: "asc|desc"))
    var alphabetical: String?

    @Option(
        help: ArgumentHelp(
            "Select numerically: asc (default) picks the greatest, desc the smallest.", valueName: "asc|desc"))
    var numerical: String?

    @Option(
        help: ArgumentHelp(
            "Only consider tags matching this regular expression (filterTags.pattern).", valueName: "regex"))
    var pattern: String?

    @Option(
        help: ArgumentHelp(
            "Compare this expansion of the pattern's match instead of the tag (filterTags.extract).",
            valueName: "template"))
    var extract: String?

    @Option(
        name: .customLong("exclude"),
        help: ArgumentHelp(
            "Drop tags matching this regular expression; repeatable; replaces the default '^.*\\.sig$'.",
            valueName: "regex"))
    var exclusions: [String] = []

    @Option(help: ArgumentHelp("Read tags from this file instead of standard input.", valueName: "file"))
    var tagsFile: String?

    @Option(help: "Output format: text (the tag alone) or json (the tag and the decision record).")
    var output: OutputFormat = .text

    @Flag(help: "Print the decision record on standard error.")
    var explain = false

    func validate() throws {
        let chosen = [semver != nil, alphabetical != nil, numerical != nil].filter { $0 }.count
        guard chosen == 1 else {
            throw ValidationError("choose exactly one of --semver, --alphabetical, --numerical")
        }
        if extract != nil && pattern == nil {
            throw ValidationError("--extract needs --pattern")
        }
    }

    func run() throws {
        let selection: TagSelection
        do {
            selection = try TagSelection(
                semver: semver, alphabetical: alphabetical, numerical: numerical, pattern: pattern, extract: extract,
                exclusions: exclusions)
        } catch {
            printToStandardError("imagebot select: \(error)")
            throw ExitStatus.usage
        }
        let tags: [String]
        do {
            tags = try readTags()
        } catch {
            printToStandardError("imagebot select: \(error)")
            throw ExitStatus.usage
        }

        let decision = selection.evaluate(tags)
        if explain { printToStandardError(decision.explanation) }
        switch output {
        case .text:
            if let selected = decision.selected { print(selected) }
        case .json:
            print(try decision.json())
        }
        if decision.selected == nil {
            if !explain { printToStandardError("imagebot select: \(decision.failure)") }
            throw ExitStatus.nothing
        }
    }

    private func readTags() throws -> [String] {
        let bytes: [UInt8]
        if let tagsFile {
            guard let data = FileManager.default.contents(atPath: tagsFile) else {
                throw CommandError("cannot read tags file '\(tagsFile)'")
            }
            bytes = [UInt8](data)
        } else {
            bytes = readStandardInput()
        }
        return Self.tags(in: bytes)
    }

    /// One tag per line; surrounding blanks and blank lines ignored. Lines end at LF, CR,
    /// CRLF, vertical tab or form feed, as they did when this split a String by Character, which
    /// took 150 ms for 100,000 lines (twenty times the policy's evaluation); on bytes it takes
    /// about one. A registry tag is ASCII (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`), so the Unicode
    /// line ends and blanks the Character split also knew never occur in a valid one.
    static func tags(in bytes: [UInt8]) -> [String] {
        bytes.withUnsafeBufferPointer { buffer -> [String] in
            var tags: [String] = []
            tags.reserveCapacity(buffer.count / 8)
            var start = 0
            var index = 0
            while index <= buffer.count {
                guard index == buffer.count || (0x0A...0x0D).contains(buffer[index]) else {
                    index += 1
                    continue
                }
                var lower = start
                var upper = index
                while lower < upper, buffer[lower] == 0x20 || buffer[lower] == 0x09 { lower += 1 }
                while upper > lower, buffer[upper - 1] == 0x20 || buffer[upper - 1] == 0x09 { upper -= 1 }
                if lower < upper {
                    tags.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[lower..<upper]), as: UTF8.self))
                }
                index += 1
                start = index
            }
            return tags
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// A command failure with a one-line message for standard error.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
