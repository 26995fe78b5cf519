/// Converts libyaml mark indices to byte offsets.
///
/// libyaml 0.2.5 counts `yaml_mark_t.index` in characters (code points), not bytes, for UTF-8
/// input (`SKIP` adds 1 per character; the reader skips no bytes because we set the UTF-8
/// encoding explicitly, so a BOM is character 0). Marks arrive almost in order, so a cursor that
/// walks forward or backward over UTF-8 lead bytes converts them in amortised O(1).
/// libyaml's reader drops a leading UTF-8 BOM before counting, so character 0 is byte 3 then.
struct MarkMapper {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let origin: Int
    private var characterIndex = 0
    private var byteOffset: Int

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        origin = hasBOM ? 3 : 0
        byteOffset = origin
    }

    /// The byte offset of character `index`, clamped to the input.
    mutating func byteOffset(ofCharacter index: Int) -> Int {
        while characterIndex < index, byteOffset < bytes.count {
            byteOffset += Self.width(ofLeadByte: bytes[byteOffset])
            characterIndex += 1
        }
        while characterIndex > index, byteOffset > origin {
            byteOffset -= 1
            // Step over continuation bytes (10xxxxxx) to the lead byte.
            while byteOffset > origin, bytes[byteOffset] & 0xC0 == 0x80 { byteOffset -= 1 }
            characterIndex -= 1
        }
        return min(byteOffset, bytes.count)
    }

    static func width(ofLeadByte byte: UInt8) -> Int {
        switch byte {
        case 0..<0x80: 1
        case 0xC0..<0xE0: 2
        case 0xE0..<0xF0: 3
        case 0xF0..<0xF8: 4
        default: 1  // invalid lead byte: libyaml rejects the input before marks get here
        }
    }
}
