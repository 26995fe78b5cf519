import Foundation
import Synchronization
import Testing

@testable import Committer

@Suite("GitCache over file:// remotes")
struct GitLocalTests {
    @Test func fetchIsIncrementalAndReturnsRemoteRefs() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        // libgit2 1.5's local (file://) transport re-packs the whole history of every *annotated*
        // tag the remote advertises on each download, so this remote only has lightweight tags;
        // the HTTP test covers incremental fetch with annotated tags through real negotiation.
        let (bare, work) = try box.makeRemote(annotatedTag: false)
        let url = "file://" + bare
        let mainTip = try box.git(["rev-parse", "main"], in: bare)

        let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: url, credentials: .none)
        #expect(cache.path.hasPrefix(box.root + "/state/git/"))
        #expect(cache.path.split(separator: "/").last?.count == 64)
        let refs = try cache.fetch(branches: ["main"], tags: false)
        #expect(refs["refs/heads/main"] == mainTip)
        #expect(try box.git(["rev-parse", "refs/remotes/origin/main"], in: cache.path) == mainTip)
        let first = cache.lastFetchReceivedObjects
        #expect(first >= 8)

        // Nothing new: nothing transferred.
        _ = try cache.fetch(branches: ["main"], tags: false)
        #expect(cache.lastFetchReceivedObjects == 0)

        // One new commit touching one file: commit + root tree + deploy tree + blob.
        let newTip = try box.otherWriterPushes(work: work, file: "deploy/values.yaml", text: "tag: 9.9.9\n")
        // A new cache object on the same state directory reuses the same bare repository.
        let again = try GitCache(stateDirectory: box.root + "/state", remoteURL: url, credentials: .none)
        #expect(again.path == cache.path)
        let refs2 = try again.fetch(branches: ["main"], tags: false)
        #expect(refs2["refs/heads/main"] == newTip)
        #expect(
            again.lastFetchReceivedObjects > 0 && again.lastFetchReceivedObjects <= 4,
            "received \(again.lastFetchReceivedObjects) of first \(first)")
        #expect(try again.remoteHeads()["refs/heads/main"] == newTip)
    }

    /// The GitRepository's URL is used as written: a `url.*.insteadOf` in git config does not
    /// redirect it (and libgit2 1.5's insteadOf matching leaked memory on every remote).
    @Test func insteadOfRewritesAreNotApplied() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: "file://" + bare, credentials: .none)
        try box.git(["config", "url.file:///nonexistent/redirect.git.insteadOf", "file://" + bare], in: cache.path)
        let heads = try cache.fetch(branches: ["main"], tags: false)
        #expect(heads["refs/heads/main"] != nil, "fetched from the URL as written")
    }

    @Test func resolvesReferencesWithFluxPrecedence() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: "file://" + bare, credentials: .none)
        let main = try box.git(["rev-parse", "main"], in: bare)
        let v100 = try box.git(["rev-parse", "v1.0.0^{commit}"], in: bare)
        func tagTime(_ commit: String) throws -> Int64 {
            Int64(try box.git(["show", "-s", "--format=%ct", commit], in: bare)) ?? -1
        }

        #expect(try cache.resolve(GitReference(branch: "main")) == main)
        #expect(try cache.resolve(GitReference(tag: "v1.0.0")) == v100)  // annotated tag peeled
        #expect(try cache.resolve(GitReference(tag: "v1.1.0")) == main)  // lightweight
        #expect(try cache.resolve(GitReference(name: "refs/heads/main")) == main)
        // Committer lists the tags; the caller chooses (Automation with Policy's semver:
        // AutomationTests' SemverCheckoutTests hold the range cases that were here).
        #expect(
            try cache.resolve(GitReference(semver: "*"), chooseTag: { _, tags in tags.first { $0.name == "v1.0.0" } })
                == v100)
        #expect(
            try cache.tags() == [
                GitTag(name: "v1.0.0", commit: v100, time: try tagTime(v100)),
                GitTag(name: "v1.1.0", commit: main, time: try tagTime(main)),
            ])
        // Precedence: commit > name > tag > semver > branch.
        #expect(try cache.resolve(GitReference(branch: "main", tag: "v1.0.0")) == v100)
        #expect(try cache.resolve(GitReference(branch: "main", tag: "v1.1.0", name: "refs/tags/v1.0.0")) == v100)
        #expect(try cache.resolve(GitReference(branch: "main", tag: "v1.1.0", commit: v100)) == v100)

        let noSemver = #expect(throws: GitError.self) {
            try cache.resolve(GitReference(semver: ">=5.0.0"), chooseTag: { _, _ in nil })
        }
        #expect(noSemver?.message.contains("no match found for semver: >=5.0.0") == true)
        let noRules = #expect(throws: GitError.self) { try cache.resolve(GitReference(semver: ">=1.0.0")) }
        #expect(noRules?.code == .invalidArgument)
        let noTag = #expect(throws: GitError.self) { try cache.resolve(GitReference(tag: "v7")) }
        #expect(noTag?.code == .notFound)
        // Default branch is master, which this remote lacks.
        let noMaster = #expect(throws: GitError.self) { try cache.resolve(GitReference()) }
        #expect(noMaster?.code == .notFound)
        #expect(noMaster?.message.contains("branch 'master'") == true)
        #expect(noMaster?.message.contains(bare) == true)
    }

    @Test func filesUsesSafePathsAndSkipsSymlinks() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: "file://" + bare, credentials: .none)
        let tip = try cache.resolve(GitReference(branch: "main"))

        let yaml = try cache.files(in: tip, under: "deploy", include: { $0.hasSuffix(".yaml") })
        #expect(yaml.map(\.path) == ["app.yaml", "values.yaml"])
        #expect(String(decoding: yaml[1].bytes, as: UTF8.self) == "tag: 1.1.0\n")
        let all = try cache.files(in: tip, under: "", include: { _ in true })
        // The symlinks deploy/escape and linkdir are not regular files.
        #expect(all.map(\.path) == ["bin/run.sh", "deploy/app.yaml", "deploy/readme.md", "deploy/values.yaml"])
        #expect(try cache.files(in: tip, under: "./", include: { _ in true }).count == 4)

        for bad in ["../deploy", "deploy/../..", "/etc", "deploy/./x", "linkdir", "deploy/escape", "deploy//x", ".git"]
        {
            let error = #expect(throws: GitError.self, "path \(bad)") {
                try cache.files(in: tip, under: bad, include: { _ in true })
            }
            #expect(error?.code == .invalidPath, "path \(bad)")
        }
        let missing = #expect(throws: GitError.self) { try cache.files(in: tip, under: "nope", include: { _ in true }) }
        #expect(missing?.code == .notFound)
    }

    @Test func commitUsesTreeUpdatesKeepsModesAndPushes() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: "file://" + bare, credentials: .none)
        let parent = try cache.resolve(GitReference(branch: "main"))
        let before = try box.git(["ls-tree", "-r", parent], in: cache.path)

        let commit = try cache.commit(
            parent: parent,
            replacing: [
                "deploy/app.yaml": Array("image: nginx:1.27\n".utf8),
                "bin/run.sh": Array("#!/bin/sh\necho new\n".utf8),
                "deploy/new/extra.yaml": Array("a: 1\n".utf8),
            ],
            author: testAuthor, message: "Update images\n\n- nginx:1.27\n", signer: nil)
        let after = try box.git(["ls-tree", "-r", commit], in: cache.path)
        func entries(_ listing: String) -> [String: (mode: Substring, id: Substring)] {
            var map: [String: (Substring, Substring)] = [:]
            for line in listing.split(separator: "\n") {
                let parts = line.split(separator: "\t", maxSplits: 1)
                let meta = parts[0].split(separator: " ")
                map[String(parts[1])] = (meta[0], meta[2])
            }
            return map
        }
        let b = entries(before)
        let a = entries(after)
        #expect(a["bin/run.sh"]?.mode == "100755")
        #expect(a["deploy/app.yaml"]?.mode == "100644")
        #expect(a["deploy/new/extra.yaml"]?.mode == "100644")
        #expect(a["deploy/escape"]?.mode == "120000")
        for path in ["deploy/values.yaml", "deploy/readme.md", "deploy/escape", "linkdir"] {
            #expect(a[path]?.mode == b[path]?.mode && a[path]?.id == b[path]?.id, "\(path) untouched")
        }
        #expect(a["deploy/app.yaml"]?.id != b["deploy/app.yaml"]?.id)
        #expect(a.count == b.count + 1)
        #expect(try box.git(["rev-parse", commit + "^"], in: cache.path) == parent)
        #expect(
            try box.git(["log", "-1", "--format=%an <%ae>|%B", commit], in: cache.path)
                == "imagebot <imagebot@example.com>|Update images\n\n- nginx:1.27")

        // Unchanged content: no new commit.
        #expect(
            try cache.commit(
                parent: commit, replacing: ["deploy/app.yaml": Array("image: nginx:1.27\n".utf8)], author: testAuthor,
                message: "noop", signer: nil) == commit)
        // Unsafe or non-regular targets are refused.
        for bad in ["../x", "/abs", "deploy/escape", "deploy", ".git/config"] {
            let error = #expect(throws: GitError.self, "\(bad)") {
                try cache.commit(parent: parent, replacing: [bad: [1]], author: testAuthor, message: "x", signer: nil)
            }
            #expect(error?.code == .invalidPath, "\(bad)")
        }

        let pushed = try cache.push(commit, to: "main", force: false, refspec: nil, options: [:])
        #expect(pushed.outcome == .pushed)
        #expect(try box.git(["rev-parse", "main"], in: bare) == commit)
        let again = try cache.push(commit, to: "main", force: false, refspec: nil, options: [:])
        #expect(again.outcome == .upToDate)
        // A new branch plus an extra refspec.
        let extra = try cache.push(
            commit, to: "auto", force: false, refspec: "refs/heads/auto:refs/heads/review", options: [:])
        #expect(extra.outcome == .pushed)
        #expect(try box.git(["rev-parse", "review"], in: bare) == commit)
        let options = #expect(throws: GitError.self) {
            try cache.push(commit, to: "main", force: false, refspec: nil, options: ["ci.skip": ""])
        }
        #expect(options?.code == .invalidArgument)
    }

    @Test func concurrentWriterCausesRejectionThenRetrySucceeds() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, work) = try box.makeRemote()
        let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: "file://" + bare, credentials: .none)
        var otherCommit: String?
        var attempts: [PushResult.Outcome] = []

        let result = try PushRetry.run(maxAttempts: 4) { attempt in
            let tip = try cache.fetch(branches: ["main"], tags: false)["refs/heads/main"] ?? ""
            // Recompute on the new tip: bump the values file as the setters would.
            let files = try cache.files(in: tip, under: "deploy", include: { $0 == "values.yaml" })
            let updated = (files.first.map { String(decoding: $0.bytes, as: UTF8.self) } ?? "") + "image: app:2.0\n"
            let commit = try cache.commit(
                parent: tip, replacing: ["deploy/values.yaml": Array(updated.utf8)], author: testAuthor,
                message: "imagebot update", signer: nil)
            if attempt == 1 {
                // Another client pushes between our fetch and our push.
                otherCommit = try box.otherWriterPushes(
                    work: work, file: "deploy/readme.md", text: "# changed by someone else\n")
            }
            let outcome = try cache.push(commit, to: "main", force: false, refspec: nil, options: [:])
            attempts.append(outcome.outcome)
            return outcome
        }
        #expect(attempts == [.rejectedNonFastForward, .pushed])
        #expect(result.outcome == .pushed)
        let other = try #require(otherCommit)
        // Both commits are on the branch, ours on top; nothing lost, never forced.
        #expect(try box.git(["rev-parse", "main^"], in: bare) == other)
        #expect(try box.git(["show", "main:deploy/readme.md"], in: bare) == "# changed by someone else")
        #expect(try box.git(["show", "main:deploy/values.yaml"], in: bare) == "tag: 1.1.0\nimage: app:2.0")
        #expect(
            try box.git(["log", "--format=%s", "main"], in: bare).split(separator: "\n").prefix(2) == [
                "imagebot update", "other writer: deploy/readme.md",
            ])
    }

    @Test func nonFastForwardIsOnlyOverwrittenWithForce() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, work) = try box.makeRemote()
        let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: "file://" + bare, credentials: .none)
        let tip = try cache.resolve(GitReference(branch: "main"))
        let ours = try cache.commit(
            parent: tip, replacing: ["deploy/values.yaml": Array("ours\n".utf8)], author: testAuthor, message: "ours",
            signer: nil)
        let theirs = try box.otherWriterPushes(work: work, file: "deploy/readme.md", text: "theirs\n")
        // Even after fetching their commit, ours does not descend from it.
        _ = try cache.fetch(branches: ["main"], tags: false)
        #expect(
            try cache.push(ours, to: "main", force: false, refspec: nil, options: [:]).outcome
                == .rejectedNonFastForward)
        #expect(try box.git(["rev-parse", "main"], in: bare) == theirs)
        #expect(try cache.push(ours, to: "main", force: true, refspec: nil, options: [:]).outcome == .pushed)
        #expect(try box.git(["rev-parse", "main"], in: bare) == ours)
    }

    @Test func errorsNameTheRemoteAndCause() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let cache = try GitCache(stateDirectory: box.root + "/state", remoteURL: "file://" + bare, credentials: .none)
        let missing = #expect(throws: GitError.self) { try cache.fetch(branches: ["nope"], tags: false) }
        #expect(missing?.code == .notFound)
        #expect(missing?.message == "fetching from file://\(bare): remote has no branch 'nope'")

        let gone = try GitCache(
            stateDirectory: box.root + "/state", remoteURL: "file://" + box.root + "/does-not-exist.git",
            credentials: .none)
        let unreachable = #expect(throws: GitError.self) { try gone.fetch(branches: ["main"], tags: false) }
        #expect(unreachable?.code == .unreachable)
        #expect(unreachable?.message.contains("does-not-exist.git") == true)
        #expect(unreachable?.description.contains("\n") == false)

        let bad = #expect(throws: GitError.self) { try cache.fetch(branches: ["bad..name"], tags: false) }
        #expect(bad?.code == .invalidArgument)
    }

    @Test func credentialsAreRedacted() {
        let creds: [GitCredentials] = [
            .basic(username: "u", password: "hunter2"), .bearer(token: "tok-123"),
            .sshKey(privateKey: Array("PRIVATE".utf8), passphrase: "pp", knownHosts: []),
        ]
        for c in creds {
            let text = "\(c) \(String(reflecting: c))"
            #expect(
                !text.contains("hunter2") && !text.contains("tok-123") && !text.contains("PRIVATE")
                    && !text.contains("pp)"))
        }
        #expect(redactURL("https://user:secret@example.com/repo.git") == "https://example.com/repo.git")
    }

    @Test func pushRetryStopsAfterMaxAttempts() throws {
        var calls = 0
        let result = try PushRetry.run(maxAttempts: 3) { _ in
            calls += 1
            return PushResult(outcome: .rejectedNonFastForward, message: "lost")
        }
        #expect(calls == 3 && result.outcome == .rejectedNonFastForward)
    }
}

