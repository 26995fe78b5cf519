/// A parsed `{"$imagepolicy": "NS:NAME[:field]"}` marker.
public struct Marker: Sendable, Hashable {
    /// Which part of the policy result a marker sets.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        /// `NS:NAME`: `name:tag[@digest]`.
        case full
        /// `NS:NAME:tag`.
        case tag
        /// `NS:NAME:name`.
        case name
        /// `NS:NAME:digest`.
        case digest
    }

    /// The marker value as written, e.g. `flux-system:app:tag`.
    public var setter: String
    /// The policy key `NS:NAME`.
    public var policy: String
    /// The field set.
    public var field: Field

    /// The outcome of reading one comment.
    public enum Reading: Sendable, Hashable {
        /// Not a marker (any other comment).
        case notMarker
        /// A well-formed marker.
        case marker(Marker)
        /// A `$imagepolicy` object whose value is unusable; the text says why.
        case invalid(String)
    }

    /// Reads a comment's text (starting at its first `#`, without the line break).
    public static func read(comment: Substring) -> Reading {
        // Cheap screen first: most comments are not markers.
        guard comment.utf8.count > 14, mentionsImagePolicy(comment.utf8) else { return .notMarker }
        let text = comment.drop { $0 == "#" }
        guard let object = MarkerJSON.parseStringObject(text.utf8) else { return .notMarker }
        guard let value = object["$imagepolicy"] else { return .notMarker }
        return parse(setter: value)
    }

    private static let key = Array("$imagepolicy".utf8)

    /// A byte scan for `$imagepolicy`: String's generic `contains` is far slower, and this
    /// runs on every comment of every screened file.
    static func mentionsImagePolicy(_ text: Substring.UTF8View) -> Bool {
        var index = text.startIndex
        while let dollar = text[index...].firstIndex(of: UInt8(ascii: "$")) {
            if text[dollar...].starts(with: key) { return true }
            index = text.index(after: dollar)
        }
        return false
    }

    /// Parses a marker value `NS:NAME`, `NS:NAME:tag`, `NS:NAME:name` or `NS:NAME:digest`.
    public static func parse(setter: String) -> Reading {
        let parts = setter.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .invalid("marker value \"\(setter)\" is not NS:NAME[:tag|name|digest]")
        }
        let policy = "\(parts[0]):\(parts[1])"
        guard parts.count == 3 else { return .marker(Marker(setter: setter, policy: policy, field: .full)) }
        guard let field = Field(rawValue: String(parts[2])), field != .full else {
            return .invalid(
                "marker value \"\(setter)\" has unknown field \"\(parts[2])\" (expected tag, name or digest)")
        }
        return .marker(Marker(setter: setter, policy: policy, field: field))
    }

    /// The value this marker sets from a policy result, or nil when the result has no such
    /// value (a `:digest` marker and a policy without digest).
    public func value(from ref: ImageRef) -> String? {
        switch field {
        case .full: ref.fullReference
        case .tag: ref.tag
        case .name: ref.name
        case .digest: ref.digest
        }
    }
}

extension Marker.Field {
    /// The tag a value of this field holds: the value itself for `:tag` markers, the part after
    /// the reference's last colon (past any slash, before any `@digest`) for image markers; nil
    /// for name and digest markers, which carry none.
    public func tag(in value: String) -> String? {
        switch self {
        case .tag: return value
        case .name, .digest: return nil
        case .full:
            let reference = value.split(separator: "@", maxSplits: 1).first.map(String.init) ?? value
            guard let colon = reference.lastIndex(of: ":"), reference[colon...].firstIndex(of: "/") == nil else {
                return nil
            }
            return String(reference[reference.index(after: colon)...])
        }
    }
}
