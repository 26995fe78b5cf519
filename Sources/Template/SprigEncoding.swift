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
