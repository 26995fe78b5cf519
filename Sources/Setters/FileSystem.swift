import Basics

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The small set of POSIX calls the walker and writer need (no Foundation).
enum FileSystem {
    enum Kind { case file, directory, symlink, other }

    static func error(_ path: String, _ operation: String, _ code: Int32 = errno) -> FileSystemError {
        FileSystemError(path: path, operation: operation, message: String(cString: strerror(code)))
    }

    /// The kind of `path` itself (symlinks not followed).
    static func linkKind(_ path: String) -> Kind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return kind(info.st_mode)
    }

    /// The kind of what `path` points to (symlinks followed).
    static func targetKind(_ path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return kind(info.st_mode)
    }

    private static func kind(_ mode: mode_t) -> Kind {
        switch mode & S_IFMT {
        case S_IFREG: .file
        case S_IFDIR: .directory
        case S_IFLNK: .symlink
        default: .other
        }
    }

    /// Entries of a directory except `.` and `..`, unsorted, with their kind when the file
    /// system reports it in `d_type` (saving an `lstat` per entry); nil kind means unknown.
    static func entries(_ path: String) throws(FileSystemError) -> [(name: String, kind: Kind?)] {
        guard let dir = opendir(path) else { throw error(path, "opendir") }
        defer { closedir(dir) }
        var entries: [(name: String, kind: Kind?)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            let kind: Kind? =
                switch Int(entry.pointee.d_type) {
                case Int(DT_REG): .file
                case Int(DT_DIR): .directory
                case Int(DT_LNK): .symlink
                case Int(DT_UNKNOWN): nil
                default: .other
                }
            entries.append((name, kind))
        }
        return entries
    }

    /// The canonical absolute path, or nil when it cannot be resolved (dangling link).
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reads a whole file, refusing files larger than `limit` bytes.
    static func read(_ path: String, limit: Int) throws(FileSystemError) -> [UInt8] {
        // O_NOATIME spares the file system an inode update per file read (a large part of a
        // tree walk's system time); only the owner or root may ask for it, so retry without.
        var fd = open(path, O_RDONLY | O_CLOEXEC | noAccessTimeFlag)
        if fd < 0 && errno == EPERM { fd = open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw error(path, "open") }
        defer { close(fd) }
        // No fstat: most YAML files fit the first buffer, and the walk pays per system call.
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 1)
        defer { buffer.deallocate() }
        var count = 0
        while true {
            if count == buffer.count {
                guard count <= limit else {
                    throw FileSystemError(
                        path: path, operation: "read", message: "file is over the \(limit)-byte limit")
                }
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 1)
                larger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                buffer.deallocate()
                buffer = larger
            }
            guard let base = buffer.baseAddress else { break }
            let n = posixRead(fd, base + count, buffer.count - count)
            if n < 0 {
                if errno == EINTR { continue }
                throw error(path, "read")
            }
            if n == 0 { break }
            count += n
        }
        guard count <= limit else {
            throw FileSystemError(
                path: path, operation: "read", message: "file is \(count) bytes, over the \(limit)-byte limit")
        }
        return [UInt8](UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }

    /// Replaces `path` atomically, keeping its permission bits (see `AtomicFile`).
    static func replace(_ path: String, with bytes: [UInt8]) throws(FileSystemError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw error(path, "stat") }
        do {
            try AtomicFile.write(bytes, to: path, permissions: UInt32(info.st_mode & 0o7777))
        } catch {
            throw FileSystemError(path: error.path, operation: error.operation, message: error.message)
        }
    }
}

/// Linux's O_NOATIME (glibc hides the macro from Swift behind _GNU_SOURCE).
#if os(Linux)
private let noAccessTimeFlag: Int32 = 0o1000000
#else
private let noAccessTimeFlag: Int32 = 0
#endif

/// `read(2)` without clashing with `FileSystem.read`.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
