import Foundation  // JSONDecoder, and JSONSerialization (not in FoundationEssentials)
// libFuzzer entry point for the tag-list page reader (`make fuzz`). Built only with
// IMAGEBOT_FUZZ=1 and `-sanitize=fuzzer -parse-as-library`; see Sources/FuzzSetters/main.swift
// for how `FuzzTagList_main` hands control to libFuzzer's driver.
//
// The input is a response body. Properties checked on every input:
// - `TagListJSON.tags(in:)` never traps;
// - a failure's reason is `invalid JSON: …` or `wrong type at .tags…`;
// - accepted tags survive a round trip: encoded as `{"tags":[…]}` and read again, they are equal;
// - it reads strict JSON as Foundation's JSONDecoder does, on inputs where both are defined
//   (valid UTF-8, no `\u` surrogate escapes): a body it accepts JSONDecoder reads with `tags`
//   an array of strings (or null or absent), with the same tags when the key is written once
//   and no string uses `\u` escapes (duplicate keys are not compared); and it accepts what
//   both JSONDecoder and JSONSerialization read, except bodies nested 64 deep, with raw
//   control characters in strings or trailing commas (which RFC 8259 forbids and JSONDecoder
//   lets through), or with `tags` written more than once.
import FuzzSupport
import Registry

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
        require(
            error.reason.hasPrefix("invalid JSON: ") || error.reason.hasPrefix("wrong type at .tags"),
            "failure reason '\(error.reason)'")
        ours = nil
    }
    if let ours {
        let encoded = try! JSONEncoder().encode(Page(tags: ours))
        let again = try? TagListJSON.tags(in: Array(encoded))
        require(again == ours, "tags \(ours) read back as \(again.map { "\($0)" } ?? "a failure")")
    }

    guard String(validating: input, as: UTF8.self) != nil, !hasSurrogateEscape(input) else { return 0 }
    let theirs = try? JSONDecoder().decode(Page.self, from: Data(input))
    let nesting = input.lazy.filter { $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "{") }.count
    // Duplicate keys are left out: which one counts (and whether an earlier one of the wrong type
    // is an error) is not something RFC 8259 settles.
    let tagsKeyAtMostOnce =
        occurrences(of: Array("tags".utf8), in: input) <= 1 && occurrences(of: Array("\\u".utf8), in: input) == 0
    if let ours {
        require(theirs != nil, "accepted a body JSONDecoder rejects, with tags \(ours)")
        if tagsKeyAtMostOnce {
            require(theirs?.tags ?? [] == ours, "read tags \(ours), JSONDecoder \(theirs?.tags ?? [])")
        }
    } else if theirs != nil && tagsKeyAtMostOnce && nesting < 64 && !usesDecoderLeniency(input)
        && (try? JSONSerialization.jsonObject(with: Data(input))) != nil
    {
        // Not compared: deeper nesting (TagListJSON.maxDepth refuses it by design), and what
        // JSONDecoder lets through though RFC 8259 forbids it: raw control characters in
        // strings, trailing commas, and anything in values it never decodes (`"\a"` passes);
        // JSONSerialization, which parses every value, must accept the body too.
        fatalError("rejected a body JSONDecoder reads as \(theirs?.tags ?? [])")
    }
    return 0
}

/// Whether the body uses what RFC 8259 forbids and JSONDecoder lets through: a byte below 0x20
/// inside a string, or a comma before `}` or `]`.
func usesDecoderLeniency(_ bytes: [UInt8]) -> Bool {
    var inString = false
    var escaped = false
    var afterComma = false
    for byte in bytes {
        if byte < 0x20 && (inString || (byte != 0x09 && byte != 0x0A && byte != 0x0D)) { return true }
        if inString {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
            }
            continue
        }
        if afterComma && (byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")) { return true }
        if byte == UInt8(ascii: ",") {
            afterComma = true
        } else if byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
            afterComma = false
        }
        if byte == UInt8(ascii: "\"") { inString = true }
    }
    return false
}

/// Whether some `\u` escape names a UTF-16 surrogate (`\uD800`–`\uDFFF`).
func hasSurrogateEscape(_ bytes: [UInt8]) -> Bool {
    guard bytes.count >= 4 else { return false }
    for i in 0..<(bytes.count - 3) where bytes[i] == UInt8(ascii: "\\") && bytes[i + 1] == UInt8(ascii: "u") {
        if bytes[i + 2] | 0x20 == UInt8(ascii: "d"),
            (UInt8(ascii: "8")...UInt8(ascii: "f")).contains(bytes[i + 3] | 0x20)
        {
            return true
        }
    }
    return false
}

func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> Int {
    guard haystack.count >= needle.count else { return 0 }
    return (0...(haystack.count - needle.count)).count { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
}

@_cdecl("FuzzTagList_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzzTagList(data, size) }
}
