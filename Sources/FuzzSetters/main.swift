// libFuzzer entry point for the marker rewriter (`make fuzz`). Built only with IMAGEBOT_FUZZ=1
// and `-sanitize=fuzzer -parse-as-library`. SwiftPM links executables with `main` aliased to
// `FuzzSetters_main`, so that symbol hands control to libFuzzer's driver.
//
// Properties checked on every input:
// - planning never traps, whatever the bytes;
// - a rewrite's output parses and re-planning it with the same results is a byte-identical
//   no-op: rewriting values that already equal the policy results changes nothing.
import FuzzSupport
import Setters
import YAML

let policies: [String: ImageRef] = [
    "ns:app": ImageRef(name: "ghcr.io/acme/app", tag: "1.10", digest: "sha256:0123456789abcdef"),
    "ns:plain": ImageRef(name: "app", tag: "v2"),
    "flux-system:app": ImageRef(name: "ghcr.io/acme/app", tag: "1.4.2"),
    "automation-ns:policy": ImageRef(name: "index.repo.fake/updated", tag: "v1.0.1"),
]
let rewriter = MarkerRewriter(policies: policies, maxFileBytes: 1 << 20)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRewriter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let plan = rewriter.plan(contents: input, relativePath: "input.yaml")
    guard let rewrite = plan.rewrites.first else { return 0 }
    precondition(rewrite.original == input, "a rewrite must start from the input bytes")
    precondition((try? YAMLParser().parse(rewrite.updated)) != nil, "a rewrite must parse")
    let again = rewriter.plan(contents: rewrite.updated, relativePath: "input.yaml")
    precondition(again.changes.isEmpty && again.rewrites.isEmpty, "re-planning a rewrite must be a no-op")
    return 0
}

@_cdecl("FuzzSetters_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzzRewriter(data, size) }
}
