import Basics
internal import CGit2

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Checkout references to commits (Flux's precedence), and the tags a semver range chooses from.
extension GitCache {
    /// Resolves a checkout reference to a commit id after fetching what it needs.
    /// Precedence: commit > name > tag > semver > branch (default `master`). A `semver` range
    /// is decided by `chooseTag(range, tags)` over every tag that points (peeled) at a commit;
    /// Committer knows no version rules, so without `chooseTag` a semver reference is an
    /// `.invalidArgument` error.
    public func resolve(
        _ reference: GitReference, chooseTag: ((_ range: String, _ tags: [GitTag]) -> GitTag?)? = nil
    ) throws(GitError) -> String {
        if let commit = reference.commit {
            guard let oid = parseOID(commit.lowercased()) else {
                throw GitError(
                    code: .invalidArgument,
                    message: "resolving commit on \(redactedURL): '\(commit)' is not a full 40-hex commit id",
                    function: "resolve")
            }
            if (try? ObjectHandle.lookup(repository, oid, GIT_OBJECT_COMMIT, context, what: "")) == nil {
                if let branch = reference.branch {
                    _ = try fetch(branches: [branch], tags: false)
                } else {
                    _ = try fetch(refspecs: ["+refs/heads/*:refs/remotes/origin/*"], required: [])
                }
            }
            do {
                return hexString(
                    try ObjectHandle.lookup(repository, oid, GIT_OBJECT_COMMIT, context, what: "resolving commit").id)
            } catch {
                throw GitError(
                    code: .notFound, message: "resolving commit on \(redactedURL): commit \(commit) not found",
                    function: "resolve")
            }
        }
        if let name = reference.name {
            try validateRefName(name, what: "ref '\(name)'")
            guard name.hasPrefix("refs/") else {
                throw GitError(
                    code: .invalidArgument, message: "resolving ref on \(redactedURL): '\(name)' must start with refs/",
                    function: "resolve")
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
            guard let chooseTag else {
                throw GitError(
                    code: .invalidArgument,
                    message: "resolving semver on \(redactedURL): no version rules to choose a tag with",
                    function: "resolve")
            }
            guard let chosen = chooseTag(range, try tags()) else {
                throw GitError(
                    code: .notFound, message: "resolving semver on \(redactedURL): no match found for semver: \(range)",
                    function: "resolve")
            }
            return chosen.commit
        }
        let branch = reference.branch ?? "master"
        let heads = try fetch(branches: [branch], tags: false)
        guard let id = heads["refs/heads/" + branch] else {
            throw GitError(
                code: .notFound, message: "fetching from \(redactedURL): remote has no branch '\(branch)'",
                function: "resolve")
        }
        return id
    }

    func validateRefName(_ name: String, what: String) throws(GitError) {
        var valid: Int32 = 0
        try check(git_reference_name_is_valid(&valid, name), "git_reference_name_is_valid")
        guard valid != 0 else {
            throw GitError(
                code: .invalidArgument, message: "\(redactedURL): invalid \(what)",
                function: "git_reference_name_is_valid")
        }
    }

    /// Every tag of the remote with the commit it points to (annotated tags peeled) and that
    /// commit's time, sorted by name, after fetching them all. Tags of trees or blobs (or ones
    /// that failed to fetch) cannot be checked out and are left out.
    public func tags() throws(GitError) -> [GitTag] {
        let heads = try fetch(refspecs: ["+refs/tags/*:refs/tags/*"], required: [])
        var tags: [GitTag] = []
        for ref in heads.keys where ref.hasPrefix("refs/tags/") {
            let name = String(ref.dropFirst(10))
            guard let commit = try? peeledCommitObject(ref, what: "tag '\(name)'") else { continue }
            tags.append(GitTag(name: name, commit: hexString(commit.id), time: Int64(git_commit_time(commit.pointer))))
        }
        return tags.sorted { $0.name < $1.name }
    }

    func peeledCommitObject(_ refName: String, what: String) throws(GitError) -> ObjectHandle {
        var oid = git_oid()
        try check(
            git_reference_name_to_id(&oid, repository.pointer, refName), "git_reference_name_to_id", context,
            what: "resolving \(what) on")
        let object = try ObjectHandle.lookup(repository, oid, GIT_OBJECT_ANY, context, what: "resolving \(what) on")
        return try object.peel(GIT_OBJECT_COMMIT, context, what: "resolving \(what) on")
    }

    func peeledCommit(_ refName: String, what: String) throws(GitError) -> String {
        hexString(try peeledCommitObject(refName, what: what).id)
    }
}
