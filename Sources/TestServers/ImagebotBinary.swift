public import Foundation

/// What one run of the `imagebot` binary did.
public struct CommandResult {
    /// The exit status.
    public var status: Int32
    /// Everything written to standard output.
    public var stdout: String
    /// Everything written to standard error.
    public var stderr: String
}

/// Runs the built `imagebot` binary the way a user or a script would.
///
/// Test targets using it must depend on the `imagebot` executable target so it is built first.
public enum ImagebotBinary {
    /// The binary sits next to the test bundle in the build products directory.
    public static let url: URL = {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidate = products.appendingPathComponent("imagebot")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return TestServers.packageRoot.appendingPathComponent(".build/debug/imagebot")
    }()

    /// The root of this package (fixtures live under it).
    public static var packageRoot: URL { TestServers.packageRoot }

    /// Runs the binary with `arguments` (and `stdin` written to its standard input) to completion.
    /// `environment` is added to ours; `launcher` (a program and its arguments) runs the binary,
    /// which it receives as its next arguments (e.g. `unshare` for a private /etc/hosts).
    public static func run(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], launcher: [String] = []
    ) throws -> CommandResult {
        let process = Process()
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [url.path] + arguments
        } else {
            process.executableURL = url
            process.arguments = arguments
        }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting so a large output cannot block the child.
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self)
        )
    }
}
