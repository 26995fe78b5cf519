import ArgumentParser

/// The exit codes every command shares (ARCHITECTURE.md, "Commands").
enum ExitStatus {
    /// The command did its job.
    static let success = ExitCode(0)
    /// Ran fine but produced nothing: no tag selected, or changes pending with `--exit-code`.
    static let nothing = ExitCode(1)
    /// Usage or configuration error: bad flags, ranges, patterns, files.
    static let usage = ExitCode(2)
    /// Runtime failure talking to a registry, a Git remote or (`status`) the daemon.
    static let runtime = ExitCode(3)
}

@main
struct Imagebot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imagebot",
        abstract: "Keeps the container images in a Git repository of Kubernetes YAML up to date.",
        subcommands: [
            Select.self, Scan.self, DryRun.self, Update.self, Explain.self, Run.self, Status.self, Validate.self,
        ]
    )

    /// Runs the command line, mapping ArgumentParser's validation failures (64) to our usage
    /// code 2 so scripts see one convention.
    static func main() async {
        let arguments = PolicyResultArguments.packingRepeatedSets(
            Self.normalizingOptionalOrders(Array(CommandLine.arguments.dropFirst())))
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = fullMessage(for: error)
                if !message.isEmpty { printToStandardError(message) }
                Self.exit(withError: ExitStatus.usage)
            }
            Self.exit(withError: error)
        }
    }

    /// `--alphabetical` and `--numerical` take an optional order (`asc` by default); a bare
    /// flag gets `asc` so ArgumentParser, which needs a value, sees one.
    static func normalizingOptionalOrders(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for (index, argument) in arguments.enumerated() {
            result.append(argument)
            guard argument == "--alphabetical" || argument == "--numerical" else { continue }
            let next = index + 1 < arguments.count ? arguments[index + 1] : nil
            if next == nil || next?.hasPrefix("-") == true { result.append("asc") }
        }
        return result
    }
}
