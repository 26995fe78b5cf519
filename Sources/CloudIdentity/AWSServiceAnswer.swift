#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reading AWS answers: the error code and message of a failed call (JSON 1.1 `__type` /
/// `message`, or Query/XML `<Code>` / `<Message>`), and single elements of an XML document.
/// The XML answers are flat and tiny, so a few fields are found by name rather than parsed.
enum AWSServiceAnswer {
    /// `Code: message` from an error body, or nil when the body says nothing readable.
    static func error(in body: [UInt8], hiding secrets: [String]) -> String? {
        var code: String?
        var message: String?
        // Property names are the service's JSON field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct JSONError: Decodable {
            var __type: String?
            var code: String?
            var Code: String?
            var message: String?
            var Message: String?
        }
        if let json = try? JSONDecoder().decode(JSONError.self, from: Data(body)) {
            code = json.__type ?? json.code ?? json.Code
            message = json.message ?? json.Message
        } else {
            let text = String(decoding: body, as: UTF8.self)
            code = xmlText("Code", in: text)
            message = xmlText("Message", in: text)
        }
        // JSON 1.1 types may be qualified: `com.amazonaws.ecr#InvalidSignatureException`.
        if let qualified = code, let hash = qualified.lastIndex(of: "#") {
            code = String(qualified[qualified.index(after: hash)...])
        }
        switch (code, message) {
        case (let c?, let m?): return oneLine("\(c): \(m)", hiding: secrets)
        case (let c?, nil): return oneLine(c, hiding: secrets)
        case (nil, let m?): return oneLine(m, hiding: secrets)
        case (nil, nil): return nil
        }
    }

    /// The error code JSON services also send as a header (`x-amzn-ErrorType: Code:uri`), for
    /// answers whose body says nothing.
    static func errorType(header: String?) -> String? {
        guard let header, let code = header.split(separator: ":").first, !code.isEmpty else { return nil }
        return oneLine(String(code))
    }

    /// The unescaped text of the first `<name>` element, or nil.
    static func xmlText(_ name: String, in xml: String) -> String? {
        xmlInner(name, in: xml).map { unescape($0).trimmingWhitespace() }
    }

    /// The raw content of the first `<name>` element (markup kept, entities not replaced).
    static func xmlInner(_ name: String, in xml: String) -> String? {
        let contentStart: String.Index
        if let open = xml.firstRange(of: "<\(name)>") {
            contentStart = open.upperBound
        } else if let open = xml.firstRange(of: "<\(name) "), let end = xml[open.upperBound...].firstIndex(of: ">") {
            contentStart = xml.index(after: end)
        } else {
            return nil
        }
        guard let close = xml[contentStart...].firstRange(of: "</\(name)>") else { return nil }
        return String(xml[contentStart..<close.lowerBound])
    }

    /// XML's five entities and numeric character references.
    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
                out += rest[amp...]
                return out
            }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let scalar: UInt32? =
                    entity.hasPrefix("#x")
                    ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                if let scalar, let u = Unicode.Scalar(scalar) {
                    out.unicodeScalars.append(u)
                } else {
                    out += rest[amp...semi]
                }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}

/// Text from a service (an error message) made safe for one log line: secrets replaced by
/// `***`, line breaks folded, and long answers cut.
func oneLine(_ text: String, hiding secrets: [String] = []) -> String {
    var line = text
    for secret in secrets where secret.count >= 4 {
        line = line.replacing(secret, with: "***")
    }
    line = String(line.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    while line.contains("  ") { line = line.replacing("  ", with: " ") }
    line = String(line.drop { $0 == " " })
    while line.last == " " { line.removeLast() }
    return line.count > 300 ? String(line.prefix(300)) + "…" : line
}
