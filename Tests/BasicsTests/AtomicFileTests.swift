import Basics
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct ScratchDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/imagebot-basics-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { $0.baseAddress.flatMap { mkdtemp($0) } != nil }
        try #require(made, "mkdtemp failed")
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func remove() { _ = try? ChildProcess.run(["/bin/rm", "-rf", path], timeout: 60).get() }

    /// Names in the directory, sorted, without `.` and `..`.
    var entries: [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Writes a file directly (not through AtomicFile).
    func create(_ name: String, _ content: String) throws {
        let file = try #require(fopen(path + "/" + name, "w"), "fopen \(name) failed")
        defer { fclose(file) }
        let bytes = Array(content.utf8)
        #expect(fwrite(bytes, 1, bytes.count, file) == bytes.count)
    }

    func read(_ name: String) -> String? {
        guard let file = fopen(path + "/" + name, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while case let n = fread(&buffer, 1, buffer.count, file), n > 0 { bytes += buffer[0..<n] }
        return String(decoding: bytes, as: UTF8.self)
    }

    func mode(_ name: String) -> UInt32? {
        var info = stat()
        guard stat(path + "/" + name, &info) == 0 else { return nil }
        return UInt32(info.st_mode & 0o7777)
    }
}

/// The error's one-line text, whatever the error type is called.
private func message(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return "\(error)"
    }
}

@Suite("AtomicFile")
struct AtomicFileTests {
    @Test func aNewFileGetsTheContentAndMode0600() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        try AtomicFile.write(Array("first\n".utf8), to: dir.path + "/state.json")
        #expect(dir.read("state.json") == "first\n")
        #expect(dir.mode("state.json") == 0o600)
        #expect(dir.entries == ["state.json"])
    }

    @Test func replacingKeepsTheExistingMode() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path + "/app.yaml"
        try AtomicFile.write(Array("old".utf8), to: path, permissions: 0o644)
        #expect(dir.mode("app.yaml") == 0o644)
        try AtomicFile.write(Array("new".utf8), to: path)
        #expect(dir.read("app.yaml") == "new")
        #expect(dir.mode("app.yaml") == 0o644)
        #expect(dir.entries == ["app.yaml"])
    }

    @Test(arguments: [UInt32(0o640), 0o755, 0o600])
    func explicitPermissionsAreSet(_ permissions: UInt32) throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path + "/file"
        try AtomicFile.write(Array("x".utf8), to: path, permissions: 0o644)
        try AtomicFile.write(Array("y".utf8), to: path, permissions: permissions)
        #expect(dir.mode("file") == permissions)
    }

    @Test func emptyAndLargeContents() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        try AtomicFile.write([], to: dir.path + "/empty")
        #expect(dir.read("empty") == "")
        let large = String(repeating: "0123456789abcdef", count: 1 << 16)  // 1 MiB
        try AtomicFile.write(Array(large.utf8), to: dir.path + "/large")
        #expect(dir.read("large") == large)
    }

    /// The temporary file's name is longer than the target's: next to a file with a 245-byte name
    /// it cannot be created, so the write fails and the file keeps its old content.
    @Test func aFailedReplaceKeepsTheOldContent() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let name = String(repeating: "n", count: 245)
        try dir.create(name, "old")
        let error = message { try AtomicFile.write(Array("new".utf8), to: dir.path + "/" + name) }
        #expect(error == "\(dir.path)/\(name): create a temporary file: File name too long")
        #expect(dir.read(name) == "old")
        #expect(dir.entries == [name])
    }

    /// The rename fails after the temporary file was written: it is removed again.
    @Test func aFailedRenameLeavesNoTemporaryFile() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        try AtomicFile.createDirectories(dir.path + "/target/child")
        let error = message { try AtomicFile.write(Array("new".utf8), to: dir.path + "/target") }
        #expect(error == "\(dir.path)/target: rename: Is a directory")
        #expect(dir.entries == ["target"])
    }

    @Test func writingIntoAMissingDirectoryNamesThePathAndTheCause() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        let path = dir.path + "/missing/state.json"
        let error = message { try AtomicFile.write(Array("x".utf8), to: path) }
        #expect(error == "\(path): create a temporary file: No such file or directory")
        #expect(dir.entries == [])
    }

    @Test func createDirectoriesMakesEveryLevelAndAcceptsExistingOnes() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        try AtomicFile.createDirectories(dir.path + "/a/b/c")
        try AtomicFile.createDirectories(dir.path + "/a/b/c")
        try AtomicFile.write(Array("x".utf8), to: dir.path + "/a/b/c/file")
        #expect(dir.read("a/b/c/file") == "x")
    }

    @Test func createDirectoriesThroughAFileNamesTheFailingLevel() throws {
        let dir = try ScratchDirectory()
        defer { dir.remove() }
        try AtomicFile.write(Array("x".utf8), to: dir.path + "/file")
        let error = message { try AtomicFile.createDirectories(dir.path + "/file/sub/deeper") }
        #expect(error == "\(dir.path)/file/sub: mkdir: Not a directory")
    }
}
