import Basics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Path safety for the paths read and written in a tree.
extension GitCache {
    /// Splits a repository-relative path into safe components: no absolute paths, no `.`/`..`,
    /// no empty components, no NUL or backslash, no `.git` component.
    func safeComponents(_ path: String, allowRoot: Bool) throws(GitError) -> [String] {
        if allowRoot && (path.isEmpty || path == "." || path == "./") { return [] }
        func bad(_ why: String) -> GitError {
            GitError(
                code: .invalidPath, message: "\(redactedURL): unsafe path '\(path.replacingNewlines())': \(why)",
                function: "safeComponents")
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
