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

    @Option(help: ArgumentHelp("Select alphabetically: asc (default) picks the greatest, desc the smallest.", valueName: "asc|desc"))
    var alphabetical: String?

    @Option(help: ArgumentHelp("Select numerically: asc (default) picks the greatest, desc the smallest.", valueName: "asc|desc"))
    var numerical: String?

    @Option(help: ArgumentHelp("Only consider tags matching this regular expression (filterTags.pattern).", valueName: "regex"))
    var pattern: String?

    @Option(help: ArgumentHelp("Compare this expansion of the pattern's match instead of the tag (filterTags.extract).", valueName: "template"))
    var extract: String?

    @Option(name: .customLong("exclude"), help: ArgumentHelp("Drop tags matching this regular expression; repeatable; replaces the default '^.*\\.sig$'.", valueName: "regex"))
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
        var lines: [Substring] = []
        if let tagsFile {
            guard let data = FileManager.default.contents(atPath: tagsFile) else {
                throw CommandError("cannot read tags file '\(tagsFile)'")
            }
            lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
        } else {
            while let line = readLine(strippingNewline: true) { lines.append(Substring(line)) }
        }
        // One tag per line; surrounding blanks (a CRLF file's \r among them) and blank lines ignored.
        return lines.compactMap { line in
            guard let first = line.firstIndex(where: { !$0.isWhitespace }),
                let last = line.lastIndex(where: { !$0.isWhitespace })
            else { return nil }
            return String(line[first...last])
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
