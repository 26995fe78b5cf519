#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The seed of a randomised test: `IMAGEBOT_TEST_SEED` (decimal or 0x-hex) when set, so a
/// failure reported with its seed can be replayed, otherwise the test's fixed default.
public enum TestSeed {
    public static let variable = "IMAGEBOT_TEST_SEED"

    public static func value(default fixed: UInt64) -> UInt64 {
        guard let raw = getenv(variable).map({ String(cString: $0) }), !raw.isEmpty else { return fixed }
        let parsed = raw.hasPrefix("0x") ? UInt64(raw.dropFirst(2), radix: 16) : UInt64(raw)
        // A typo must not silently run the default: trap with the variable's name.
        guard let parsed else { preconditionFailure("\(variable)='\(raw)' is not a decimal or 0x-hex UInt64") }
        return parsed
    }
}
