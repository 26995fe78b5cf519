#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Exclusive use of one cache directory: an advisory `flock` on `<cache>/imagebot.lock`, held
/// for a `GitCache`'s lifetime and released by the kernel when the process dies. Holding it
/// proves no other imagebot is inside the cache, so `*.lock` files libgit2 left there are from a
/// process that was killed mid-update (a SIGKILL during a ref update leaves
/// `refs/remotes/origin/<branch>.lock`, and every later fetch would fail on it): they are removed.
/// Never waits: when another `GitCache` of the same directory (another thread or process) holds
/// it, nil — that one may be mid-update, so its lock files are left alone and this cache is used
/// as before (libgit2's own lock files still guard each ref update).
final class CacheLock {
    private let lock: FileLock

    init?(directory: String) {
        guard let lock = FileLock(path: directory + "/imagebot.lock", wait: false) else { return nil }
        self.lock = lock
        Self.removeStaleLocks(in: directory)
    }

    /// libgit2's lock files under `refs/` and at the top (`packed-refs.lock`, `HEAD.lock`, …).
    private static func removeStaleLocks(in directory: String) {
        let manager = FileManager.default
        let top = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        let refs = ((try? manager.subpathsOfDirectory(atPath: directory + "/refs")) ?? []).map { "refs/" + $0 }
        for path in top + refs where path.hasSuffix(".lock") && path != "imagebot.lock" {
            unlink(directory + "/" + path)
        }
    }
}
