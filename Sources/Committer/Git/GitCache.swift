import Basics
internal import CGit2

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A bare repository cache for one remote URL, under `<stateDirectory>/git/<sha256-hex of URL>`;
/// reused across runs (incremental fetch, never a fresh clone per run).
///
/// All methods are synchronous and block on network and disk I/O: run them on a dedicated thread
/// (e.g. `NIOThreadPool` or a `DispatchQueue`), never on the Swift cooperative pool. An instance
/// wraps libgit2 objects, which are confined to one thread at a time, hence it is not `Sendable`.
/// Local layout: fetched branches under `refs/remotes/origin/*`, tags under `refs/tags/*`,
/// arbitrary `name` refs under `refs/imagebot/names/*`.
public final class GitCache {
    /// The cache directory (a bare repository).
    public let path: String
    /// The remote URL with any user info removed (safe to log).
    public let redactedURL: String
    /// Objects received by the last fetch (0 when nothing had to be transferred).
    public private(set) var lastFetchReceivedObjects = 0

    private let remoteURL: String
    private let credentials: GitCredentials
    private let connection: GitConnection
    private let repository: RepositoryHandle
    /// Held while this cache is in use, when no other one is; makes libgit2's leftover lock
    /// files safe to remove.
    private let cacheLock: CacheLock?
    private var secrets: [String] { credentials.secrets + connection.secrets }
    private var context: ErrorContext { ErrorContext(subject: redactedURL, secrets: secrets) }

    /// Opens (or creates) the cache for `remoteURL` below `stateDirectory`; remote operations
    /// go through `connection`'s proxy and stop at its timeout.
    public init(
        stateDirectory: String, remoteURL: String, credentials: GitCredentials, connection: GitConnection = GitConnection()
    ) throws(GitError) {
        self.remoteURL = remoteURL
        self.credentials = credentials
        self.connection = connection
        self.redactedURL = redactURL(remoteURL).masking(credentials.secrets + connection.secrets)
        let directory = stateDirectory + "/git/" + SHA256.hex(Array(remoteURL.utf8))
        self.path = directory
        do {
            try AtomicFile.createDirectories(directory)
        } catch {
            throw GitError(
                code: .invalidArgument, message: "cannot create cache directory \(directory) for \(redactedURL): \(error.message)",
                function: "createDirectory")
        }
        cacheLock = CacheLock(directory: directory)
        let isHTTP = remoteURL.hasPrefix("http://") || remoteURL.hasPrefix("https://")
        if isHTTP && connection.http == nil && !connection.needsHTTPClient.isEmpty {
            throw GitError(
                code: .invalidArgument,
                message: "\(redactedURL): \(connection.needsHTTPClient.joined(separator: ", ")) needs an HTTP client (libgit2's own HTTP cannot apply it)",
                function: "GitCache.init")
        }
        try check(smartHTTPRegistration, "git_transport_register", ErrorContext(subject: redactedURL, secrets: []), what: "registering the HTTP transport for")
        self.repository = try RepositoryHandle(bareAt: directory, context: ErrorContext(subject: redactedURL, secrets: credentials.secrets + connection.secrets))
    }

    // MARK: - Remote operations

    /// Remote ref listing only (ls-remote), for the "nothing changed" shortcut.
    /// Annotated tags map to the peeled commit when the server advertises it (`^{}`).
    public func remoteHeads() throws(GitError) -> [String: String] {
        let remote = try RemoteHandle(repository: repository, url: remoteURL, context: context)
        let session = RemoteSession(credentials: credentials, redactedURL: redactedURL, connection: connection)
        let binding = RemoteBinding(remote: remote, session: session)
        return try withExtendedLifetime(binding) { () throws(GitError) -> [String: String] in
            try connect(remote, session, direction: GIT_DIRECTION_FETCH, what: "listing refs of")
            defer { git_remote_disconnect(remote.pointer) }
            return try listHeads(remote, session)
        }
    }

