import Foundation
import TestServers
import Testing

@testable import Committer

@Suite("GitCache over smart HTTP (git http-backend)")
struct GitHTTPTests {
    @Test func basicAuthFetchIsIncrementalAndPushWorks() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, work) = try box.makeRemote()
        let server = try HTTPGitServer(root: box.root, user: "bot", password: "s3cret-pw")
        defer { server.stop() }
        let url = server.url("remote.git")
        let cache = try GitCache(
            stateDirectory: box.root + "/state", remoteURL: url,
            credentials: .basic(username: "bot", password: "s3cret-pw"))

        let refs = try cache.fetch(branches: ["main"], tags: true)
        #expect(refs["refs/heads/main"] == (try box.git(["rev-parse", "main"], in: bare)))
        #expect(refs["refs/tags/v1.0.0"] == (try box.git(["rev-parse", "v1.0.0^{commit}"], in: bare)))
        let newTip = try box.otherWriterPushes(work: work, file: "deploy/values.yaml", text: "tag: 2.0.0\n")
        let refs2 = try cache.fetch(branches: ["main"], tags: true)
        #expect(refs2["refs/heads/main"] == newTip)
        // Real negotiation: only the new commit, its two trees and one blob.
        #expect(
            cache.lastFetchReceivedObjects > 0 && cache.lastFetchReceivedObjects <= 4,
            "received \(cache.lastFetchReceivedObjects)")

        let commit = try cache.commit(
            parent: newTip, replacing: ["deploy/app.yaml": Array("image: nginx:1.28\n".utf8)], author: testAuthor,
            message: "bump", signer: nil)
        #expect(try cache.push(commit, to: "main", force: false, refspec: nil, options: [:]).outcome == .pushed)
        #expect(try box.git(["rev-parse", "main"], in: bare) == commit)
        #expect(try cache.remoteHeads()["refs/heads/main"] == commit)
    }

    @Test func wrongPasswordIsAClearErrorWithoutThePassword() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        _ = try box.makeRemote()
        let server = try HTTPGitServer(root: box.root, user: "bot", password: "right-pw")
        defer { server.stop() }
        let url = server.url("remote.git")
        let cache = try GitCache(
            stateDirectory: box.root + "/state", remoteURL: url,
            credentials: .basic(username: "bot", password: "wrong-pw-123"))
        let error = #expect(throws: GitError.self) { try cache.fetch(branches: ["main"], tags: false) }
        #expect(error?.code == .authentication)
        #expect(error?.message.contains(url) == true)
        #expect(error.map { !"\($0) \($0.message)".contains("wrong-pw-123") } == true)

        let anonymous = try GitCache(stateDirectory: box.root + "/state", remoteURL: url, credentials: .none)
        let none = #expect(throws: GitError.self) { try anonymous.remoteHeads() }
        #expect(none?.code == .authentication)

        // Credentials embedded in the URL are redacted from messages too.
        let embedded = "http://bot:url-secret@127.0.0.1:\(server.port)/remote.git"
        let inURL = try GitCache(stateDirectory: box.root + "/state", remoteURL: embedded, credentials: .none)
        #expect(!inURL.redactedURL.contains("url-secret"))
        let urlError = #expect(throws: GitError.self) { try inURL.fetch(branches: ["main"], tags: false) }
        #expect(urlError.map { !"\($0)".contains("url-secret") } == true)
    }

    @Test func bearerTokenUsesCustomHeaders() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, _) = try box.makeRemote()
        let server = try HTTPGitServer(root: box.root, token: "tok-abc-987")
        defer { server.stop() }
        let url = server.url("remote.git")
        let cache = try GitCache(
            stateDirectory: box.root + "/state", remoteURL: url, credentials: .bearer(token: "tok-abc-987"))
        let tip = try cache.resolve(GitReference(branch: "main"))
        let commit = try cache.commit(
            parent: tip, replacing: ["deploy/values.yaml": Array("tag: 3.0.0\n".utf8)], author: testAuthor,
            message: "bearer", signer: nil)
        #expect(try cache.push(commit, to: "main", force: false, refspec: nil, options: [:]).outcome == .pushed)
        #expect(try box.git(["rev-parse", "main"], in: bare) == commit)

        let wrong = try GitCache(
            stateDirectory: box.root + "/state2", remoteURL: url, credentials: .bearer(token: "nope-token"))
        let error = #expect(throws: GitError.self) { try wrong.fetch(branches: ["main"], tags: false) }
        #expect(error?.code == .authentication)
        #expect(error.map { !"\($0)".contains("nope-token") } == true)
    }

    @Test func raceAndServerSideRejectionOverHTTP() throws {
        let box = try GitSandbox()
        defer { box.cleanup() }
        let (bare, work) = try box.makeRemote()
        let server = try HTTPGitServer(root: box.root, user: "bot", password: "pw")
        defer { server.stop() }
        let cache = try GitCache(
            stateDirectory: box.root + "/state", remoteURL: server.url("remote.git"),
            credentials: .basic(username: "bot", password: "pw"))
        var outcomes: [PushResult.Outcome] = []
        let result = try PushRetry.run { attempt in
            let tip = try cache.fetch(branches: ["main"], tags: false)["refs/heads/main"] ?? ""
            let commit = try cache.commit(
                parent: tip, replacing: ["deploy/app.yaml": Array("image: race:\(attempt)\n".utf8)], author: testAuthor,
                message: "race \(attempt)", signer: nil)
            if attempt == 1 { _ = try box.otherWriterPushes(work: work, file: "deploy/readme.md", text: "other\n") }
            let r = try cache.push(commit, to: "main", force: false, refspec: nil, options: [:])
            outcomes.append(r.outcome)
            return r
        }
        #expect(outcomes == [.rejectedNonFastForward, .pushed] && result.outcome == .pushed)
        #expect(
            try box.git(["log", "--format=%s", "-2", "main"], in: bare) == "race 2\nother writer: deploy/readme.md")

        // A hook refusing the update is a thrown .pushRejected, not a retryable outcome.
        try box.write(
            "remote.git/hooks/pre-receive", "#!/bin/sh\necho 'policy says no' >&2\nexit 1\n", executable: true)
        let tip = try cache.fetch(branches: ["main"], tags: false)["refs/heads/main"] ?? ""
        let commit = try cache.commit(
            parent: tip, replacing: ["deploy/app.yaml": Array("image: hook\n".utf8)], author: testAuthor,
            message: "hook", signer: nil)
        let error = #expect(throws: GitError.self) {
            try cache.push(commit, to: "main", force: false, refspec: nil, options: [:])
        }
        #expect(error?.code == .pushRejected, "\(String(describing: error))")
        #expect(error?.message.contains("refs/heads/main") == true)
    }
}
