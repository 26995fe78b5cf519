#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces whole files so that a crash at any moment leaves either the old contents or the
/// new ones: a temporary file in the same directory, fsync, rename over the target, fsync of
/// the directory. Used for rewritten YAML and for everything in the state directory.
public enum AtomicFile {
    // A failed step throws a FileSystemError: the path and the system's reason, never the
    // file's contents.

    /// `mkdir -p`, with the system's reason on failure ("Read-only file system", "No space
    /// left on device"), which Foundation's error text does not give on Linux.
    public static func createDirectories(_ path: String, permissions: UInt32 = 0o755) throws(FileSystemError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, mode_t(permissions)) == 0 || errno == EEXIST { continue }
            throw FileSystemError(path: current, operation: "mkdir", message: String(cString: strerror(errno)))
        }
    }

    /// Writes `bytes` to `path`. `permissions` nil keeps those of an existing file, or gives a
    /// new file 0600 (mkstemp's). The directory must exist.
    public static func write(_ bytes: [UInt8], to path: String, permissions: UInt32? = nil) throws(FileSystemError) {
        var mode = permissions.map { mode_t($0) }
        if mode == nil {
            var info = stat()
            if stat(path, &info) == 0 { mode = info.st_mode & 0o7777 }
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory.isEmpty ? "" : directory)/.\(name).imagebot-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { throw failure(path, "create a temporary file") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var committed = false
        defer { if !committed { unlink(temporary) } }
        do {
            defer { close(fd) }
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw failure(temporary, "write")
                }
                written += count
            }
            if let mode { guard fchmod(fd, mode) == 0 else { throw failure(temporary, "fchmod") } }
            guard fsync(fd) == 0 else { throw failure(temporary, "fsync") }
        }
        guard rename(temporary, path) == 0 else { throw failure(path, "rename") }
        committed = true
        let directoryFD = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)  // best effort: the rename is already visible
            close(directoryFD)
        }
    }

    private static func failure(_ path: String, _ operation: String) -> FileSystemError {
        FileSystemError(path: path, operation: operation, message: String(cString: strerror(errno)))
    }
}
