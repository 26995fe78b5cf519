/// A file that may hold markers.
struct Candidate {
    /// Path relative to the root, `/`-separated.
    var relativePath: String
    /// Where to read (through a symlink if it is one).
    var readPath: String
    /// Where to write: the resolved target for a symlink.
    var writePath: String
}

/// Lists candidate files under a root like Flux's `ScreeningLocalReader`: `*.yaml`, `*.yml`
/// and `Kustomization`, hidden directories included except `.git`, directory symlinks not
/// followed, file symlinks only when they resolve inside the root. Sorted by path bytes.
enum FileWalker {
    static func isCandidateName(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name == "Kustomization"
    }

    static func candidates(root rawRoot: String) -> (
        files: [Candidate], warnings: [SetterDiagnostic], errors: [SetterDiagnostic]
    ) {
        var root = rawRoot
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        guard let realRoot = FileSystem.realPath(root), let rootKind = FileSystem.targetKind(root) else {
            return ([], [], [.init(severity: .error, file: root, message: "path does not exist or cannot be resolved")])
        }
        if rootKind == .file {
            // An explicitly named file is processed whatever its name.
            let name = root.split(separator: "/").last.map(String.init) ?? root
            return ([Candidate(relativePath: name, readPath: root, writePath: realRoot)], [], [])
        }
        guard rootKind == .directory else {
            return ([], [], [.init(severity: .error, file: root, message: "not a regular file or directory")])
        }
        var files: [Candidate] = []
        var warnings: [SetterDiagnostic] = []
        var pending = [""]
        while let directory = pending.popLast() {
            let full = directory.isEmpty ? root : "\(root)/\(directory)"
            let names: [String]
            do {
                names = try FileSystem.entries(full)
            } catch {
                warnings.append(
                    .init(
                        severity: .warning, file: directory.isEmpty ? "." : directory,
                        message: "skipped: \(error.operation): \(error.message)"))
                continue
            }
            for name in names {
                let relative = directory.isEmpty ? name : "\(directory)/\(name)"
                let path = "\(root)/\(relative)"
                switch FileSystem.linkKind(path) {
                case .directory:
                    if name != ".git" { pending.append(relative) }
                case .file:
                    if isCandidateName(name) {
                        files.append(Candidate(relativePath: relative, readPath: path, writePath: path))
                    }
                case .symlink:
                    guard isCandidateName(name) else { continue }
                    guard let target = FileSystem.realPath(path), let kind = FileSystem.targetKind(target) else {
                        warnings.append(.init(severity: .warning, file: relative, message: "skipped: dangling symlink"))
                        continue
                    }
                    guard kind == .file else { continue }  // directory symlinks are never followed
                    guard target.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") else {
                        warnings.append(
                            .init(
                                severity: .warning, file: relative,
                                message: "skipped: symlink resolves outside the path (\(target))"))
                        continue
                    }
                    files.append(Candidate(relativePath: relative, readPath: path, writePath: target))
                default:
                    continue
                }
            }
        }
        files.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        return (files, warnings, [])
    }
}
