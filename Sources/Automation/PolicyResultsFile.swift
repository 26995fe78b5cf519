public import Setters

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Policy results given by hand instead of asked from the registries: `--set
/// NS:NAME=IMAGE:TAG[@DIGEST]` on the command line and `--set-file FILE`, so a pipeline can scan
/// once and rewrite many trees.
///
/// A file holds either one `NS:NAME=IMAGE:TAG[@DIGEST]` per line (surrounding blanks ignored;
/// blank lines and lines starting with `#` skipped; no blank inside a result) or the JSON
/// document `imagebot scan --output json` prints, or its `policies` array alone (recognised by
/// the first non-blank byte, `{` or `[`; policies without a `latestRef` are skipped: they have
/// no result). A policy given twice in one file is an error. On the command line the last
/// `--set` for a policy wins, and `--set` wins over the file.
public enum PolicyResultsFile {
    /// Files larger than this are refused (a scan of 100,000 policies is about 40 MB of JSON).
    public static let maxBytes = 256 << 20

    /// One policy's result and the 1-based line it was read from (0 for a JSON entry).
    public struct Entry: Sendable, Hashable {
        /// The marker key `NS:NAME`.
        public var policy: String
        public var reference: ImageRef
        public var line: Int

        public init(policy: String, reference: ImageRef, line: Int) {
            self.policy = policy
            self.reference = reference
            self.line = line
        }
    }

    /// Parses one `NS:NAME=IMAGE:TAG[@DIGEST]`; the error is the cause alone (the caller says
    /// where the text came from).
    public static func parseAssignment(_ text: Substring) throws(PolicyResultsError) -> (
        policy: String, reference: ImageRef
    ) {
        // On UTF-8 code units: `=`, `:`, `/` and `@` are ASCII, and a Character-wise search
        // (grapheme breaking) made 10,000 results take 100 ms.
        let bytes = text.utf8
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else {
            throw PolicyResultsError(.invalidResult, "expected NS:NAME=IMAGE:TAG[@DIGEST]")
        }
        let policy = text[..<equals]
        let reference = text[bytes.index(after: equals)...]
        let colon = policy.utf8.firstIndex(of: UInt8(ascii: ":"))
        guard let colon, colon != policy.startIndex, policy.utf8.index(after: colon) != policy.endIndex,
            !policy.utf8[policy.utf8.index(after: colon)...].contains(UInt8(ascii: ":"))
        else {
            throw PolicyResultsError(.invalidPolicy, "the policy must be NAMESPACE:NAME, got '\(policy)'")
        }
        var image = reference
        var digest: String?
        if let at = reference.utf8.lastIndex(of: UInt8(ascii: "@")) {
            image = reference[..<at]
            let text = reference[reference.utf8.index(after: at)...]
            guard text.utf8.contains(UInt8(ascii: ":")), text.utf8.last != UInt8(ascii: ":") else {
                throw PolicyResultsError(.invalidDigest, "a digest looks like sha256:<hex>, got '\(text)'")
            }
            digest = String(text)
        }
        // The tag follows the last colon after the last slash (a colon before it is a port).
        guard let colon = image.utf8.lastIndex(of: UInt8(ascii: ":")),
            !image.utf8[colon...].contains(UInt8(ascii: "/")),
            colon != image.startIndex, image.utf8.index(after: colon) != image.endIndex
        else {
            throw PolicyResultsError(.missingTag, "the image needs a tag, as in ghcr.io/org/app:1.2.3")
        }
        let name = String(image[..<colon])
        let tag = String(image[image.utf8.index(after: colon)...])
        return (String(policy), ImageRef(name: name, tag: tag, digest: digest))
    }

    /// The `--set` values in order, as results by policy: the last one for a policy wins.
    /// Errors read `--set 'TEXT': cause`.
    public static func parseCommandLine(_ texts: [String]) throws(PolicyResultsError) -> [String: ImageRef] {
        var results: [String: ImageRef] = [:]
        results.reserveCapacity(texts.count)
        for text in texts {
            do throws(PolicyResultsError) {
                let (policy, reference) = try parseAssignment(text[...])
                results[policy] = reference
            } catch {
                throw PolicyResultsError(error.code, "--set '\(text)': \(error.message)")
            }
        }
        return results
    }

