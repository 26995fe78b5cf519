import Foundation
import Testing

@testable import Committer

/// A process killed during a ref update leaves libgit2's `<ref>.lock` behind; the next cache
/// that has the directory to itself removes it instead of failing every fetch from then on.
@Suite("stale lock files in the Git cache")
struct CacheLockTests {
    @Test func aLeftoverRefLockIsRemovedWhenNoOtherCacheIsInUse() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, work) = try box.makeRemote()
        let url = "file://" + bare
        let path: String
        do {
            let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: url, credentials: .none)
            _ = try cache.fetch(branches: ["main"], tags: false)
            path = cache.path
        }
        // What a SIGKILL inside git_remote_update_tips leaves.
        #expect(
            FileManager.default.createFile(atPath: path + "/refs/remotes/origin/main.lock", contents: Data("x".utf8)))
        let newTip = try box.otherWriterPushes(work: work, file: "deploy/values.yaml", text: "tag: 9.9.9\n")
        let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: url, credentials: .none)
        #expect(try cache.fetch(branches: ["main"], tags: false)["refs/heads/main"] == newTip)
        #expect(!FileManager.default.fileExists(atPath: path + "/refs/remotes/origin/main.lock"))

        // While that cache is in use, a second one on the directory leaves lock files alone.
        #expect(
            FileManager.default.createFile(atPath: path + "/refs/remotes/origin/other.lock", contents: Data("x".utf8)))
        let second = try GitCache(stateDirectory: box.root + "/state", remoteURL: url, credentials: .none)
        #expect(FileManager.default.fileExists(atPath: path + "/refs/remotes/origin/other.lock"))
        withExtendedLifetime((cache, second)) {}
    }
}
