import Basics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One repository's last scan as kept in the state directory.
public struct CachedScan: Sendable, Hashable {
    /// `spec.image` at scan time (a changed image invalidates the cache).
    public var image: String
    /// Tags after the exclusion list, sorted descending bytewise (Flux's database order).
    public var tags: [String]
    /// `sha256:<hex>` of the newline-joined sorted tags, as Flux's FluxStorage revision.
    public var revision: String
    /// When the scan finished, seconds since 1970.
    public var scanTime: Double
}

/// The tag cache under `<state-dir>/repositories/<namespace>/<name>.tags`: a few header lines,
/// a blank line, then one tag per line (like Flux's FluxStorage `tags.txt`; cheap to write
/// and read for lists of many thousand tags). Writes are atomic (temporary file, fsync,
/// rename, directory fsync), so a killed process leaves either the old file or the new one.
/// Everything here can be rebuilt by scanning again.
public struct TagCache: Sendable {
    public let stateDirectory: String

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory
    }

    func path(for key: ObjectKey) -> String {
        "\(stateDirectory)/repositories/\(key.namespace)/\(key.name).tags"
    }

    /// The last scan of `key`, or nil when there is none or it cannot be read (then it is
    /// simply rebuilt by the next scan).
    public func load(_ key: ObjectKey) -> CachedScan? {
        guard let data = FileManager.default.contents(atPath: path(for: key)) else { return nil }
        return data.withUnsafeBytes { Self.parse($0.assumingMemoryBound(to: UInt8.self)) }
    }

    /// The file's lines straight from its bytes: a scan reads one cache per repository, and
    /// splitting into array slices first cost 9% of a 200-repository scan's CPU.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> CachedScan? {
        var start = 0
        /// The next line (without its `\n`), or nil at the end.
        func nextLine() -> UnsafeBufferPointer<UInt8>? {
            guard start < bytes.count, let base = bytes.baseAddress else { return nil }
            let end =
                memchr(base + start, 0x0A, bytes.count - start)
                .map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? bytes.count
            defer { start = end + 1 }
            return UnsafeBufferPointer(rebasing: bytes[start..<end])
        }
        func text(_ line: UnsafeBufferPointer<UInt8>) -> String { String(decoding: line, as: UTF8.self) }
        guard let first = nextLine(), text(first) == formatLine else { return nil }
        var fields: [String: String] = [:]
        while true {
            guard let line = nextLine() else { return nil }  // no blank line: not a cache file
            if line.isEmpty { break }
            guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { return nil }
            fields[text(UnsafeBufferPointer(rebasing: line[..<space]))] = text(
                UnsafeBufferPointer(rebasing: line[(space + 1)...]))
        }
        guard let image = fields["image"], let revision = fields["revision"],
            let scanTime = fields["scan-time"].flatMap({ Double($0) })
        else { return nil }
        var tags: [String] = []
        while let line = nextLine() {
            if !line.isEmpty { tags.append(text(line)) }
        }
        return CachedScan(image: image, tags: tags, revision: revision, scanTime: scanTime)
    }

    private static let formatLine = "# imagebot tag cache v1"

    /// Stores a scan atomically.
    public func store(_ scan: CachedScan, for key: ObjectKey) throws(StateError) {
        // Tags never contain line breaks (registries allow [A-Za-z0-9_.-]); one that did would
        // only make this cache unreadable, and an unreadable cache is rebuilt by the next scan.
        var text = "\(Self.formatLine)\nimage \(scan.image)\nrevision \(scan.revision)\nscan-time \(scan.scanTime)\n\n"
        text.reserveCapacity(text.utf8.count + scan.tags.reduce(0) { $0 + $1.utf8.count + 1 })
        for tag in scan.tags {
            text += tag
            text += "\n"
        }
        try StateFile.write(Array(text.utf8), to: path(for: key))
    }
}

/// A state directory write that failed; the path and the cause, no contents.
public struct StateError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// Atomic replacement of a whole file in the state directory, creating its directory.
enum StateFile {
    static func write(_ bytes: [UInt8], to path: String) throws(StateError) {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        do {
            try AtomicFile.createDirectories(directory)
        } catch {
            throw StateError(path: error.path, message: "cannot create the directory: \(error.message)")
        }
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw StateError(path: path, message: "cannot \(error.operation): \(error.message)")
        }
    }
}
