// libFuzzer entry point for semver tags and ranges (`make fuzz`). Built only with
// IMAGEBOT_FUZZ=1 and `-sanitize=fuzzer -parse-as-library`; see Sources/FuzzSetters/main.swift
// for how `FuzzSemver_main` hands control to libFuzzer's driver.
//
// The input is lines: the first is a semver range, the others (at most 16) are tags.
// Properties checked on every input:
// - `SemanticVersion(tag:)`, `SemverRange(_:)`, `contains` and policy evaluation never trap;
// - a parsed version's description parses back to the same fields (metadata included);
// - precedence is a total order on the parsed versions: reflexive, antisymmetric, transitive;
// - `=V`, `>=V` and `<=V` (V a parsed version's description) all contain V;
// - a semver `ImagePolicy` selects a tag that parses, lies in the range and is not below any
//   other tag in the range, and every tag is counted exactly once.
import FuzzSupport
import Policy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSemver(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let rangeText = lines.first ?? ""
    let tags = Array(lines.dropFirst().prefix(16))

    var versions: [SemanticVersion] = []
    for tag in tags {
        guard let version = SemanticVersion(tag: tag) else { continue }
        versions.append(version)
        guard let again = SemanticVersion(tag: version.description) else {
            fatalError("'\(version)' (from '\(tag)') does not parse back")
        }
        require(
            again.major == version.major && again.minor == version.minor && again.patch == version.patch
                && again.prerelease == version.prerelease && again.metadata == version.metadata,
            "'\(version)' (from '\(tag)') parses back as '\(again)'")
        for op in ["=", ">=", "<="] {
            guard let range = try? SemverRange(op + version.description) else {
                fatalError("range '\(op)\(version)' does not parse")
            }
            require(range.contains(version), "range '\(op)\(version)' does not contain \(version)")
        }
    }
    for a in versions {
        require(SemanticVersion.compare(a, a) == 0, "\(a) is not equal to itself")
        for b in versions {
            let ab = SemanticVersion.compare(a, b)
            require(ab == -SemanticVersion.compare(b, a), "compare(\(a), \(b)) is not antisymmetric")
            for c in versions where ab <= 0 && SemanticVersion.compare(b, c) <= 0 {
                require(SemanticVersion.compare(a, c) <= 0, "\(a) <= \(b) <= \(c) but not \(a) <= \(c)")
            }
        }
    }

    guard let range = try? SemverRange(rangeText), let policy = try? ImagePolicy(rule: .semver(range: rangeText)) else {
        return 0
    }
    let inRange = versions.filter { range.contains($0) }
    let decision = policy.evaluate(tags)
    require(decision.candidates == tags.count)
    if let selected = decision.selected {
        require(decision.failure == nil, "a selection must come without a failure")
        require(tags.contains(selected), "selected '\(selected)' is not one of the tags")
        guard let version = SemanticVersion(tag: selected) else {
            fatalError("selected '\(selected)' is not a version")
        }
        require(range.contains(version), "selected '\(selected)' is outside '\(rangeText)'")
        for other in inRange {
            require(SemanticVersion.compare(version, other) >= 0, "selected '\(selected)' is below \(other)")
        }
        require(
            decision.excluded + decision.filteredOut + decision.invalid + decision.outsideRange + decision.eligible
                == tags.count, "every tag must be counted once: \(decision.summary)")
        require(decision.eligible == inRange.count, "eligible count: \(decision.summary)")
    } else {
        require(decision.failure != nil, "no selection must come with a failure")
        require(inRange.isEmpty, "nothing selected though \(inRange) are in '\(rangeText)'")
    }
    return 0
}

@_cdecl("FuzzSemver_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzzSemver(data, size) }
}
