// What every libFuzzer target (`make fuzz`, IMAGEBOT_FUZZ=1 only) shares: libFuzzer's driver
// entry point and a `precondition` that survives the optimised build.

/// `precondition` that keeps its message in the optimised fuzz build (release drops it).
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "", line: UInt = #line)
{
    if !condition() { fatalError(message(), line: line) }
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// Hands the process to libFuzzer's driver with `body` as the test function. SwiftPM links an
/// executable's `main` as `<Target>_main`, so each target's `@_cdecl("<Target>_main")` calls this.
public func runLibFuzzer(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ body: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, body)
}
