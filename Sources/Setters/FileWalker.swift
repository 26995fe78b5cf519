import Basics

/// A file that may hold markers.
struct Candidate: Sendable {
    /// Path relative to the root, `/`-separated.
    var relativePath: String
    /// Where to read (through a symlink if it is one).
    var readPath: String
    /// Where to write: the resolved target for a symlink.
    var writePath: String
}

/// Lists candidate files under a root like Flux's `ScreeningLocalReader`: `*.yaml`, `*.yml`
/// and `Kustomization`, hidden directories included except `.git`, directory symlinks not
/// followed, file symlinks only when they resolve inside the root.
///
/// The walk is depth-first with each directory's entries sorted bytewise, directories keyed as
/// `name/`: that visits files exactly in the bytewise order of their relative paths, so results
/// can be streamed in their final order while the walk goes on.
enum FileWalker {
    static func isCandidateName(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name == "Kustomization"
    }

    struct Diagnostics: Sendable {
        var warnings: [SetterDiagnostic] = []
        var errors: [SetterDiagnostic] = []
    }

    /// Walks `root`, handing candidates to `emit` in path order, `batchSize` at a time.
    /// `shouldStop` is polled between directories so an abandoned walk ends early.
    static func walk(
        root rawRoot: String, batchSize: Int, shouldStop: () -> Bool = { false }, emit: ([Candidate]) -> Void
    ) -> Diagnostics {
        var diagnostics = Diagnostics()
        var root = rawRoot
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        guard let realRoot = FileSystem.realPath(root), let rootKind = FileSystem.targetKind(root) else {
            diagnostics.errors.append(
                .init(severity: .error, file: root, message: "path does not exist or cannot be resolved"))
            return diagnostics
        }
        if rootKind == .file {
            // An explicitly named file is processed whatever its name.
            let name = root.split(separator: "/").last.map(String.init) ?? root
            emit([Candidate(relativePath: name, readPath: root, writePath: realRoot)])
            return diagnostics
        }
        guard rootKind == .directory else {
            diagnostics.errors.append(.init(severity: .error, file: root, message: "not a regular file or directory"))
            return diagnostics
        }
        let insideRoot = realRoot == "/" ? "/" : realRoot + "/"
        var batch: [Candidate] = []
        batch.reserveCapacity(batchSize)
        /// Each frame: a directory (relative path) and its sorted entries still to visit.
        var stack: [(directory: String, entries: [Entry], next: Int)] = []
        if let entries = sortedEntries(root, relative: "", &diagnostics) { stack.append(("", entries, 0)) }
        while !stack.isEmpty, !shouldStop() {
            let top = stack.count - 1
            guard stack[top].next < stack[top].entries.count else {
                stack.removeLast()
                continue
            }
            let entry = stack[top].entries[stack[top].next]
            stack[top].next += 1
            let directory = stack[top].directory
            let relative = directory.isEmpty ? entry.name : "\(directory)/\(entry.name)"
            let path = "\(root)/\(relative)"
            switch entry.kind {
            case .directory:
                if let entries = sortedEntries(path, relative: relative, &diagnostics) {
                    stack.append((relative, entries, 0))
                }
            case .file:
                batch.append(Candidate(relativePath: relative, readPath: path, writePath: path))
            case .symlink:
                guard let target = FileSystem.realPath(path), let kind = FileSystem.targetKind(target) else {
                    diagnostics.warnings.append(
                        .init(severity: .warning, file: relative, message: "skipped: dangling symlink"))
                    continue
                }
                guard kind == .file else { continue }  // directory symlinks are never followed
                guard target.hasPrefix(insideRoot) else {
                    diagnostics.warnings.append(
                        .init(
                            severity: .warning, file: relative,
                            message: "skipped: symlink resolves outside the path (\(target))"))
                    continue
                }
                batch.append(Candidate(relativePath: relative, readPath: path, writePath: target))
            case .other:
                continue
            }
            if batch.count >= batchSize {
                emit(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { emit(batch) }
        return diagnostics
    }

    private struct Entry {
        var name: String
        var kind: FileSystem.Kind
        /// The name's bytes, with `/` appended for directories (see the type's comment).
        var key: [UInt8]
    }

    /// Entries worth visiting (directories except `.git`, candidate files and symlinks), sorted.
    private static func sortedEntries(_ path: String, relative: String, _ diagnostics: inout Diagnostics) -> [Entry]? {
        let raw: [(name: String, kind: FileSystem.Kind?)]
        do {
            raw = try FileSystem.entries(path)
        } catch {
            diagnostics.warnings.append(
                .init(
                    severity: .warning, file: relative.isEmpty ? "." : relative,
                    message: "skipped: \(error.operation): \(error.message)"))
            return nil
        }
        var entries: [Entry] = []
        for (name, reported) in raw {
            // d_type is unknown on some file systems; ask lstat only then.
            guard let kind = reported ?? FileSystem.linkKind("\(path)/\(name)") else { continue }
            switch kind {
            case .directory where name != ".git":
                entries.append(Entry(name: name, kind: kind, key: Array(name.utf8) + [UInt8(ascii: "/")]))
            case .file where isCandidateName(name):
                entries.append(Entry(name: name, kind: kind, key: Array(name.utf8)))
            case .symlink where isCandidateName(name):
                entries.append(Entry(name: name, kind: kind, key: Array(name.utf8)))
            default:
                continue
            }
        }
        entries.sort { $0.key.lexicographicallyPrecedes($1.key) }
        return entries
    }
}
