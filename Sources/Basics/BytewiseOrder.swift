#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytewise (UTF-8) order of strings: Go's string order, which Flux's tag database, its
/// tie-breaking and Go templates' sorted map keys all use. Swift's `<` on String compares
/// canonically equivalent Unicode instead, so the two differ outside ASCII.
public enum BytewiseOrder {
    /// -1, 0 or 1, comparing the UTF-8 bytes (no copies for native strings).
    @inline(__always)
    public static func compare(_ lhs: String, _ rhs: String) -> Int {
        let contiguous = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right -> Int in
                let shared = min(left.count, right.count)
                if shared > 0, let a = left.baseAddress, let b = right.baseAddress {
                    let order = memcmp(a, b, shared)
                    if order != 0 { return order < 0 ? -1 : 1 }
                }
                return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
            }
        }
        if let contiguous, let order = contiguous { return order }
        if lhs == rhs { return 0 }
        return lhs.utf8.lexicographicallyPrecedes(rhs.utf8) ? -1 : 1
    }

    /// Sorts `strings` bytewise. When every string is ASCII, where Unicode and byte order agree,
    /// String's own comparison is used: it is several times faster than comparing bytes.
    public static func sort(_ strings: inout [String], descending: Bool = false) {
        if strings.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) {
            if descending { strings.sort(by: >) } else { strings.sort() }
        } else {
            strings.sort { compare($0, $1) == (descending ? 1 : -1) }
        }
    }
}
