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
        "toJson": .init(params: [.any]) { a, l throws(FuncError) in .string(try S.json(a[0] ?? .null, limits: l) ?? "")
        },
        "mustToJson": .init(params: [.any]) { a, l throws(FuncError) in .string(try must(a[0], l)) },
        "toPrettyJson": .init(params: [.any]) { a, l throws(FuncError) in
            .string(try S.json(a[0] ?? .null, indent: "  ", limits: l) ?? "")
        },
        "mustToPrettyJson": .init(params: [.any]) { a, l throws(FuncError) in .string(try must(a[0], l, indent: "  "))
        },
        "toRawJson": .init(params: [.any]) { a, l throws(FuncError) in .string(try must(a[0], l, escapeHTML: false)) },
        "mustToRawJson": .init(params: [.any]) { a, l throws(FuncError) in .string(try must(a[0], l, escapeHTML: false))
        },
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

    private static func must(_ v: EvalValue, _ l: TemplateLimits, escapeHTML: Bool = true, indent: String? = nil)
        throws(FuncError) -> String
    {
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
    private static func decode(_ src: [UInt8], alphabet: [UInt8], bitsPerChar: Int, quantum: Int) -> Result<
        [UInt8], Corrupt
    > {
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
                if map[Int(c)] >= 0 {
                    digits.append(map[Int(c)])
                    j += 1
                    continue
                }
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
            var bits = 0
            var acc = 0
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
        0x428a_2f98_d728_ae22, 0x7137_4491_23ef_65cd, 0xb5c0_fbcf_ec4d_3b2f, 0xe9b5_dba5_8189_dbbc,
        0x3956_c25b_f348_b538,
        0x59f1_11f1_b605_d019, 0x923f_82a4_af19_4f9b, 0xab1c_5ed5_da6d_8118, 0xd807_aa98_a303_0242,
        0x1283_5b01_4570_6fbe,
        0x2431_85be_4ee4_b28c, 0x550c_7dc3_d5ff_b4e2, 0x72be_5d74_f27b_896f, 0x80de_b1fe_3b16_96b1,
        0x9bdc_06a7_25c7_1235,
        0xc19b_f174_cf69_2694, 0xe49b_69c1_9ef1_4ad2, 0xefbe_4786_384f_25e3, 0x0fc1_9dc6_8b8c_d5b5,
        0x240c_a1cc_77ac_9c65,
        0x2de9_2c6f_592b_0275, 0x4a74_84aa_6ea6_e483, 0x5cb0_a9dc_bd41_fbd4, 0x76f9_88da_8311_53b5,
        0x983e_5152_ee66_dfab,
        0xa831_c66d_2db4_3210, 0xb003_27c8_98fb_213f, 0xbf59_7fc7_beef_0ee4, 0xc6e0_0bf3_3da8_8fc2,
        0xd5a7_9147_930a_a725,
        0x06ca_6351_e003_826f, 0x1429_2967_0a0e_6e70, 0x27b7_0a85_46d2_2ffc, 0x2e1b_2138_5c26_c926,
        0x4d2c_6dfc_5ac4_2aed,
        0x5338_0d13_9d95_b3df, 0x650a_7354_8baf_63de, 0x766a_0abb_3c77_b2a8, 0x81c2_c92e_47ed_aee6,
        0x9272_2c85_1482_353b,
        0xa2bf_e8a1_4cf1_0364, 0xa81a_664b_bc42_3001, 0xc24b_8b70_d0f8_9791, 0xc76c_51a3_0654_be30,
        0xd192_e819_d6ef_5218,
        0xd699_0624_5565_a910, 0xf40e_3585_5771_202a, 0x106a_a070_32bb_d1b8, 0x19a4_c116_b8d2_d0c8,
        0x1e37_6c08_5141_ab53,
        0x2748_774c_df8e_eb99, 0x34b0_bcb5_e19b_48a8, 0x391c_0cb3_c5c9_5a63, 0x4ed8_aa4a_e341_8acb,
        0x5b9c_ca4f_7763_e373,
        0x682e_6ff3_d6b2_b8a3, 0x748f_82ee_5def_b2fc, 0x78a5_636f_4317_2f60, 0x84c8_7814_a1f0_ab72,
        0x8cc7_0208_1a64_39ec,
        0x90be_fffa_2363_1e28, 0xa450_6ceb_de82_bde9, 0xbef9_a3f7_b2c6_7915, 0xc671_78f2_e372_532b,
        0xca27_3ece_ea26_619c,
        0xd186_b8c7_21c0_c207, 0xeada_7dd6_cde0_eb1e, 0xf57d_4f7f_ee6e_d178, 0x06f0_67aa_7217_6fba,
        0x0a63_7dc5_a2c8_98a6,
        0x113f_9804_bef9_0dae, 0x1b71_0b35_131c_471b, 0x28db_77f5_2304_7d84, 0x32ca_ab7b_40c7_2493,
        0x3c9e_be0a_15c9_bebc,
        0x431d_67c4_9c10_0d4c, 0x4cc5_d4be_cb3e_42b6, 0x597f_299c_fc65_7e2a, 0x5fcb_6fab_3ad6_faec,
        0x6c44_198c_4a47_5817,
    ]

    static func hex(_ data: [UInt8]) -> String {
        var h: [UInt64] = [
            0x6a09_e667_f3bc_c908, 0xbb67_ae85_84ca_a73b, 0x3c6e_f372_fe94_f82b, 0xa54f_f53a_5f1d_36f1,
            0x510e_527f_ade6_82d1, 0x9b05_688c_2b3e_6c1f, 0x1f83_d9ab_fb41_bd6b, 0x5be0_cd19_137e_2179,
        ]
        var msg = data
        msg.append(0x80)
        while msg.count % 128 != 112 { msg.append(0) }
        let bitLength = UInt64(data.count) &* 8
        msg += [UInt8](repeating: 0, count: 8)
        for shift in stride(from: 56, through: 0, by: -8) {
            msg.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
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
            h[0] &+= a
            h[1] &+= b
            h[2] &+= c
            h[3] &+= d
            h[4] &+= e
            h[5] &+= f
            h[6] &+= g
            h[7] &+= hh
        }
        return Hex.string(
            h.flatMap { word in
                stride(from: 56, through: 0, by: -8).map { UInt8(truncatingIfNeeded: word >> UInt64($0)) }
            })
    }
}
