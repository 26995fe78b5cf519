#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Pushes to one local (`file://` or path) remote, one at a time across threads and processes.
///
/// libgit2 1.5's local transport checks fast-forward against the head the remote advertised and
/// then writes the ref without comparing it again, so writers that started from the same head
/// each "succeeded" and all but the last commit were lost. Holding an advisory `flock` on
/// `<remote git dir>/imagebot-push.lock` from connecting to writing makes the next writer see
/// the new head and be refused as non-fast-forward (and imagebot retries on top of it). Other
/// Git clients push through `git receive-pack`, which compares and swaps by itself.
enum LocalPushLock {
    /// Waits for the lock of the repository `remoteURL` names; nil for a remote that is not a
    /// local repository (or one whose directory cannot hold the lock file).
    static func acquire(remoteURL: String) -> FileLock? {
        guard let directory = gitDirectory(of: remoteURL) else { return nil }
        return FileLock(path: directory + "/imagebot-push.lock", wait: true)
    }

    /// The Git directory of a local remote: `file:///x/repo.git` or `/x/repo` (its `.git` if it
    /// has a work tree).
    static func gitDirectory(of remoteURL: String) -> String? {
        let path: String
        if remoteURL.hasPrefix("file://") {
            path = String(remoteURL.dropFirst("file://".count))
        } else if remoteURL.hasPrefix("/") {
            path = remoteURL
        } else {
            return nil
        }
        if isDirectory(path + "/.git") { return path + "/.git" }
        return isDirectory(path) ? path : nil
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
