import Basics
internal import CGit2

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Remote operations: ls-remote, fetch, push (each its own libgit2 remote and session).
extension GitCache {
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
                throw GitError(
                    code: .notFound, message: "fetching from \(redactedURL): remote has no \(short)", function: "fetch")
            }
            guard !refspecs.isEmpty else { return heads }
            var options = git_fetch_options()
            try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "git_fetch_options_init")
            options.callbacks = session.callbacks()
            options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
            options.custom_headers = headers.strarray
            var specArray = specs.strarray
            try checkRemote(
                git_remote_download(remote.pointer, &specArray, &options), "git_remote_download", session,
                what: "fetching from")
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
    public func push(_ commit: String, to branch: String, force: Bool, refspec: String?, options: [String: String])
        throws(GitError) -> PushResult
    {
        guard options.isEmpty else {
            throw GitError(
                code: .invalidArgument,
                message:
                    "pushing to \(redactedURL): push options are not supported by the linked libgit2 (1.5 lacks remote_push_options)",
                function: "push")
        }
        guard let oid = parseOID(commit) else {
            throw GitError(
                code: .invalidArgument, message: "pushing to \(redactedURL): '\(commit)' is not a full commit id",
                function: "push")
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
            throw GitError(
                code: .pushRejected, message: "pushing \(refspec) to \(redactedURL): \(extra.message)",
                function: "git_remote_push")
        }
        return PushResult(outcome: result.outcome, message: result.message + "; " + extra.message)
    }

    private func pushRefspec(_ spec: String, remoteRef: String, newID: String?) throws(GitError) -> PushResult {
        let remote = try RemoteHandle(repository: repository, url: remoteURL, context: context)
        let session = RemoteSession(credentials: credentials, redactedURL: redactedURL, connection: connection)
        let binding = RemoteBinding(remote: remote, session: session)
        let headers = CStringArray(session.customHeaders)
        let specs = CStringArray([spec])
        let localLock = LocalPushLock.acquire(remoteURL: remoteURL)  // held until the ref is written
        return try withExtendedLifetime((binding, headers, specs, localLock)) { () throws(GitError) -> PushResult in
            var options = git_push_options()
            try check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "git_push_options_init")
            options.callbacks = session.callbacks()
            options.custom_headers = headers.strarray
            var specArray = specs.strarray
            let rc = git_remote_push(remote.pointer, &specArray, &options)
            if rc == GIT_ENONFASTFORWARD.rawValue {
                let cause = git_error_last()?.pointee.message.map { String(cString: $0) } ?? "non-fast-forward"
                return PushResult(
                    outcome: .rejectedNonFastForward,
                    message: "\(remoteRef) on \(redactedURL) rejected: \(cause.masking(secrets).replacingNewlines())")
            }
            try checkRemote(rc, "git_remote_push", session, what: "pushing to")
            if let status = session.pushStatuses[remoteRef] {
                let lower = status.lowercased()
                if lower.contains("non-fast-forward") || lower.contains("fetch first") || lower.contains("stale")
                    || lower.contains("failed to update") || lower.contains("failed to lock")
                {
                    return PushResult(
                        outcome: .rejectedNonFastForward, message: "\(remoteRef) on \(redactedURL) rejected: \(status)")
                }
                throw GitError(
                    code: .pushRejected,
                    message: "pushing \(remoteRef) to \(redactedURL): remote rejected: \(status.masking(secrets))",
                    function: "git_remote_push")
            }
            if let update = session.negotiated[remoteRef] {
                if update.old == update.new {
                    return PushResult(
                        outcome: .upToDate,
                        message: "\(remoteRef) on \(redactedURL) already at \(update.new.prefix(12))")
                }
                return PushResult(
                    outcome: .pushed,
                    message: "\(remoteRef) on \(redactedURL): \(update.old.prefix(12)) → \(update.new.prefix(12))")
            }
            return PushResult(
                outcome: .upToDate,
                message: "\(remoteRef) on \(redactedURL) already at \(newID?.prefix(12) ?? "the pushed commit")")
        }
    }

    func connect(
        _ remote: RemoteHandle, _ session: RemoteSession, direction: git_direction, what: String,
        headers: CStringArray? = nil
    ) throws(GitError) {
        let ownHeaders = headers ?? CStringArray(session.customHeaders)
        try withExtendedLifetime(ownHeaders) { () throws(GitError) in
            var options = git_remote_connect_options()
            try check(
                git_remote_connect_options_init(&options, UInt32(GIT_REMOTE_CONNECT_OPTIONS_VERSION)),
                "git_remote_connect_options_init")
            options.callbacks = session.callbacks()
            options.custom_headers = ownHeaders.strarray
            try checkRemote(
                git_remote_connect_ext(remote.pointer, direction, &options), "git_remote_connect_ext", session,
                what: what)
        }
    }

    /// Like `check`, but classifies failures using what the callbacks recorded.
    func checkRemote(_ rc: Int32, _ function: String, _ session: RemoteSession, what: String) throws(GitError) {
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

    func listHeads(_ remote: RemoteHandle, _ session: RemoteSession) throws(GitError) -> [String: String] {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try checkRemote(
            git_remote_ls(&heads, &count, remote.pointer), "git_remote_ls", session, what: "listing refs of")
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

    func setReference(_ name: String, to oid: git_oid, message: String) throws(GitError) {
        var oid = oid
        var out: OpaquePointer?
        try check(
            git_reference_create(&out, repository.pointer, name, &oid, 1, message), "git_reference_create", context,
            what: "updating \(name) for")
        git_reference_free(out)
    }
}
