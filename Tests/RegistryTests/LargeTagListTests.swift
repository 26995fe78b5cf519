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

@Suite("Large tag lists (fake registry)")
struct LargeTagListTests {
    @Test func millionTagsAcrossPages() async throws {
        let server = try await FakeRegistry.start()
        defer { server.stop() }
        var options = RegistryOptions()
        options.tagPageSize = 10_000  // 100 pages
        let before = peakRSS()
        let tags = try await RegistryClient().listTags(server.reference("big"), options: options)
        let after = peakRSS()
        #expect(tags.count == 1_000_000)
        #expect(tags.first == "0")
        #expect(tags.last == "999999")
        print("1,000,000 tags in 100 pages: peak RSS \(before >> 20) MiB → \(after >> 20) MiB")
        #expect(after - before < 400 << 20)
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
