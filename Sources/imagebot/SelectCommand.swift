import ArgumentParser
import Policy

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
        let policy: ImagePolicy
        let exclusionList: ExclusionList
        do {
            policy = try ImagePolicy(rule: try rule(), filter: try pattern.map { p throws(PolicyError) in
                try TagFilter(pattern: p, extract: extract ?? "")
            })
            exclusionList = try ExclusionList(exclusions)
        } catch {
            printToStandardError("imagebot select: \(error.message)")
            throw ExitStatus.usage
        }
        let tags: [String]
        do {
            tags = try readTags()
        } catch {
            printToStandardError("imagebot select: \(error)")
            throw ExitStatus.usage
        }

        let decision = policy.evaluate(tags, excluding: exclusionList)
        if explain { printToStandardError(explanation(policy, decision)) }
        switch output {
        case .text:
            if let selected = decision.selected { print(selected) }
        case .json:
            print(try SelectReport(policy: policy, decision: decision).json())
        }
        if decision.selected == nil {
            if !explain { printToStandardError("imagebot select: \(decision.failure?.message ?? "nothing selected")") }
            throw ExitStatus.nothing
        }
    }

    private func rule() throws(PolicyError) -> ImagePolicy.Rule {
        if let semver { return .semver(range: semver) }
        if let alphabetical { return .alphabetical(try ImagePolicy.SortOrder(parsing: alphabetical)) }
        return .numerical(try ImagePolicy.SortOrder(parsing: numerical ?? "asc"))
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

    private func explanation(_ policy: ImagePolicy, _ decision: PolicyDecision) -> String {
        var lines = ["policy: \(policy.rule)"]
        if let filter = policy.filter {
            lines.append("filter: pattern '\(filter.pattern)'" + (filter.extract.isEmpty ? "" : ", extract '\(filter.extract)'"))
        }
        lines.append("candidates: \(decision.candidates)")
        lines.append("excluded: \(decision.excluded)")
        lines.append("filtered out: \(decision.filteredOut)")
        lines.append("invalid: \(decision.invalid)")
        lines.append("outside range: \(decision.outsideRange)")
        lines.append("eligible: \(decision.eligible)")
        if let selected = decision.selected {
            lines.append("selected: \(selected)" + (decision.selectedValue.map { " (value '\($0)')" } ?? ""))
            if !decision.tiedWith.isEmpty { lines.append("tied with: \(decision.tiedWith.joined(separator: ", "))") }
        } else {
            lines.append("nothing selected: \(decision.failure?.message ?? "no candidate")")
        }
        return lines.joined(separator: "\n")
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

/// The JSON shape of `imagebot select --output json`.
struct SelectReport: Encodable {
    var policy: String
    var tag: String?
    var value: String?
    var candidates: Int
    var excluded: Int
    var filteredOut: Int
    var invalid: Int
    var outsideRange: Int
    var eligible: Int
    var tiedWith: [String]
    var error: String?

    init(policy: ImagePolicy, decision: PolicyDecision) {
        self.policy = policy.rule.description
        tag = decision.selected
        value = decision.selectedValue
        candidates = decision.candidates
        excluded = decision.excluded
        filteredOut = decision.filteredOut
        invalid = decision.invalid
        outsideRange = decision.outsideRange
        eligible = decision.eligible
        tiedWith = decision.tiedWith
        error = decision.failure?.message
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