/// libgit2 1.5's local transport writes the remote ref without comparing it with the head it
/// advertised, so concurrent pushes to one file:// remote could each "succeed" and all but the
/// last commit were lost (seen in ShardingTests under load). Pushes to a local remote hold an
/// flock on it: of writers that all start from the same head, exactly one lands.
@Suite struct LocalPushRaceTests {
    @Test func concurrentPushesFromOneHeadLandExactlyOne() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let writers = 8
        // Each writer owns its cache on its own thread (libgit2 objects stay on one thread); all
        // commit on the same head, meet at a barrier, then push at once.
        let ready = Atomic<Int>(0)
        let outcomes = Mutex<[Int: PushResult.Outcome]>([:])
        let commits = Mutex<[Int: String]>([:])
        let root = box.root
        // Threads of their own: a barrier needs every writer running at once (concurrentPerform
        // runs as many at a time as there are cores).
        let done = DispatchGroup()
        for n in 0..<writers {
            done.enter()
            Thread {
                defer { done.leave() }
                var outcome: PushResult.Outcome?
                if let cache = try? GitCache(
                    stateDirectory: root + "/state\(n)", remoteURL: "file://" + bare, credentials: .none),
                    let tip = try? cache.resolve(GitReference(branch: "main")),
                    let commit = try? cache.commit(
                        parent: tip, replacing: ["deploy/values.yaml": Array("writer \(n)\n".utf8)], author: testAuthor,
                        message: "writer \(n)", signer: nil)
                {
                    commits.withLock { $0[n] = commit }
                    ready.add(1, ordering: .sequentiallyConsistent)
                    while ready.load(ordering: .sequentiallyConsistent) < writers { sched_yield() }
                    outcome = (try? cache.push(commit, to: "main", force: false, refspec: nil, options: [:]))?.outcome
                } else {
                    ready.add(1, ordering: .sequentiallyConsistent)
                }
                outcomes.withLock { $0[n] = outcome }
            }.start()
        }
        done.wait()
        let pushed = outcomes.withLock { $0 }.filter { $0.value == .pushed }.map(\.key)
        #expect(pushed.count == 1, "\(outcomes.withLock { $0 })")
        #expect(outcomes.withLock { $0 }.values.allSatisfy { $0 == .pushed || $0 == .rejectedNonFastForward })
        if let winner = pushed.first {
            #expect(try box.git(["rev-parse", "main"], in: bare) == commits.withLock { $0[winner] })
        }
    }
}