    /// Fetches the given branches (and all tags when `tags`) into local refs
    /// (`refs/remotes/origin/<branch>`, `refs/tags/*`); returns the remote's ref → commit id.
    /// Only objects missing locally are transferred. A branch the remote lacks is a `.notFound` error.
    public func fetch(branches: [String], tags: Bool) throws(GitError) -> [String: String] {
        var refspecs: [String] = []
        for branch in branches {
            try validateRefName("refs/heads/" + branch, what: "branch '\(branch)'")
            refspecs.append("+refs/heads/\(branch):refs/remotes/origin/\(branch)")
        }
        if tags { refspecs.append("+refs/tags/*:refs/tags/*") }
        let required = branches.map { "refs/heads/" + $0 }
        return try fetch(refspecs: refspecs, required: required)
    }

    /// Fetches with explicit refspecs; `required` remote refs must exist (checked before download).
    func fetch(refspecs: [String], required: [String]) throws(GitError) -> [String: String] {
        let remote = try RemoteHandle(repository: repository, url: remoteURL, context: context)
        let session = RemoteSession(credentials: credentials, redactedURL: redactedURL, connection: connection)
        let binding = RemoteBinding(remote: remote, session: session)
        let headers = CStringArray(session.customHeaders)
        let specs = CStringArray(refspecs)
        return try withExtendedLifetime((binding, headers, specs)) { () throws(GitError) -> [String: String] in
            try connect(remote, session, direction: GIT_DIRECTION_FETCH, what: "fetching from", headers: headers)
            defer { git_remote_disconnect(remote.pointer) }
            let heads = try listHeads(remote, session)
            for ref in required where heads[ref] == nil {
                let short = ref.hasPrefix("refs/heads/") ? "branch '\(ref.dropFirst(11))'" : "ref '\(ref)'"
                throw GitError(code: .notFound, message: "fetching from \(redactedURL): remote has no \(short)", function: "fetch")
            }
            guard !refspecs.isEmpty else { return heads }
            var options = git_fetch_options()
            try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "git_fetch_options_init")
            options.callbacks = session.callbacks()
            options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
            options.custom_headers = headers.strarray
            var specArray = specs.strarray
            try checkRemote(git_remote_download(remote.pointer, &specArray, &options), "git_remote_download", session, what: "fetching from")
            lastFetchReceivedObjects = Int(git_remote_stats(remote.pointer)?.pointee.received_objects ?? 0)
            var callbacks = session.callbacks()
            try checkRemote(
                git_remote_update_tips(remote.pointer, &callbacks, 0, GIT_REMOTE_DOWNLOAD_TAGS_NONE, "imagebot: fetch"),
                "git_remote_update_tips", session, what: "updating refs from")
            return heads
        }
    }

    /// Pushes `commit` to `refs/heads/<branch>` (forced only when `force`), then pushes `refspec`
    /// when given. A non-fast-forward rejection is returned as an outcome, not thrown.
    /// Push options need a newer libgit2 (`git_push_options.remote_push_options`, 1.8): with libgit2 1.5 a non-empty
    /// `options` is an `.invalidArgument` error.
    public func push(_ commit: String, to branch: String, force: Bool, refspec: String?, options: [String: String]) throws(GitError) -> PushResult {
        guard options.isEmpty else {
            throw GitError(code: .invalidArgument, message: "pushing to \(redactedURL): push options are not supported by the linked libgit2 (1.5 lacks remote_push_options)", function: "push")
        }
        guard let oid = parseOID(commit) else {
            throw GitError(code: .invalidArgument, message: "pushing to \(redactedURL): '\(commit)' is not a full commit id", function: "push")
        }
        let target = "refs/heads/" + branch
        try validateRefName(target, what: "branch '\(branch)'")
        _ = try ObjectHandle.lookup(repository, oid, GIT_OBJECT_COMMIT, context, what: "pushing to")
        // libgit2 pushes from a local ref: like Flux, the cache's local branch is the push source
        // (`refs/heads/<branch>:refs/heads/<branch>`), so an extra refspec can name it too.
        try setReference(target, to: oid, message: "imagebot: push source")
        let result = try pushRefspec((force ? "+" : "") + "\(target):\(target)", remoteRef: target, newID: commit)
        if result.outcome != .rejectedNonFastForward {
            try setReference("refs/remotes/origin/" + branch, to: oid, message: "imagebot: pushed")
        }
        guard result.outcome != .rejectedNonFastForward, let refspec else { return result }
        let extraTarget = refspec.split(separator: ":").last.map(String.init) ?? refspec
        let extra = try pushRefspec(refspec, remoteRef: extraTarget, newID: nil)
        if extra.outcome == .rejectedNonFastForward {
            throw GitError(code: .pushRejected, message: "pushing \(refspec) to \(redactedURL): \(extra.message)", function: "git_remote_push")
        }
        return PushResult(outcome: result.outcome, message: result.message + "; " + extra.message)
    }

    private func pushRefspec(_ spec: String, remoteRef: String, newID: String?) throws(GitError) -> PushResult {
        let remote = try RemoteHandle(repository: repository, url: remoteURL, context: context)
        let session = RemoteSession(credentials: credentials, redactedURL: redactedURL, connection: connection)
        let binding = RemoteBinding(remote: remote, session: session)
        let headers = CStringArray(session.customHeaders)
        let specs = CStringArray([spec])
        return try withExtendedLifetime((binding, headers, specs)) { () throws(GitError) -> PushResult in
            var options = git_push_options()
            try check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "git_push_options_init")
            options.callbacks = session.callbacks()
            options.custom_headers = headers.strarray
            var specArray = specs.strarray
            let rc = git_remote_push(remote.pointer, &specArray, &options)
            if rc == GIT_ENONFASTFORWARD.rawValue {
                let cause = git_error_last()?.pointee.message.map { String(cString: $0) } ?? "non-fast-forward"
                return PushResult(outcome: .rejectedNonFastForward, message: "\(remoteRef) on \(redactedURL) rejected: \(cause.masking(secrets).replacingNewlines())")
            }
            try checkRemote(rc, "git_remote_push", session, what: "pushing to")
            if let status = session.pushStatuses[remoteRef] {
                let lower = status.lowercased()
                if lower.contains("non-fast-forward") || lower.contains("fetch first") || lower.contains("stale") || lower.contains("failed to update") || lower.contains("failed to lock") {
                    return PushResult(outcome: .rejectedNonFastForward, message: "\(remoteRef) on \(redactedURL) rejected: \(status)")
                }
                throw GitError(code: .pushRejected, message: "pushing \(remoteRef) to \(redactedURL): remote rejected: \(status.masking(secrets))", function: "git_remote_push")
            }
            if let update = session.negotiated[remoteRef] {
                if update.old == update.new {
                    return PushResult(outcome: .upToDate, message: "\(remoteRef) on \(redactedURL) already at \(update.new.prefix(12))")
                }
                return PushResult(outcome: .pushed, message: "\(remoteRef) on \(redactedURL): \(update.old.prefix(12)) → \(update.new.prefix(12))")
            }
            return PushResult(outcome: .upToDate, message: "\(remoteRef) on \(redactedURL) already at \(newID?.prefix(12) ?? "the pushed commit")")
        }
    }

    // MARK: - Resolving references

    /// Resolves a checkout reference to a commit id after fetching what it needs.
    /// Precedence: commit > name > tag > semver > branch (default `master`). For `semver` the
    /// built-in range language is small (see `resolve(_:semverMatches:)` to supply your own).
    public func resolve(_ reference: GitReference) throws(GitError) -> String {
        try resolve(reference, semverMatches: nil)
    }

    /// Like `resolve(_:)`, but semver ranges are decided by `semverMatches(range, version)` when given.
    public func resolve(_ reference: GitReference, semverMatches: ((String, TagVersion) -> Bool)?) throws(GitError) -> String {
        if let commit = reference.commit {
            guard let oid = parseOID(commit.lowercased()) else {
                throw GitError(code: .invalidArgument, message: "resolving commit on \(redactedURL): '\(commit)' is not a full 40-hex commit id", function: "resolve")
            }
            if (try? ObjectHandle.lookup(repository, oid, GIT_OBJECT_COMMIT, context, what: "")) == nil {
                if let branch = reference.branch {
                    _ = try fetch(branches: [branch], tags: false)
                } else {
                    _ = try fetch(refspecs: ["+refs/heads/*:refs/remotes/origin/*"], required: [])
                }
            }
            do {
                return hexString(try ObjectHandle.lookup(repository, oid, GIT_OBJECT_COMMIT, context, what: "resolving commit").id)
            } catch {
                throw GitError(code: .notFound, message: "resolving commit on \(redactedURL): commit \(commit) not found", function: "resolve")
            }
        }
        if let name = reference.name {
            try validateRefName(name, what: "ref '\(name)'")
            guard name.hasPrefix("refs/") else {
                throw GitError(code: .invalidArgument, message: "resolving ref on \(redactedURL): '\(name)' must start with refs/", function: "resolve")
            }
            let local = "refs/imagebot/names/" + name.dropFirst(5)
            _ = try fetch(refspecs: ["+\(name):\(local)"], required: [name])
            return try peeledCommit(local, what: "ref '\(name)'")
        }
        if let tag = reference.tag {
            try validateRefName("refs/tags/" + tag, what: "tag '\(tag)'")
            _ = try fetch(refspecs: ["+refs/tags/\(tag):refs/tags/\(tag)"], required: ["refs/tags/" + tag])
            return try peeledCommit("refs/tags/" + tag, what: "tag '\(tag)'")
        }
        if let range = reference.semver {
            let heads = try fetch(refspecs: ["+refs/tags/*:refs/tags/*"], required: [])
            let matcher: (TagVersion) -> Bool
            if let semverMatches {
                matcher = { semverMatches(range, $0) }
            } else {
                guard let parsed = SimpleVersionRange(range) else {
                    throw GitError(code: .invalidArgument, message: "resolving semver on \(redactedURL): unsupported range '\(range)'", function: "resolve")
                }
                matcher = parsed.contains
            }
            var best: (version: TagVersion, time: Int64, commit: String)?
            for ref in heads.keys where ref.hasPrefix("refs/tags/") {
                guard let version = TagVersion(String(ref.dropFirst(10))), matcher(version) else { continue }
                // Tags of trees/blobs (or ones that failed to fetch) cannot be checked out: skip them.
                guard let commit = try? peeledCommitObject(ref, what: "tag '\(ref.dropFirst(10))'") else { continue }
                let time = Int64(git_commit_time(commit.pointer))
                if let current = best, (current.version, current.time) >= (version, time) { continue }
                best = (version, time, hexString(commit.id))
            }
            guard let best else {
                throw GitError(code: .notFound, message: "resolving semver on \(redactedURL): no match found for semver: \(range)", function: "resolve")
            }
            return best.commit
        }
        let branch = reference.branch ?? "master"
        let heads = try fetch(branches: [branch], tags: false)
        guard let id = heads["refs/heads/" + branch] else {
            throw GitError(code: .notFound, message: "fetching from \(redactedURL): remote has no branch '\(branch)'", function: "resolve")
        }
        return id
    }

    // MARK: - Reading files

    /// Regular files (not symlinks, not submodules) under `path` in commit `commit` whose relative
    /// paths pass `include`; returns paths relative to `path` with their bytes, sorted by path.
    /// `path` must be relative without `.`/`..` components, and must not pass through a symlink
    /// in the tree; `""` or `"."` means the repository root.
    public func files(in commit: String, under path: String, include: (String) -> Bool) throws(GitError) -> [(path: String, bytes: [UInt8])] {
        let components = try safeComponents(path, allowRoot: true)
        let commitObject = try lookupCommit(commit)
        var tree = try treeOf(commitObject)
        var walked: [String] = []
        for component in components {
            walked.append(component)
            guard let entry = git_tree_entry_byname(tree.pointer, component) else {
                throw GitError(code: .notFound, message: "reading \(redactedURL)@\(commit.prefix(12)): path '\(walked.joined(separator: "/"))' does not exist", function: "files")
            }
            let mode = git_tree_entry_filemode(entry)
            guard mode == GIT_FILEMODE_TREE else {
                let kind = mode == GIT_FILEMODE_LINK ? "a symlink" : "not a directory"
                throw GitError(code: .invalidPath, message: "reading \(redactedURL)@\(commit.prefix(12)): path '\(walked.joined(separator: "/"))' is \(kind)", function: "files")
            }
            var out: OpaquePointer?
            try check(git_tree_entry_to_object(&out, repository.pointer, entry), "git_tree_entry_to_object", context, what: "reading")
            guard let out else { throw GitError(code: .notFound, message: "reading \(redactedURL): missing tree", function: "files") }
            tree = ObjectHandle(repository: repository, pointer: out)
        }
        var result: [(path: String, bytes: [UInt8])] = []
        try collect(tree, prefix: "", include: include, into: &result)
        return result.sorted { $0.path < $1.path }
    }

    private func collect(_ tree: ObjectHandle, prefix: String, include: (String) -> Bool, into result: inout [(path: String, bytes: [UInt8])]) throws(GitError) {
        let count = git_tree_entrycount(tree.pointer)
        for i in 0..<count {
            guard let entry = git_tree_entry_byindex(tree.pointer, i), let rawName = git_tree_entry_name(entry) else { continue }
            let name = String(cString: rawName)
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            let mode = git_tree_entry_filemode(entry)
            if mode == GIT_FILEMODE_TREE {
                var out: OpaquePointer?
                try check(git_tree_entry_to_object(&out, repository.pointer, entry), "git_tree_entry_to_object", context, what: "reading")
                guard let out else { continue }
                try collect(ObjectHandle(repository: repository, pointer: out), prefix: relative, include: include, into: &result)
            } else if mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE {
                guard include(relative) else { continue }
                var out: OpaquePointer?
                try check(git_tree_entry_to_object(&out, repository.pointer, entry), "git_tree_entry_to_object", context, what: "reading")
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

    // MARK: - Committing

    /// A new commit on top of `parent` replacing the given files (paths relative to the repo root),
    /// built with `git_tree_create_updated` (no working tree, no index). Existing files keep their
    /// mode (executable stays executable); new files are `100644`; all other entries are untouched.
    /// Replacing a symlink, directory or submodule is an `.invalidPath` error.
    /// When the resulting tree equals the parent's, no commit is made and `parent` is returned.
    /// With a `signer`, the commit carries its signature in the `gpgsig` header.
    public func commit(parent: String, replacing: [String: [UInt8]], author: GitSignature, message: String, signer: (any CommitSigner)?) throws(GitError) -> String {
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
                    throw GitError(code: .invalidPath, message: "committing to \(redactedURL): '\(clean)' is not a regular file", function: "commit")
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
            try check(git_tree_create_updated(&treeID, repository.pointer, baseTree.pointer, cUpdates.count, &cUpdates), "git_tree_create_updated", context, what: "committing to")
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
            try check(git_commit_create_buffer(&buffer, repository.pointer, signature.pointer, signature.pointer, nil, message, newTree.pointer, 1, &parents), "git_commit_create_buffer", context, what: "committing to")
            let content: [UInt8] = buffer.ptr.map { Array(UnsafeRawBufferPointer(start: $0, count: buffer.size)) } ?? []
            let armoured: String
            do {
                armoured = try signer.sign(content)
            } catch {
                throw GitError(code: .signing, message: "signing commit for \(redactedURL): \(String(describing: error).masking(secrets).replacingNewlines())", function: "CommitSigner.sign")
            }
            let text = String(decoding: content, as: UTF8.self)
            try check(git_commit_create_with_signature(&commitID, repository.pointer, text, armoured, nil), "git_commit_create_with_signature", context, what: "committing to")
        } else {
            try check(git_commit_create(&commitID, repository.pointer, nil, signature.pointer, signature.pointer, nil, message, newTree.pointer, 1, &parents), "git_commit_create", context, what: "committing to")
        }
        return hexString(commitID)
    }

    // MARK: - Helpers

    private func connect(_ remote: RemoteHandle, _ session: RemoteSession, direction: git_direction, what: String, headers: CStringArray? = nil) throws(GitError) {
        let ownHeaders = headers ?? CStringArray(session.customHeaders)
        try withExtendedLifetime(ownHeaders) { () throws(GitError) in
            var options = git_remote_connect_options()
            try check(git_remote_connect_options_init(&options, UInt32(GIT_REMOTE_CONNECT_OPTIONS_VERSION)), "git_remote_connect_options_init")
            options.callbacks = session.callbacks()
            options.custom_headers = ownHeaders.strarray
            try checkRemote(git_remote_connect_ext(remote.pointer, direction, &options), "git_remote_connect_ext", session, what: what)
        }
    }

    /// Like `check`, but classifies failures using what the callbacks recorded.
    private func checkRemote(_ rc: Int32, _ function: String, _ session: RemoteSession, what: String) throws(GitError) {
        guard rc < 0 else { return }
        var error = lastError(rc, function, context, what: what)
        if let code = session.failureCode {
            error.code = code
        } else if session.timedOut {
            error.code = .timeout
        } else if session.hostKeyRefusal != nil {
            error.code = .certificate
        } else if session.authenticationRejected || rc == GIT_EAUTH.rawValue {
            error.code = .authentication
        }
        throw error
    }

    private func listHeads(_ remote: RemoteHandle, _ session: RemoteSession) throws(GitError) -> [String: String] {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try checkRemote(git_remote_ls(&heads, &count, remote.pointer), "git_remote_ls", session, what: "listing refs of")
        var result: [String: String] = [:]
        var peeled: [String: String] = [:]
        for i in 0..<count {
            guard let head = heads?[i], let rawName = head.pointee.name else { continue }
            let name = String(cString: rawName)
            let id = hexString(head.pointee.oid)
            if name.hasSuffix("^{}") { peeled[String(name.dropLast(3))] = id } else { result[name] = id }
        }
        for (name, id) in peeled { result[name] = id }
        return result
    }

    private func validateRefName(_ name: String, what: String) throws(GitError) {
        var valid: Int32 = 0
        try check(git_reference_name_is_valid(&valid, name), "git_reference_name_is_valid")
        guard valid != 0 else {
            throw GitError(code: .invalidArgument, message: "\(redactedURL): invalid \(what)", function: "git_reference_name_is_valid")
        }
    }

    private func setReference(_ name: String, to oid: git_oid, message: String) throws(GitError) {
        var oid = oid
        var out: OpaquePointer?
        try check(git_reference_create(&out, repository.pointer, name, &oid, 1, message), "git_reference_create", context, what: "updating \(name) for")
        git_reference_free(out)
    }

    private func peeledCommitObject(_ refName: String, what: String) throws(GitError) -> ObjectHandle {
        var oid = git_oid()
        try check(git_reference_name_to_id(&oid, repository.pointer, refName), "git_reference_name_to_id", context, what: "resolving \(what) on")
        let object = try ObjectHandle.lookup(repository, oid, GIT_OBJECT_ANY, context, what: "resolving \(what) on")
        return try object.peel(GIT_OBJECT_COMMIT, context, what: "resolving \(what) on")
    }

    private func peeledCommit(_ refName: String, what: String) throws(GitError) -> String {
        hexString(try peeledCommitObject(refName, what: what).id)
    }

    private func lookupCommit(_ id: String) throws(GitError) -> ObjectHandle {
        guard let oid = parseOID(id.lowercased()) else {
            throw GitError(code: .invalidArgument, message: "\(redactedURL): '\(id)' is not a full commit id", function: "lookupCommit")
        }
        do {
            return try ObjectHandle.lookup(repository, oid, GIT_OBJECT_COMMIT, context, what: "looking up commit in")
        } catch {
            throw GitError(code: .notFound, message: "\(redactedURL): commit \(id) is not in the cache (fetch first)", function: "git_object_lookup")
        }
    }

    private func treeOf(_ commit: ObjectHandle) throws(GitError) -> ObjectHandle {
        try commit.peel(GIT_OBJECT_TREE, context, what: "reading tree in")
    }

    /// Splits a repository-relative path into safe components: no absolute paths, no `.`/`..`,
    /// no empty components, no NUL or backslash, no `.git` component.
    func safeComponents(_ path: String, allowRoot: Bool) throws(GitError) -> [String] {
        if allowRoot && (path.isEmpty || path == "." || path == "./") { return [] }
        func bad(_ why: String) -> GitError {
            GitError(code: .invalidPath, message: "\(redactedURL): unsafe path '\(path.replacingNewlines())': \(why)", function: "safeComponents")
        }
        guard !path.hasPrefix("/") else { throw bad("absolute paths are not allowed") }
        guard !path.utf8.contains(0), !path.contains("\\") else { throw bad("invalid character") }
        var trimmed = Substring(path)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var result: [String] = []
        for part in parts {
            if part.isEmpty { throw bad("empty path component") }
            if part == ".." { throw bad("'..' is not allowed") }
            if part == "." { throw bad("'.' is not allowed") }
            if part.lowercased() == ".git" { throw bad("'.git' is not allowed") }
            result.append(part)
        }
        guard !result.isEmpty else { throw bad("empty path") }
        return result
    }
}

@available(*, unavailable)
extension GitCache: Sendable {}
