import Basics

/// Sprig's encodings, hashes and JSON (strings.go, crypto.go, defaults.go).
enum SprigEncoding {
    typealias S = TemplateSprig

    static let functions: [String: TemplateFunction] = [
        "b64enc": .init(params: [.string]) { a, _ in .string(Base64.encode(Array(S.s(a[0]).utf8))) },
        // Sprig returns the decoder's error text as the result.
        "b64dec": .init(params: [.string]) { a, _ in .string(GoBaseN.decode64(S.s(a[0]))) },
        "b32enc": .init(params: [.string]) { a, _ in .string(GoBaseN.encode32(Array(S.s(a[0]).utf8))) },
        "b32dec": .init(params: [.string]) { a, _ in .string(GoBaseN.decode32(S.s(a[0]))) },
        "sha1sum": .init(params: [.string]) { a, _ in .string(SHA1.hex(Array(S.s(a[0]).utf8))) },
        "sha256sum": .init(params: [.string]) { a, _ in .string(SHA256.hex(Array(S.s(a[0]).utf8))) },
        "sha512sum": .init(params: [.string]) { a, _ in .string(SHA512.hex(Array(S.s(a[0]).utf8))) },
        "adler32sum": .init(params: [.string]) { a, _ in
            var (s1, s2): (UInt32, UInt32) = (1, 0)
            for b in S.s(a[0]).utf8 {
                s1 = (s1 + UInt32(b)) % 65521
                s2 = (s2 + s1) % 65521
            }
            return .string(String(s2 << 16 | s1))
        },
        // Go's Marshal errors (NaN, infinities) give "" without must, the error with it.
        "toJson": .init(params: [.any]) { a, l throws(FuncError) in .string(try S.json(a[0] ?? .null, limits: l) ?? "") },
        "mustToJson": .init(params: [.any]) { a, l throws(FuncError) in .string(try must(a[0], l)) },
        "toPrettyJson": .init(params: [.any]) { a, l throws(FuncError) in .string(try S.json(a[0] ?? .null, indent: "  ", limits: l) ?? "") },
        "mustToPrettyJson": .init(params: [.any]) { a, l throws(FuncError) in .string(try must(a[0], l, indent: "  ")) },
        "toRawJson": .init(params: [.any]) { a, l throws(FuncError) in .string(try must(a[0], l, escapeHTML: false)) },
        "mustToRawJson": .init(params: [.any]) { a, l throws(FuncError) in .string(try must(a[0], l, escapeHTML: false)) },
        "fromJson": .init(params: [.string]) { a, _ in
            // A JSON null is Go's nil interface: the template prints "<no value>".
            if case .success(let v) = SprigJSON.decode(S.s(a[0])), v != .null { return v }
            return nil
        },
        "mustFromJson": .init(params: [.string]) { a, _ throws(FuncError) in
            switch SprigJSON.decode(S.s(a[0])) {
            case .success(let v): return v == .null ? nil : v
            case .failure(let e): throw e
            }
        },
    ]

    private static func must(_ v: EvalValue, _ l: TemplateLimits, escapeHTML: Bool = true, indent: String? = nil) throws(FuncError) -> String {
        let value = v ?? .null
        if let j = try S.json(value, escapeHTML: escapeHTML, indent: indent, limits: l) { return j }
        throw FuncError(firstUnsupported(value) ?? "json: unsupported value: \(GoFormat.sprint(value))")
    }

    /// encoding/json's error for the first thing it cannot encode, in encoding order: a type
    /// (complex numbers, maps keyed by structs) or a value (NaN, infinities).
    private static func firstUnsupported(_ v: TemplateValue) -> String? {
        switch v {
        case .float(let d): return d.isFinite ? nil : "json: unsupported value: \(GoFormat.sprint(v))"
        case .complex: return "json: unsupported type: complex128"
        case .list(let l): return l.lazy.compactMap(firstUnsupported).first
        case .typedMap(let m) where !["string", "int", "int64", "uint", "uint64"].contains(m.keyType):
            return "json: unsupported type: \(m.typeName)"
        case .map, .typedMap: return v.sortedEntries.lazy.compactMap { firstUnsupported($0.value) }.first
        case .record(let r): return r.fieldOrder.lazy.compactMap { firstUnsupported(r.fields[$0] ?? .null) }.first
        default: return nil
        }
    }
}

/// Go's `encoding/base64` and `encoding/base32` standard encodings, with their error texts.
enum GoBaseN {
    /// `base64.StdEncoding.DecodeString`: the decoded text, or Go's error text.
    static func decode64(_ s: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        switch decode(Array(s.utf8), alphabet: alphabet, bitsPerChar: 6, quantum: 4) {
        case .success(let bytes): return S.bytesString(bytes)
        case .failure(let e): return "illegal base64 data at input byte \(e.offset)"
        }
    }