    /// The entries in a file's bytes, in file order. The error's message is the cause; its
    /// `line` says where, when the file has lines.
    public static func parse(_ bytes: [UInt8]) throws(PolicyResultsError) -> [Entry] {
        switch bytes.first(where: { !isBlank($0) }) {
        case UInt8(ascii: "{"), UInt8(ascii: "["): try parseJSON(bytes)
        default: try parseLines(bytes)
        }
    }

    /// Reads and parses `path` (`-`: standard input) into results by policy. Errors read
    /// `PATH:LINE: cause` or `PATH: cause`.
    public static func load(_ path: String) throws(PolicyResultsError) -> [String: ImageRef] {
        let bytes: [UInt8]
        do {
            bytes = try readAll(path)
        } catch {
            throw PolicyResultsError(.unreadable, "\(path): \(error.message)")
        }
        do throws(PolicyResultsError) {
            var results: [String: ImageRef] = [:]
            let entries = try parse(bytes)
            results.reserveCapacity(entries.count)
            for entry in entries { results[entry.policy] = entry.reference }
            return results
        } catch {
            throw PolicyResultsError(
                error.code, "\(path):\(error.line.map { "\($0):" } ?? "") \(error.message)", line: error.line)
        }
    }

    /// `--set-file` and `--set` together: the file's results, then every `--set` over them.
    public static func results(commandLine: [String], file: String?) throws(PolicyResultsError) -> [String: ImageRef] {
        var results: [String: ImageRef] = [:]
        if let file { results = try load(file) }
        for (policy, reference) in try parseCommandLine(commandLine) { results[policy] = reference }
        return results
    }

