import Basics
internal import CGit2

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reading files from a commit's tree.
extension GitCache {
    /// Regular files (not symlinks, not submodules) under `path` in commit `commit` whose relative
    /// paths pass `include`; returns paths relative to `path` with their bytes, sorted by path.
    /// `path` must be relative without `.`/`..` components, and must not pass through a symlink
    /// in the tree; `""` or `"."` means the repository root.
    public func files(in commit: String, under path: String, include: (String) -> Bool) throws(GitError) -> [(
        path: String, bytes: [UInt8]
    )] {
        let components = try safeComponents(path, allowRoot: true)
        let commitObject = try lookupCommit(commit)
        var tree = try treeOf(commitObject)
        var walked: [String] = []
        for component in components {
            walked.append(component)
            guard let entry = git_tree_entry_byname(tree.pointer, component) else {
                throw GitError(
                    code: .notFound,
                    message:
                        "reading \(redactedURL)@\(commit.prefix(12)): path '\(walked.joined(separator: "/"))' does not exist",
                    function: "files")
            }
            let mode = git_tree_entry_filemode(entry)
            guard mode == GIT_FILEMODE_TREE else {
                let kind = mode == GIT_FILEMODE_LINK ? "a symlink" : "not a directory"
                throw GitError(
                    code: .invalidPath,
                    message:
                        "reading \(redactedURL)@\(commit.prefix(12)): path '\(walked.joined(separator: "/"))' is \(kind)",
                    function: "files")
            }
            var out: OpaquePointer?
            try check(
                git_tree_entry_to_object(&out, repository.pointer, entry), "git_tree_entry_to_object", context,
                what: "reading")
            guard let out else {
                throw GitError(code: .notFound, message: "reading \(redactedURL): missing tree", function: "files")
            }
            tree = ObjectHandle(repository: repository, pointer: out)
        }
        var result: [(path: String, bytes: [UInt8])] = []
        try collect(tree, prefix: "", include: include, into: &result)
        return result.sorted { $0.path < $1.path }
    }

    private func collect(
        _ tree: ObjectHandle, prefix: String, include: (String) -> Bool,
        into result: inout [(path: String, bytes: [UInt8])]
    ) throws(GitError) {
        let count = git_tree_entrycount(tree.pointer)
        for i in 0..<count {
            guard let entry = git_tree_entry_byindex(tree.pointer, i), let rawName = git_tree_entry_name(entry) else {
                continue
            }
            let name = String(cString: rawName)
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            let mode = git_tree_entry_filemode(entry)
            if mode == GIT_FILEMODE_TREE {
                var out: OpaquePointer?
                try check(
                    git_tree_entry_to_object(&out, repository.pointer, entry), "git_tree_entry_to_object", context,
                    what: "reading")
                guard let out else { continue }
                try collect(
                    ObjectHandle(repository: repository, pointer: out), prefix: relative, include: include,
                    into: &result)
            } else if mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE {
                guard include(relative) else { continue }
                var out: OpaquePointer?
                try check(
                    git_tree_entry_to_object(&out, repository.pointer, entry), "git_tree_entry_to_object", context,
                    what: "reading")
                guard let out else { continue }
                let blob = ObjectHandle(repository: repository, pointer: out)
                let size = Int(git_blob_rawsize(blob.pointer))
                var bytes: [UInt8] = []
                if size > 0, let raw = git_blob_rawcontent(blob.pointer) {
                    bytes = Array(UnsafeRawBufferPointer(start: raw, count: size))
                }
                result.append((relative, bytes))
            }
            // GIT_FILEMODE_LINK (symlinks) and GIT_FILEMODE_COMMIT (submodules) are skipped.
        }
    }

    func lookupCommit(_ id: String) throws(GitError) -> ObjectHandle {
        guard let oid = parseOID(id.lowercased()) else {
            throw GitError(
                code: .invalidArgument, message: "\(redactedURL): '\(id)' is not a full commit id",
                function: "lookupCommit")
        }
        do {
            return try ObjectHandle.lookup(repository, oid, GIT_OBJECT_COMMIT, context, what: "looking up commit in")
        } catch {
            throw GitError(
                code: .notFound, message: "\(redactedURL): commit \(id) is not in the cache (fetch first)",
                function: "git_object_lookup")
        }
    }

    func treeOf(_ commit: ObjectHandle) throws(GitError) -> ObjectHandle {
        try commit.peel(GIT_OBJECT_TREE, context, what: "reading tree in")
    }
}