    /// `base32.StdEncoding.DecodeString`.
    static func decode32(_ s: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        switch decode(Array(s.utf8), alphabet: alphabet, bitsPerChar: 5, quantum: 8) {
        case .success(let bytes): return S.bytesString(bytes)
        case .failure(let e): return "illegal base32 data at input byte \(e.offset)"
        }
    }

    typealias S = TemplateSprig
    struct Corrupt: Error { var offset: Int }

    /// Both Go decoders: quanta of `quantum` characters, `=` padding only at the end, CR and
    /// LF skipped, the offset of the first bad byte reported.
    private static func decode(_ src: [UInt8], alphabet: [UInt8], bitsPerChar: Int, quantum: Int) -> Result<[UInt8], Corrupt> {
        var map = [Int](repeating: -1, count: 256)
        for (k, c) in alphabet.enumerated() { map[Int(c)] = k }
        // Lengths of the decoded output by the number of data characters in the last quantum.
        let validTail: Set<Int> = quantum == 4 ? [2, 3, 4] : [2, 4, 5, 7, 8]
        var out: [UInt8] = []
        var si = 0
        while si < src.count {
            var digits: [Int] = []
            var j = 0
            var end = false
            while j < quantum {
                if si == src.count {
                    if j == 0 { return .success(out) }
                    return .failure(Corrupt(offset: si - j))
                }
                let c = src[si]
                si += 1
                if c == 10 || c == 13 { continue }
                if map[Int(c)] >= 0 { digits.append(map[Int(c)]); j += 1; continue }
                guard c == UInt8(ascii: "=") else { return .failure(Corrupt(offset: si - 1)) }
                // Padding: the rest of the quantum must be '=' (newlines allowed between).
                if !validTail.contains(j) || (quantum == 4 && j < 2) { return .failure(Corrupt(offset: si - 1)) }
                var need = quantum - j - 1
                while need > 0 {
                    while si < src.count && (src[si] == 10 || src[si] == 13) { si += 1 }
                    if si == src.count { return .failure(Corrupt(offset: src.count)) }
                    if src[si] != UInt8(ascii: "=") { return .failure(Corrupt(offset: si - 1)) }
                    si += 1
                    need -= 1
                }
                while si < src.count && (src[si] == 10 || src[si] == 13) { si += 1 }
                if si < src.count { return .failure(Corrupt(offset: si)) }
                end = true
                break
            }
            var bits = 0, acc = 0
            for d in digits {
                acc = acc << bitsPerChar | d
                bits += bitsPerChar
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8((acc >> bits) & 0xFF))
                }
                acc &= (1 << bits) - 1
            }
            if end { break }
        }
        return .success(out)
    }

    /// `base32.StdEncoding.EncodeToString`.
    static func encode32(_ data: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".unicodeScalars)
        var out = String.UnicodeScalarView()
        var k = 0
        while k < data.count {
            let chunk = Array(data[k..<min(k + 5, data.count)])
            var v: UInt64 = 0
            for n in 0..<5 { v = v << 8 | UInt64(n < chunk.count ? chunk[n] : 0) }
            let chars = [0, 2, 4, 5, 7, 8][chunk.count]
            for n in 0..<8 {
                out.append(n < chars ? alphabet[Int((v >> UInt64(35 - 5 * n)) & 31)] : "=")
            }
            k += 5
        }
        return String(out)
    }
}

/// SHA-512 (FIPS 180-4) for Sprig's `sha512sum`.
enum SHA512 {
    private static let k: [UInt64] = [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
        0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
        0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
        0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
        0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
        0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
        0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
        0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
        0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
        0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
        0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
        0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
        0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
    ]

    static func hex(_ data: [UInt8]) -> String {
        var h: [UInt64] = [
            0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
            0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
        ]
        var msg = data
        msg.append(0x80)
        while msg.count % 128 != 112 { msg.append(0) }
        let bitLength = UInt64(data.count) &* 8
        msg += [UInt8](repeating: 0, count: 8)
        for shift in stride(from: 56, through: 0, by: -8) { msg.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        func rotr(_ x: UInt64, _ n: UInt64) -> UInt64 { x >> n | x << (64 - n) }
        var w = [UInt64](repeating: 0, count: 80)
        for block in stride(from: 0, to: msg.count, by: 128) {
            for t in 0..<16 {
                var v: UInt64 = 0
                for b in 0..<8 { v = v << 8 | UInt64(msg[block + t * 8 + b]) }
                w[t] = v
            }
            for t in 16..<80 {
                let s0 = rotr(w[t - 15], 1) ^ rotr(w[t - 15], 8) ^ (w[t - 15] >> 7)
                let s1 = rotr(w[t - 2], 19) ^ rotr(w[t - 2], 61) ^ (w[t - 2] >> 6)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for t in 0..<80 {
                let s1 = rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)
                let ch = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
                let s0 = rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ maj
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
        }
        return Hex.string(h.flatMap { word in stride(from: 56, through: 0, by: -8).map { UInt8(truncatingIfNeeded: word >> UInt64($0)) } })
    }
}
