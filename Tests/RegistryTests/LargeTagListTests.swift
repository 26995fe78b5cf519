import Basics
import Foundation
import Testing

@testable import Registry

/// Peak resident memory of this process (VmHWM), bytes.
func peakRSS() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return 0 }
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
}

/// Set (to the fake registry's origin) only in the child `millionTagsAcrossPages` starts.
private let childOriginVariable = "IMAGEBOT_LARGE_TAGS_ORIGIN"
private let childOrigin = ProcessInfo.processInfo.environment[childOriginVariable]

@Suite("Large tag lists (fake registry)")
struct LargeTagListTests {
    /// The memory a million-tag listing costs, measured in a fresh child process (this test
    /// binary again, running only `listMillionTagsInChild`): in this process the peak is shared
    /// with every test running alongside, and an earlier higher peak would hide the growth.
    @Test(.enabled(if: childOrigin == nil, "the parent side"))
    func millionTagsAcrossPages() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let argv = [executable, "--testing-library", "swift-testing", "--filter", "listMillionTagsInChild"]
        let result = await BlockingThread.run {
            // The limit only stops a hung child; it is not a speed check.
            ChildProcess.run(argv, environment: [childOriginVariable: server.origin], timeout: 600)
        }
        let output = try result.get()
        let text = String(decoding: output.stdout + output.stderr, as: UTF8.self)
        try #require(output.status == 0, "child failed: \(text)")
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("large-tag-list ") }) else {
            Issue.record("the child ran no listing: \(text)")
            return
        }
        // "large-tag-list <tags> <first> <last> <peak before> <peak after>"
        let fields = line.split(separator: " ").map(String.init)
        try #require(fields.count == 6, "\(line)")
        #expect(fields[1] == "1000000")
        #expect(fields[2] == "0")
        #expect(fields[3] == "999999")
        let before = Int(fields[4]) ?? 0
        let after = Int(fields[5]) ?? Int.max
        print("1,000,000 tags in 100 pages (child process): peak RSS \(before >> 20) MiB → \(after >> 20) MiB")
        #expect(before > 0)
        #expect(after - before < 400 << 20)
    }

    /// The child side of `millionTagsAcrossPages`; skipped in a normal run.
    @Test(.enabled(if: childOrigin != nil, "runs only in the child millionTagsAcrossPages starts"))
    func listMillionTagsInChild() async throws {
        let origin = try #require(childOrigin)
        var options = RegistryOptions()
        options.tagPageSize = 10_000  // 100 pages
        let reference = ImageReference(registry: origin, repository: "big/app", scheme: "http")
        let before = peakRSS()
        let tags = try await RegistryClient().listTags(reference, options: options)
        let after = peakRSS()
        print("large-tag-list \(tags.count) \(tags.first ?? "-") \(tags.last ?? "-") \(before) \(after)")
    }

    @Test func millionTagsInOnePageAndTheResponseCap() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        let client = RegistryClient()
        #expect(try await client.listTags(server.reference("bigone")).count == 1_000_000)
        var capped = RegistryOptions()
        capped.maxResponseBytes = 1 << 20
        let error = await #expect(throws: RegistryError.self) {
            _ = try await client.listTags(server.reference("bigone"), options: capped)
        }
        #expect(error?.code == .responseTooLarge)
        #expect(error?.message.hasSuffix("response body exceeds 1048576 bytes") == true)
    }

    @Test func pageAndTagLimits() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        var pages = RegistryOptions()
        pages.maxTagPages = 3
        let e1 = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference("big"), options: pages)
        }
        #expect(e1?.code == .limitExceeded)
        #expect(e1?.message == "tag list has more than 3 pages")
        var tags = RegistryOptions()
        tags.maxTags = 2500
        let e2 = await #expect(throws: RegistryError.self) {
            _ = try await RegistryClient().listTags(server.reference("big"), options: tags)
        }
        #expect(e2?.message == "tag list has more than 2500 tags")
    }
}
