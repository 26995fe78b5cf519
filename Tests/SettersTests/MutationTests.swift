import Foundation
import Setters
import TestSupport
import Testing
import YAML

/// A poor man's fuzzer: pseudo-random mutations of the fixture files must never trap, a
/// rewrite must be idempotent, and current values must rewrite to nothing.
@Suite struct MutationTests {
    static let tokens: [[UInt8]] =
        [
            "#", " #", "\"", "'", ":", ": ", "\n", "\r\n", "\r", "- ", "|", ">-", "{", "}", "[", "]", ",", "&a ", "*a",
            "!!str ",
            "---\n", "...\n", "\t", "ü", "🚀", "\u{2028}", "\u{FEFF}", "\\", "\"$imagepolicy\"",
            " # {\"$imagepolicy\": \"flux-system:app\"}", "\n# {\"$imagepolicy\": \"apps:web:tag\"}\n",
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0x00]]

    static func sources() throws -> [(String, [UInt8])] {
        var result: [(String, [UInt8])] = []
        for name in Fixtures.setterCases {
            for (path, bytes) in try Fixtures.tree(Fixtures.testdata.appendingPathComponent("setters/\(name)/original"))
            {
                result.append(("\(name)/\(path)", bytes))
            }
        }
        for (path, bytes) in try Fixtures.tree(Fixtures.testdata.appendingPathComponent("flux-setters/original")) {
            result.append(("flux/\(path)", bytes))
        }
        return result.sorted { $0.0 < $1.0 }
    }

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + Int(rng.next() % 4)) {
            let position = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count + 1))
            switch rng.next() % 5 {
            case 0: bytes.insert(contentsOf: tokens[Int(rng.next() % UInt64(tokens.count))], at: position)
            case 1: if position < bytes.count { bytes.remove(at: position) }
            case 2: if position < bytes.count { bytes[position] = UInt8(truncatingIfNeeded: rng.next()) }
            case 3: bytes = Array(bytes.prefix(position))
            default:
                // Duplicate a slice (repeats lines, markers, structure).
                let length = Int(rng.next() % 80)
                let end = min(bytes.count, position + length)
                bytes.insert(contentsOf: Array(bytes[position..<end]), at: position)
            }
        }
        return bytes
    }

    @Test func mutatedFixturesNeverTrap() throws {
        var rng = SplitMix(seed: 0x5E77E25)
        let sources = try Self.sources()
        let rewriter = MarkerRewriter(policies: Fixtures.policies.merging(Fixtures.fluxPolicies) { a, _ in a })
        var rewritten = 0
        var covered = 0
        for round in 0..<400 {
            let (name, original) = sources[round % sources.count]
            let bytes = Self.mutate(original, &rng)
            let plan = rewriter.plan(contents: bytes, relativePath: name)
            if let rewrite = plan.rewrites.first {
                rewritten += 1
                // The output parses and a second pass changes nothing.
                #expect((try? YAMLParser().parse(rewrite.updated)) != nil)
                let again = rewriter.plan(contents: rewrite.updated, relativePath: name)
                #expect(again.rewrites.isEmpty, "second pass changed \(name) (round \(round))")
                _ = UnifiedDiff.render(rewrite)
            }
            let current = NoOpPolicies.derive(from: bytes, path: name)
            if !current.isEmpty { covered += 1 }
            let noOp = MarkerRewriter(policies: current).plan(contents: bytes, relativePath: name)
            #expect(noOp.rewrites.isEmpty, "current values changed \(name) (round \(round))")
        }
        #expect(rewritten > 50, "mutations should mostly stay rewritable")
        #expect(covered > 50, "the no-op property should cover many files, got \(covered)")
    }

    @Test func arbitraryBytesNeverTrap() {
        var rng = SplitMix(seed: 7)
        let rewriter = MarkerRewriter(policies: Fixtures.policies)
        for _ in 0..<300 {
            var bytes = Array("k: v # {\"$imagepolicy\": \"flux-system:app\"}\n".utf8)
            for _ in 0..<Int(rng.next() % 64) { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
            _ = rewriter.plan(contents: bytes, relativePath: "random.yaml")
            _ = try? YAMLParser().parse(bytes)
        }
    }
}
