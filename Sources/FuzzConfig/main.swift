import Automation
// libFuzzer entry point for the Flux config loader (`make fuzz`). Built only with
// IMAGEBOT_FUZZ=1 and `-sanitize=fuzzer -parse-as-library`; see Sources/FuzzSetters/main.swift
// for how `FuzzConfig_main` hands control to libFuzzer's driver.
//
// The input is one manifest file. Properties checked on every input:
// - loading and cross-object validation never trap, whatever the bytes (the loader never throws);
// - every diagnostic names the file it was given and a 1-based line and column.
import FuzzSupport

let file = "clusters/prod/input.yaml"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var configuration = Configuration()
    ConfigLoader.load(bytes: input, file: file, into: &configuration)
    ConfigLoader.validateReferences(&configuration)
    for diagnostic in configuration.diagnostics {
        require(diagnostic.location.file == file, "a diagnostic must name the loaded file: \(diagnostic)")
        require(
            diagnostic.location.line >= 1 && diagnostic.location.column >= 1,
            "a diagnostic must have a 1-based line and column: \(diagnostic)")
    }
    return 0
}

@_cdecl("FuzzConfig_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzzConfig(data, size) }
}
