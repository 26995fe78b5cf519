/// A version as Flux reads tags: Masterminds/semver v3's lenient parser (optional lowercase
/// `v`, leading zeros coerced, missing minor/patch as 0) behind Flux's rule that a tag needs
/// at least two dots.
public struct SemanticVersion: Sendable, Hashable, CustomStringConvertible {
    public var major: UInt64
    public var minor: UInt64
    public var patch: UInt64
    /// Dot-separated prerelease identifiers, empty for a release.
    public var prerelease: String
    /// Build metadata; ignored by precedence.
    public var metadata: String

    public init(major: UInt64, minor: UInt64, patch: UInt64, prerelease: String = "", metadata: String = "") {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.metadata = metadata
    }

    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { text += "-" + prerelease }
        if !metadata.isEmpty { text += "+" + metadata }
        return text
    }

    /// Parses a tag the way Flux's `version.ParseVersion` does: it must contain at least two
    /// dots anywhere (`1.2-beta.5` passes and reads as 1.2.0-beta.5; `v1.2` does not).
    public init?(tag: String) {
        var tag = tag
        guard let version = tag.withUTF8({ Self.parse($0, requireTwoDots: true) }) else { return nil }
        self = version
    }

    /// Parses like Masterminds' `NewVersion` without Flux's dot rule (used for constraint bounds).
    public init?(lenient text: String) {
        var text = text
        guard let version = text.withUTF8({ Self.parse($0, requireTwoDots: false) }) else { return nil }
        self = version
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, requireTwoDots: Bool) -> SemanticVersion? {
        var scanner = ByteScanner(bytes)
        if requireTwoDots, scanner.count(of: UInt8(ascii: ".")) < 2 { return nil }
        scanner.skip(UInt8(ascii: "v"))
        guard let major = scanner.number() else { return nil }
        var minor: UInt64 = 0
        var patch: UInt64 = 0
        if scanner.peekDotDigit() {
            scanner.advance()
            guard let value = scanner.number() else { return nil }
            minor = value
            if scanner.peekDotDigit() {
                scanner.advance()
                guard let value = scanner.number() else { return nil }
                patch = value
            }
        }
        var prerelease = ""
        var metadata = ""
        if scanner.skip(UInt8(ascii: "-")) {
            guard let identifiers = scanner.identifiers(), Self.validPrerelease(identifiers) else { return nil }
            prerelease = String(decoding: identifiers, as: UTF8.self)
        }
        if scanner.skip(UInt8(ascii: "+")) {
            guard let identifiers = scanner.identifiers() else { return nil }
            metadata = String(decoding: identifiers, as: UTF8.self)
        }
        guard scanner.atEnd else { return nil }
        return SemanticVersion(major: major, minor: minor, patch: patch, prerelease: prerelease, metadata: metadata)
    }

    /// SemVer 2: numeric prerelease identifiers must not have leading zeros (`rc.01`).
    private static func validPrerelease(_ identifiers: UnsafeBufferPointer<UInt8>.SubSequence) -> Bool {
        for identifier in identifiers.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            if identifier.count > 1, identifier.first == UInt8(ascii: "0"), identifier.allSatisfy(isDigit) {
                return false
            }
        }
        return true
    }

    /// SemVer precedence: numbers, then a release above its prereleases, then prerelease
    /// identifiers left to right. Build metadata never counts.
    public static func compare(_ lhs: SemanticVersion, _ rhs: SemanticVersion) -> Int {
        if lhs.major != rhs.major { return lhs.major < rhs.major ? -1 : 1 }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor ? -1 : 1 }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch ? -1 : 1 }
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): return comparePrerelease(lhs.prerelease, rhs.prerelease)
        }
    }

    /// Identifier by identifier; a missing identifier sorts first, numbers (those that fit in
    /// 64 bits, as Masterminds parses them) before words, words bytewise.
    static func comparePrerelease(_ lhs: String, _ rhs: String) -> Int {
        if lhs == rhs { return 0 }
        var left = lhs.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).makeIterator()
        var right = rhs.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).makeIterator()
        while true {
            let l = left.next()
            let r = right.next()
            switch (l, r) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let l?, let r?):
                let order = compareIdentifier(l, r)
                if order != 0 { return order }
            }
        }
    }

    private static func compareIdentifier(_ lhs: Substring.UTF8View, _ rhs: Substring.UTF8View) -> Int {
        if lhs.elementsEqual(rhs) { return 0 }
        switch (numericValue(lhs), numericValue(rhs)) {
        case (let l?, let r?): return l < r ? -1 : (l > r ? 1 : 0)
        case (.some, nil): return -1
        case (nil, .some): return 1
        case (nil, nil): return lhs.lexicographicallyPrecedes(rhs) ? -1 : 1
        }
    }

    private static func numericValue(_ identifier: Substring.UTF8View) -> UInt64? {
        guard !identifier.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in identifier {
            guard isDigit(byte) else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }
}

extension SemanticVersion: Comparable {
    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool { compare(lhs, rhs) < 0 }
    /// Precedence equality: `1.0.0+a == 1.0.0+b`.
    public static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool { compare(lhs, rhs) == 0 }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(prerelease)
    }
}

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

@inline(__always) func isIdentifierByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "-")
}

/// A cursor over UTF-8 bytes for the small grammars of versions and constraints.
struct ByteScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var atEnd: Bool { position >= bytes.count }
    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func advance() { position += 1 }

    @discardableResult
    mutating func skip(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        position += 1
        return true
    }

    func count(of byte: UInt8) -> Int {
        var count = 0
        for element in bytes where element == byte { count += 1 }
        return count
    }

    func peekDotDigit() -> Bool {
        position + 1 < bytes.count && bytes[position] == UInt8(ascii: ".") && isDigit(bytes[position + 1])
    }

    /// One or more decimal digits as a UInt64; nil when absent or when it overflows.
    mutating func number() -> UInt64? {
        let start = position
        var value: UInt64 = 0
        while let byte = current, isDigit(byte) {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
            position += 1
        }
        return position > start ? value : nil
    }

    /// `[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*`, greedy; nil when the first identifier is empty or a
    /// dot is not followed by an identifier.
    mutating func identifiers() -> UnsafeBufferPointer<UInt8>.SubSequence? {
        let start = position
        while true {
            let identifierStart = position
            while let byte = current, isIdentifierByte(byte) { position += 1 }
            guard position > identifierStart else { return nil }
            guard current == UInt8(ascii: "."), position + 1 < bytes.count, isIdentifierByte(bytes[position + 1]) else {
                break
            }
            position += 1
        }
        return bytes[start..<position]
    }
}
