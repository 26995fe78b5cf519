public import Foundation

/// Debian's `docker-registry` on a random loopback port with temporary storage, stopped when
/// the test ends. Images are pushed with scripts/push_image.py.
public final class LocalRegistry {
    /// The loopback port the registry listens on.
    public let port: Int
    /// The temporary directory holding the config and the storage; removed on deinit.
    public let directory: URL
    private let process = Process()

    /// "127.0.0.1:<port>", the registry host of image names.
    public var host: String { "127.0.0.1:\(port)" }

    /// Starts the registry (it may take a moment to answer; `push` waits for it).
    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try freeLocalPort()
        let config = """
            version: 0.1
            log: {level: error, accesslog: {disabled: true}}
            storage: {filesystem: {rootdirectory: \(directory.path)/data}}
            http: {addr: "127.0.0.1:\(port)", secret: test}
            """
        try config.write(to: directory.appendingPathComponent("config.yml"), atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", directory.appendingPathComponent("config.yml").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Pushes `tags` of `repository` (waiting for the registry to answer first); returns digests by tag.
    @discardableResult
    public func push(_ repository: String, _ tags: [String]) throws -> [String: String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [scriptPath("push_image.py"), host, repository] + tags
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        var digests: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { digests[String(parts[0])] = String(parts[1]) }
        }
        return digests
    }
}
