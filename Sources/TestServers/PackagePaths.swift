public import Foundation

/// The root of this package (the directory holding Package.swift), found from this source
/// file's path: Sources/TestServers/PackagePaths.swift is two directories below it.
public let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // TestServers
    .deletingLastPathComponent()  // Sources
    .deletingLastPathComponent()  // package root

/// Path of a helper under `scripts/` of this package.
public func scriptPath(_ name: String) -> String {
    packageRoot.appendingPathComponent("scripts").appendingPathComponent(name).path
}

/// A failure while setting up or driving a test server or a fixture; the text says what failed.
public enum SandboxError: Error, CustomStringConvertible {
    case failed(String)

    public var description: String {
        switch self {
        case .failed(let s): return s
        }
    }
}
