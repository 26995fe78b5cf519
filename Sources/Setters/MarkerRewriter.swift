import YAML

/// Finds `$imagepolicy` markers under a path and plans byte-exact rewrites of their values.
///
/// Files are read one at a time; only files with real changes keep their bytes in the plan.
public struct MarkerRewriter: Sendable {
    /// Policy results by `NS:NAME`.
    public var policies: [String: ImageRef]
    /// Files larger than this are skipped with a warning.
    public var maxFileBytes: Int

    /// Creates a rewriter for the given policy results.
    public init(policies: [String: ImageRef], maxFileBytes: Int = 16 << 20) {
        self.policies = policies
        self.maxFileBytes = maxFileBytes
    }

    private static let screen = Array("\"$imagepolicy\"".utf8)

    /// Plans the rewrite of every candidate file under `root` (a directory or one file). No writes.
    public func plan(root: String) -> SetterPlan {
        var rewrites: [FileRewrite] = []
        var plan = plan(root: root) { rewrites.append($0) }
        plan.rewrites = rewrites
        return plan
    }

    /// Like `plan(root:)`, but hands each verified rewrite to `body` as soon as its file is done
    /// and does not keep it, so memory is bounded by the largest file. The returned plan has
    /// the changes and diagnostics but no rewrites. An error thrown by `body` ends the walk.
    public func plan(root: String, each body: (FileRewrite) throws -> Void) rethrows -> SetterPlan {
        var plan = SetterPlan()
        let walk = FileWalker.candidates(root: root)
        plan.warnings = walk.warnings
        plan.errors = walk.errors
        var seenTargets: [String: String] = [:]
        for candidate in walk.files {
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.read(candidate.readPath, limit: maxFileBytes)
            } catch {
                plan.warnings.append(
                    .init(
                        severity: .warning, file: candidate.relativePath,
                        message: "skipped: \(error.operation): \(error.message)"))
                continue
            }
            guard Self.contains(bytes, Self.screen) else { continue }
            if let first = seenTargets[candidate.writePath] {
                plan.warnings.append(
                    .init(severity: .warning, file: candidate.relativePath, message: "skipped: same file as \(first)"))
                continue
            }
            seenTargets[candidate.writePath] = candidate.relativePath
            if let rewrite = merge(rewrite(bytes, candidate: candidate), into: &plan) { try body(rewrite) }
        }
        return plan
    }

    /// Plans the rewrite of one file held in memory (no screening, no I/O); the rewrite's
    /// `absolutePath` is `relativePath`. Never traps, whatever the bytes.
    public func plan(contents: [UInt8], relativePath: String) -> SetterPlan {
        var plan = SetterPlan()
        if contents.count > maxFileBytes {
            plan.warnings.append(
                .init(
                    severity: .warning, file: relativePath,
                    message: "skipped: \(contents.count) bytes, over the \(maxFileBytes)-byte limit"))
            return plan
        }
        let candidate = Candidate(relativePath: relativePath, readPath: relativePath, writePath: relativePath)
        if let rewrite = merge(rewrite(contents, candidate: candidate), into: &plan) { plan.rewrites.append(rewrite) }
        return plan
    }

    /// Writes every rewrite atomically, keeping permissions, and returns the paths written.
    /// A file whose bytes changed since planning is not overwritten (the error names it);
    /// files written before the failure stay written.
    public func apply(_ plan: SetterPlan) throws(FileSystemError) -> [String] {
        var written: [String] = []
        for rewrite in plan.rewrites {
            try write(rewrite)
            written.append(rewrite.absolutePath)
        }
        return written
    }

    /// Writes one rewrite atomically (temporary file, fsync, rename), keeping permissions,
    /// unless the file no longer holds the bytes it was planned from.
    public func write(_ rewrite: FileRewrite) throws(FileSystemError) {
        let current = try FileSystem.read(rewrite.absolutePath, limit: max(maxFileBytes, rewrite.original.count))
        guard current == rewrite.original else {
            throw FileSystemError(
                path: rewrite.absolutePath, operation: "write", message: "file changed since it was planned")
        }
        try FileSystem.replace(rewrite.absolutePath, with: rewrite.updated)
    }

    private func rewrite(_ bytes: [UInt8], candidate: Candidate) -> (FileOutcome, Candidate, [UInt8]) {
        let parser = YAMLParser(
            limits: .init(maxInputBytes: maxFileBytes, maxDepth: YAMLParser.Limits.default.maxDepth))
        return (
            FileRewriter(policies: policies, parser: parser).rewrite(bytes, file: candidate.relativePath), candidate,
            bytes
        )
    }

    /// Adds a file's diagnostics and changes to the plan and returns its rewrite, if any.
    private func merge(_ result: (FileOutcome, Candidate, [UInt8]), into plan: inout SetterPlan) -> FileRewrite? {
        let (outcome, candidate, bytes) = result
        plan.filesParsed += 1
        plan.warnings += outcome.warnings
        plan.errors += outcome.errors
        plan.referencedPolicies.formUnion(outcome.referencedPolicies)
        guard let updated = outcome.updated, !outcome.changes.isEmpty else { return nil }
        plan.changes += outcome.changes
        return FileRewrite(
            relativePath: candidate.relativePath, absolutePath: candidate.writePath, original: bytes,
            updated: updated, changes: outcome.changes)
    }

    /// Whether `needle` occurs in `haystack` (first-byte scan; the needle is short).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<i + needle.count].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
