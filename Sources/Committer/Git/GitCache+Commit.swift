import Basics
internal import CGit2

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Building commits from a parent's tree (no working tree, no index).
extension GitCache {
    /// A new commit on top of `parent` replacing the given files (paths relative to the repo root),
    /// built with `git_tree_create_updated` (no working tree, no index). Existing files keep their
    /// mode (executable stays executable); new files are `100644`; all other entries are untouched.
    /// Replacing a symlink, directory or submodule is an `.invalidPath` error.
    /// When the resulting tree equals the parent's, no commit is made and `parent` is returned.
    /// With a `signer`, the commit carries its signature in the `gpgsig` header.
    public func commit(
        parent: String, replacing: [String: [UInt8]], author: GitSignature, message: String, signer: (any CommitSigner)?
    ) throws(GitError) -> String {
        let parentCommit = try lookupCommit(parent)
        let baseTree = try treeOf(parentCommit)
        var updates: [(path: String, oid: git_oid, mode: git_filemode_t)] = []
        for (path, bytes) in replacing.sorted(by: { $0.key < $1.key }) {
            let components = try safeComponents(path, allowRoot: false)
            let clean = components.joined(separator: "/")
            var mode = GIT_FILEMODE_BLOB
            var existing: OpaquePointer?
            let rc = git_tree_entry_bypath(&existing, baseTree.pointer, clean)
            if rc == 0, let existing {
                let entry = TreeEntryHandle(tree: baseTree, pointer: existing)
                let current = git_tree_entry_filemode(entry.pointer)
                guard current == GIT_FILEMODE_BLOB || current == GIT_FILEMODE_BLOB_EXECUTABLE else {
                    throw GitError(
                        code: .invalidPath, message: "committing to \(redactedURL): '\(clean)' is not a regular file",
                        function: "commit")
                }
                mode = current
            } else if rc != GIT_ENOTFOUND.rawValue {
                try check(rc, "git_tree_entry_bypath", context, what: "committing to")
            }
            var oid = git_oid()
            let blobRC = bytes.withUnsafeBytes { buffer in
                git_blob_create_from_buffer(&oid, repository.pointer, buffer.baseAddress, buffer.count)
            }
            try check(blobRC, "git_blob_create_from_buffer", context, what: "committing to")
            updates.append((clean, oid, mode))
        }
        let paths = CStringArray(updates.map(\.path))
        var treeID = git_oid()
        try withExtendedLifetime(paths) { () throws(GitError) in
            let pathArray = paths.strarray
            var cUpdates: [git_tree_update] = updates.enumerated().map { index, update in
                var u = git_tree_update()
                u.action = GIT_TREE_UPDATE_UPSERT
                u.id = update.oid
                u.filemode = update.mode
                u.path = UnsafePointer(pathArray.strings[index])
                return u
            }
            try check(
                git_tree_create_updated(&treeID, repository.pointer, baseTree.pointer, cUpdates.count, &cUpdates),
                "git_tree_create_updated", context, what: "committing to")
        }
        var baseID = baseTree.id
        if git_oid_equal(&treeID, &baseID) != 0 { return hexString(parentCommit.id) }
        let newTree = try ObjectHandle.lookup(repository, treeID, GIT_OBJECT_TREE, context, what: "committing to")
        let signature = try SignatureHandle(author, context: context)
        var parents: [OpaquePointer?] = [parentCommit.pointer]
        var commitID = git_oid()
        if let signer {
            var buffer = git_buf()
            defer { git_buf_dispose(&buffer) }
            try check(
                git_commit_create_buffer(
                    &buffer, repository.pointer, signature.pointer, signature.pointer, nil, message, newTree.pointer, 1,
                    &parents), "git_commit_create_buffer", context, what: "committing to")
            let content: [UInt8] = buffer.ptr.map { Array(UnsafeRawBufferPointer(start: $0, count: buffer.size)) } ?? []
            let armoured: String
            do {
                armoured = try signer.sign(content)
            } catch {
                throw GitError(
                    code: .signing,
                    message:
                        "signing commit for \(redactedURL): \(String(describing: error).masking(secrets).replacingNewlines())",
                    function: "CommitSigner.sign")
            }
            let text = String(decoding: content, as: UTF8.self)
            try check(
                git_commit_create_with_signature(&commitID, repository.pointer, text, armoured, nil),
                "git_commit_create_with_signature", context, what: "committing to")
        } else {
            try check(
                git_commit_create(
                    &commitID, repository.pointer, nil, signature.pointer, signature.pointer, nil, message,
                    newTree.pointer, 1, &parents), "git_commit_create", context, what: "committing to")
        }
        return hexString(commitID)
    }
}
