import Basics
// libFuzzer entry point for `filterTags` (pattern and extract) (`make fuzz`). Built only with
// IMAGEBOT_FUZZ=1 and `-sanitize=fuzzer -parse-as-library`; see Sources/FuzzSetters/main.swift
// for how `FuzzFilter_main` hands control to libFuzzer's driver.
//
// The input is lines: the pattern, the extract template, then at most 8 tags. PCRE2 runs with
// imagebot's match and depth limits, so a catastrophic pattern is a `matchLimit` failure in
// the decision, never a hang. Properties checked on every input:
// - compiling the filter and evaluating it never trap;
// - an alphabetical `asc` policy with the filter selects one of the tags, the compared value
//   of which (the extraction, or the tag) is bytewise greatest among the values each tag
//   gets on its own; a tag the filter drops on its own is never selected;
// - a selection comes without a failure, ties never include the winner, and every tag is
//   counted exactly once.
import FuzzSupport
import Policy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFilter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count >= 2 else { return 0 }
    let tags = Array(lines.dropFirst(2).prefix(8))
    guard let filter = try? TagFilter(pattern: lines[0], extract: lines[1]),
        let policy = try? ImagePolicy(rule: .alphabetical(.asc), filter: filter)
    else { return 0 }

    let decision = policy.evaluate(tags)
    require(decision.candidates == tags.count)
    guard let selected = decision.selected else {
        require(decision.failure != nil, "no selection must come with a failure")
        return 0
    }
    require(decision.failure == nil, "a selection must come without a failure")
    require(tags.contains(selected), "selected '\(selected)' is not one of the tags")
    require(!decision.tiedWith.contains(selected), "the winner is listed among its ties")
    require(decision.tiedWith.allSatisfy(tags.contains), "a tie is not one of the tags")
    require(
        decision.excluded + decision.filteredOut + decision.invalid + decision.outsideRange + decision.eligible
            == tags.count, "every tag must be counted once: \(decision.summary)")
    let winner = decision.selectedValue ?? selected
    for tag in tags {
        let alone = policy.evaluate([tag])
        guard let value = alone.selected.map({ alone.selectedValue ?? $0 }) else {
            require(tag != selected, "'\(tag)' is selected in the list but filtered out on its own")
            continue
        }
        require(
            BytewiseOrder.compare(winner, value) >= 0,
            "selected value '\(winner)' is below '\(value)' (tag '\(tag)')")
        if tag == selected {
            require(value == winner, "'\(tag)' compares as '\(winner)' in the list but '\(value)' alone")
        }
    }
    return 0
}

@_cdecl("FuzzFilter_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzzFilter(data, size) }
}
