import ArgumentParser
import Automation

/// `imagebot validate`: load the config and print every problem.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the Flux manifests in the config directory and print every problem.",
        discussion: "One line per problem, file:line:column first. Exit status 2 when any is an error."
    )

    @Option(help: ArgumentHelp("Directory (or file) of Flux manifests.", valueName: "dir"))
    var config = "./policies"

    func run() throws {
        let configuration = ConfigLoader.load(directory: config)
        for diagnostic in configuration.diagnostics { printToStandardError(diagnostic.description) }
        let counts = [
            "\(configuration.repositories.count) ImageRepositories", "\(configuration.policies.count) ImagePolicies",
            "\(configuration.automations.count) ImageUpdateAutomations",
            "\(configuration.gitRepositories.count) GitRepositories",
        ]
        print(
            "\(config): " + counts.joined(separator: ", ")
                + "; \(configuration.errors.count) errors, \(configuration.warnings.count) warnings")
        if !configuration.errors.isEmpty { throw ExitStatus.usage }
    }
}
