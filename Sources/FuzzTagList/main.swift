// libFuzzer entry point for the tag-list page reader (`make fuzz`). Built only with
// IMAGEBOT_FUZZ=1 and `-sanitize=fuzzer -parse-as-library`; see Sources/FuzzSetters/main.swift
// for how `FuzzTagList_main` hands control to libFuzzer's driver.
//
// The input is a response body. Properties checked on every input:
// - `TagListJSON.tags(in:)` never traps;
// - a failure's reason is `invalid JSON: …` or `wrong type at .tags…`;
// - accepted tags survive a round trip: encoded as `{"tags":[…]}` and read again, they are equal;
// - it reads strict JSON as Foundation's JSONDecoder does, on inputs where both are defined
//   (valid UTF-8, no `\u` surrogate escapes): a body one accepts with `tags` an array of
//   strings (or null or absent) the other accepts, with the same tags when the key is
//   written once and no string uses `\u` escapes (duplicate keys are not compared).
import Registry

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct Page: Codable {
    var tags: [String]?
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTagList(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let ours: [String]?
    do {
        ours = try TagListJSON.tags(in: input)
    } catch {
        precondition(
            error.reason.hasPrefix("invalid JSON: ") || error.reason.hasPrefix("wrong type at .tags"),
            "failure reason '\(error.reason)'")
        ours = nil
    }
    if let ours {
        let encoded = try! JSONEncoder().encode(Page(tags: ours))
        let again = try? TagListJSON.tags(in: Array(encoded))
        precondition(again == ours, "tags \(ours) read back as \(again.map { "\($0)" } ?? "a failure")")
    }

    guard String(validating: input, as: UTF8.self) != nil, !hasSurrogateEscape(input) else { return 0 }
    let theirs = try? JSONDecoder().decode(Page.self, from: Data(input))
    let nesting = input.lazy.filter { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "{") }.count
    if let ours {
        precondition(theirs != nil, "accepted a body JSONDecoder rejects, with tags \(ours)")
        if occurrences(of: Array("tags".utf8), in: input) <= 1 && occurrences(of: Array("\\u".utf8), in: input) == 0 {
            precondition(theirs?.tags ?? [] == ours, "read tags \(ours), JSONDecoder \(theirs?.tags ?? [])")
        }
    } else if theirs != nil && nesting < 64 {  // TagListJSON.maxDepth: deeper bodies are refused by design
        preconditionFailure("rejected a body JSONDecoder reads as \(theirs?.tags ?? [])")
    }
    return 0
}

/// Whether some `\u` escape names a UTF-16 surrogate (`\uD800`–`\uDFFF`).
func hasSurrogateEscape(_ bytes: [UInt8]) -> Bool {
    guard bytes.count >= 4 else { return false }
    for i in 0..<(bytes.count - 3) where bytes[i] == UInt8(ascii: "\\") && bytes[i + 1] == UInt8(ascii: "u") {
        if bytes[i + 2] | 0x20 == UInt8(ascii: "d"), (UInt8(ascii: "8")...UInt8(ascii: "f")).contains(bytes[i + 3] | 0x20) {
            return true
        }
    }
    return false
}

func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> Int {
    guard haystack.count >= needle.count else { return 0 }
    return (0...(haystack.count - needle.count)).count { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("FuzzTagList_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzTagList(data, size) }
}