    // MARK: - Lines

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func parseLines(_ bytes: [UInt8]) throws(PolicyResultsError) -> [Entry] {
        var entries: [Entry] = []
        var firstLine: [String: Int] = [:]
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            let newline = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            var lower = start
            var upper = newline
            while lower < upper, isBlank(bytes[lower]) { lower += 1 }
            while upper > lower, isBlank(bytes[upper - 1]) { upper -= 1 }
            start = newline + 1
            guard lower < upper, bytes[lower] != UInt8(ascii: "#") else { continue }
            let slice = bytes[lower..<upper]
            guard let text = String(validating: slice, as: UTF8.self) else {
                throw PolicyResultsError(.invalidResult, "not UTF-8 text", line: lineNumber)
            }
            if slice.contains(where: isBlank) {
                throw PolicyResultsError(
                    .invalidResult,
                    "a blank inside '\(text)': one NS:NAME=IMAGE:TAG[@DIGEST] per line, comments on lines of their own",
                    line: lineNumber)
            }
            let entry: Entry
            do throws(PolicyResultsError) {
                let (policy, reference) = try parseAssignment(text[...])
                entry = Entry(policy: policy, reference: reference, line: lineNumber)
            } catch {
                let got = error.code == .invalidResult ? ", got '\(text)'" : ""
                throw PolicyResultsError(error.code, "\(error.message)\(got)", line: lineNumber)
            }
            if let first = firstLine.updateValue(lineNumber, forKey: entry.policy) {
                throw PolicyResultsError(
                    .duplicatePolicy, "\(entry.policy) was already given on line \(first)", line: lineNumber)
            }
            entries.append(entry)
        }
        return entries
    }

    // MARK: - JSON (`imagebot scan --output json`)

    private struct ScanDocument: Decodable {
        var policies: [ScanPolicy]?
    }

    private struct ScanPolicy: Decodable {
        var namespace: String
        var name: String
        var latestRef: LatestRef?
    }

    private struct LatestRef: Decodable {
        var name: String
        var tag: String
        var digest: String?
    }

    private static func parseJSON(_ bytes: [UInt8]) throws(PolicyResultsError) -> [Entry] {
        let policies: [ScanPolicy]
        do {
            let isArray = bytes.first(where: { !isBlank($0) }) == UInt8(ascii: "[")
            if isArray {
                policies = try JSONDecoder().decode([ScanPolicy].self, from: Data(bytes))
            } else {
                guard let found = try JSONDecoder().decode(ScanDocument.self, from: Data(bytes)).policies else {
                    throw PolicyResultsError(
                        .invalidJSON, "a JSON document needs \"policies\", as `imagebot scan --output json` prints")
                }
                policies = found
            }
        } catch let error as PolicyResultsError {
            throw error
        } catch {
            throw PolicyResultsError(.invalidJSON, jsonReason(error, bytes: bytes))
        }
        var entries: [Entry] = []
        var firstIndex: [String: Int] = [:]
        entries.reserveCapacity(policies.count)
        for (index, policy) in policies.enumerated() {
            guard let latest = policy.latestRef else { continue }
            let key = "\(policy.namespace):\(policy.name)"
            let place = "policies[\(index)] (\(key))"
            guard !policy.namespace.isEmpty, !policy.name.isEmpty, !policy.namespace.contains(":"),
                !policy.name.contains(":")
            else {
                throw PolicyResultsError(.invalidPolicy, "\(place): the policy must be NAMESPACE:NAME")
            }
            guard !latest.name.isEmpty, !latest.tag.isEmpty else {
                throw PolicyResultsError(.missingTag, "\(place): latestRef needs a name and a tag")
            }
            if let digest = latest.digest, !digest.isEmpty, !digest.contains(":") || digest.hasSuffix(":") {
                throw PolicyResultsError(.invalidDigest, "\(place): a digest looks like sha256:<hex>, got '\(digest)'")
            }
            let digest = latest.digest.flatMap { $0.isEmpty ? nil : $0 }
            if let first = firstIndex.updateValue(index, forKey: key) {
                throw PolicyResultsError(.duplicatePolicy, "\(place): already given as policies[\(first)]")
            }
            entries.append(
                Entry(policy: key, reference: ImageRef(name: latest.name, tag: latest.tag, digest: digest), line: 0))
        }
        return entries
    }

    /// The decoder's complaint in one line: where in the document (`policies[3].latestRef.tag`)
    /// and what; for a syntax error the line the parser stopped on.
    private static func jsonReason(_ error: any Error, bytes: [UInt8]) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the document" : text)
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context):
            return "invalid scan JSON: \(path(context)) has no \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "invalid scan JSON: \(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            // The underlying parser error names the line and column where there is one.
            let underlying = context.underlyingError.map { "\($0)" } ?? context.debugDescription
            return "invalid JSON: \(oneLine(underlying))"
        default:
            return "invalid JSON: \(oneLine("\(error)"))"
        }
    }

    private static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 200 ? String(flat.prefix(200)) + "…" : flat
    }

    // MARK: - Reading

    private struct ReadError: Error {
        var message: String
    }

    /// The whole file, or standard input for `-` (a pipe has no size to ask for first).
    private static func readAll(_ path: String) throws(ReadError) -> [UInt8] {
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(message: String(cString: strerror(errno))) }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(message: String(cString: strerror(errno)))
            }
            bytes.append(contentsOf: chunk[..<count])
            if bytes.count > maxBytes { throw ReadError(message: "larger than \(maxBytes) bytes") }
        }
    }
}

/// Why hand-given policy results could not be used; the message is one line naming where
/// (`--set 'TEXT'`, `FILE:LINE`) and the cause.
public struct PolicyResultsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is; stable for programs, the message is for people.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate let name: String
        public var description: String { name }

        /// Not `NS:NAME=IMAGE:TAG[@DIGEST]` (no `=`, blanks inside, not UTF-8).
        public static let invalidResult = Code(name: "invalidResult")
        /// The policy is not `NAMESPACE:NAME`.
        public static let invalidPolicy = Code(name: "invalidPolicy")
        /// The image has no tag.
        public static let missingTag = Code(name: "missingTag")
        /// The digest is not `algorithm:hex`.
        public static let invalidDigest = Code(name: "invalidDigest")
        /// One file gives the same policy twice.
        public static let duplicatePolicy = Code(name: "duplicatePolicy")
        /// The JSON does not parse or is not what `imagebot scan --output json` prints.
        public static let invalidJSON = Code(name: "invalidJSON")
        /// The file cannot be read.
        public static let unreadable = Code(name: "unreadable")
    }

    public var code: Code
    public var message: String
    /// The 1-based line of the file the problem is on, when it has one.
    public var line: Int?

    public init(_ code: Code, _ message: String, line: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
    }

    public var description: String { message }
}
