/// A Kubernetes/Go duration as Flux manifests write it: `30s`, `1m30s`, `1.5h`, `500ms`.
public struct GoDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole milliseconds (Flux's schema only allows ms, s, m and h units).
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static let zero = GoDuration(milliseconds: 0)
    public static func seconds(_ seconds: Int64) -> GoDuration { GoDuration(milliseconds: seconds * 1000) }

    public static func < (lhs: GoDuration, rhs: GoDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }

    public var duration: Duration { .milliseconds(milliseconds) }

    public var description: String {
        var rest = milliseconds
        var text = ""
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000), ("ms", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text.isEmpty ? "0s" : text
    }

    /// Parses Flux's CRD pattern `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`; `allowHours` false for
    /// `ImageRepository.spec.timeout`, whose pattern has no `h`.
    public init?(parsing text: String, allowHours: Bool = true) {
        let bytes = Array(text.utf8)
        var index = 0
        var total = 0.0
        guard !bytes.isEmpty else { return nil }
        while index < bytes.count {
            let numberStart = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            guard index > numberStart else { return nil }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                let fractionStart = index
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
                guard index > fractionStart else { return nil }
            }
            guard let number = Double(String(decoding: bytes[numberStart..<index], as: UTF8.self)) else { return nil }
            let unitScale: Double
            if bytes[index...].starts(with: Array("ms".utf8)) {
                unitScale = 1
                index += 2
            } else if index < bytes.count, bytes[index] == UInt8(ascii: "s") {
                unitScale = 1000
                index += 1
            } else if index < bytes.count, bytes[index] == UInt8(ascii: "m") {
                unitScale = 60_000
                index += 1
            } else if allowHours, index < bytes.count, bytes[index] == UInt8(ascii: "h") {
                unitScale = 3_600_000
                index += 1
            } else {
                return nil
            }
            total += number * unitScale
        }
        guard total < Double(Int64.max / 2) else { return nil }
        milliseconds = Int64(total.rounded())
    }
}
