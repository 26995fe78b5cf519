import Automation

/// `--set NS:NAME=IMAGE:TAG[@DIGEST]` (repeatable) and `--set-file FILE` of `dry-run`, `update`
/// and `explain`; the parsing itself is Automation's `PolicyResultsFile`.
enum PolicyResultArguments {
    /// The commands that take `--set`.
    static let commands: Set<String> = ["dry-run", "update", "explain"]

    /// Joins packed `--set` values: argv cannot hold a NUL, so no value contains one.
    static let separator: Character = "\0"

    /// Gathers every `--set VALUE` and `--set=VALUE` of a command that takes them into one
    /// `--set` whose value is theirs joined by NUL, in order, where the first one stood.
    /// ArgumentParser's time is quadratic in the repeats of one option (each value re-unions the
    /// input positions of all earlier ones, and each consumed argument is removed from the front
    /// of an array: 2,500 `--set` took 600 ms to parse); this pass is linear. A `--set` without
    /// a value (last, or followed by an option) and everything after `--` are left alone, so
    /// ArgumentParser reports them as it always did.
    static func packingRepeatedSets(_ arguments: [String]) -> [String] {
        guard let command = arguments.first, commands.contains(command) else { return arguments }
        var result: [String] = []
        result.reserveCapacity(arguments.count)
        var values: [String] = []
        var packedAt: Int?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                result.append(contentsOf: arguments[index...])
                break
            }
            var value: String?
            if argument == "--set", index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") {
                value = arguments[index + 1]
                index += 1
            } else if argument.hasPrefix("--set=") {
                value = String(argument.dropFirst("--set=".count))
            }
            index += 1
            guard let value else {
                result.append(argument)
                continue
            }
            if packedAt == nil {
                packedAt = result.count
                result.append(contentsOf: ["--set", ""])
            }
            values.append(value)
        }
        if let packedAt { result[packedAt + 1] = values.joined(separator: String(separator)) }
        return result
    }

    /// The `--set` values as the user gave them, packed ones split again.
    static func unpacked(_ overrides: [String]) -> [String] {
        overrides.flatMap { value in
            value.contains(separator)
                ? value.split(separator: separator, omittingEmptySubsequences: false).map(String.init) : [value]
        }
    }

    /// The results of `--set-file` with every `--set` over them (the command line wins).
    static func results(overrides: [String], setFile: String?) throws(PolicyResultsError) -> [String: ImageRef] {
        try PolicyResultsFile.results(commandLine: unpacked(overrides), file: setFile)
    }
}
