import Foundation
import Setters

/// Fixture locations and temporary trees for the Setters tests.
enum Fixtures {
    static let testdata: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("testdata")

    /// Flux's `TestUpdateWithSetters` policy results.
    static let fluxPolicies: [String: ImageRef] = [
        "automation-ns:policy": ImageRef(name: "index.repo.fake/updated", tag: "v1.0.1"),
        "automation-ns:unchanged": ImageRef(name: "image", tag: "v1.0.0"),
        "automation-ns:policy-with-digest": ImageRef(
            name: "image", tag: "v1.0.0",
            digest: "sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be"),
    ]

    /// The shared policy results for `testdata/setters/*` (documented in its README.md).
    static let policies: [String: ImageRef] = [
        "flux-system:app": ImageRef(name: "ghcr.io/acme/app", tag: "1.4.2"),
        "flux-system:db": ImageRef(
            name: "docker.io/library/postgres", tag: "16.4",
            digest: "sha256:1111111111111111111111111111111111111111111111111111111111111111"),
        "flux-system:numeric": ImageRef(name: "registry.local/num", tag: "1.10"),
        "apps:web": ImageRef(name: "registry.example.com/web", tag: "v2.0.0"),
        "apps:quoted": ImageRef(name: "registry.example.com/it's", tag: "v3 \"beta\""),
    ]

    /// Case directories under `testdata/setters` (each has `original/` and `expected/`).
    static var setterCases: [String] {
        let root = testdata.appendingPathComponent("setters")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent("\($0)/original").path)
        }.sorted()
    }

    /// A fresh temporary copy of `source`; the caller removes it.
    static func temporaryCopy(of source: URL) throws -> URL {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("setters-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let target = base.appendingPathComponent("tree")
        try FileManager.default.copyItem(at: source, to: target)
        return target
    }

    static func remove(_ url: URL) {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }

    /// Every regular file under `root` by relative path (symlinks are not listed).
    static func tree(_ root: URL) throws -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        let rootPath = root.resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(atPath: rootPath) else { return [:] }
        while let relative = enumerator.nextObject() as? String {
            let path = rootPath + "/" + relative
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            result[relative] = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        return result
    }

    /// Runs a command and returns its exit status and combined output.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL, input: String? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let inputPipe = Pipe()
        process.standardInput = inputPipe
        try process.run()
        if let input { inputPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inputPipe.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
