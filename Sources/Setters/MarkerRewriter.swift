public import Basics
import Dispatch
import Synchronization
import YAML

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds `$imagepolicy` markers under a path and plans byte-exact rewrites of their values.
///
/// Files are read one at a time; only files with real changes keep their bytes in the plan.
public struct MarkerRewriter: Sendable {
    /// Policy results by `NS:NAME`.
    public var policies: [String: ImageRef]
    /// Files larger than this are skipped with a warning.
    public var maxFileBytes: Int

    /// Creates a rewriter for the given policy results.
    /// Why some known policies have no result; their markers are reported with that reason
    /// instead of as unknown policies.
    public var unresolved: [String: String]

    /// Asked before a tag changes: given the policy (`NS:NAME`), the tag in the file and the
    /// policy's tag, returns why the file must keep its tag (a downgrade), or nil to go ahead.
    public typealias TagGuard = @Sendable (_ policy: String, _ current: String, _ proposed: String) -> String?

    /// See `TagGuard`; nil lets every change through.
    public var tagGuard: TagGuard?

    /// Record every marker in `SetterPlan.markers` (for `imagebot explain`; off by default
    /// because a dry-run over a large tree does not need it).
    public var reportsMarkers = false

    public init(
        policies: [String: ImageRef], unresolved: [String: String] = [:], maxFileBytes: Int = 16 << 20,
        tagGuard: TagGuard? = nil
    ) {
        self.unresolved = unresolved
        self.policies = policies
        self.maxFileBytes = maxFileBytes
        self.tagGuard = tagGuard
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
        var seenTargets: [String: String] = [:]
        // The walk runs on its own thread and streams batches in path order; each batch is read,
        // screened and rewritten on every core, then merged in order, so output is deterministic
        // and memory stays bounded by a batch while the walk and the work overlap.
        let channel = BatchChannel()
        DispatchQueue.global().async {
            let diagnostics = FileWalker.walk(
                root: root, batchSize: Self.batchSize, shouldStop: { channel.isCancelled }
            ) {
                channel.send($0)
            }
            channel.finish(diagnostics)
        }
        defer { channel.cancel() }
        while let batch = channel.receive() {
            for (candidate, result) in zip(batch, process(batch)) {
                switch result {
                case .unreadable(let error):
                    plan.warnings.append(
                        .init(
                            severity: .warning, file: candidate.relativePath,
                            message: "skipped: \(error.operation): \(error.message)"))
                case .unmarked:
                    continue
                case .parsed(let outcome, let bytes):
                    if let first = seenTargets[candidate.writePath] {
                        plan.warnings.append(
                            .init(
                                severity: .warning, file: candidate.relativePath,
                                message: "skipped: same file as \(first)"))
                        continue
                    }
                    seenTargets[candidate.writePath] = candidate.relativePath
                    if let rewrite = merge((outcome, candidate, bytes), into: &plan) { try body(rewrite) }
                }
            }
        }
        let walk = channel.diagnostics
        plan.warnings = walk.warnings + plan.warnings
        plan.errors = walk.errors + plan.errors
        return plan
    }

    /// Files per parallel batch: enough to keep every core busy, few enough to bound memory.
    static let batchSize = 64

    private enum FileResult {
        case unreadable(FileSystemError)
        case unmarked
        case parsed(FileOutcome, [UInt8])
    }

    private func process(_ batch: [Candidate]) -> [FileResult] {
        let results = UnsafeMutableBufferPointer<FileResult>.allocate(capacity: batch.count)
        defer { results.deallocate() }
        // Each iteration initialises only its own slot, so the buffer needs no lock.
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: batch.count) { index in
            (slots.baseAddress! + index).initialize(to: screenAndRewrite(batch[index]))
        }
        defer { _ = results.baseAddress.map { $0.deinitialize(count: batch.count) } }
        return Array(results)
    }

    private func screenAndRewrite(_ candidate: Candidate) -> FileResult {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(candidate.readPath, limit: maxFileBytes)
        } catch {
            return .unreadable(error)
        }
        guard Self.contains(bytes, Self.screen) else { return .unmarked }
        return .parsed(rewrite(bytes, candidate: candidate).0, bytes)
    }

    /// Whether a file of this name may hold markers: `*.yaml`, `*.yml`, `Kustomization` (Flux's rule).
    public static func isCandidateFileName(_ path: String) -> Bool {
        FileWalker.isCandidateName(path.split(separator: "/").last.map(String.init) ?? path)
    }

    /// Plans the rewrite of files held in memory (a Git tree, say): the same name filter and
    /// `"$imagepolicy"` screen as a directory walk, in the order given. No I/O.
    public func plan(files: [(path: String, bytes: [UInt8])]) -> SetterPlan {
        var plan = SetterPlan()
        for file in files {
            let name = file.path.split(separator: "/").last.map(String.init) ?? file.path
            guard FileWalker.isCandidateName(name), Self.contains(file.bytes, Self.screen) else { continue }
            if file.bytes.count > maxFileBytes {
                plan.warnings.append(
                    .init(
                        severity: .warning, file: file.path,
                        message: "skipped: \(file.bytes.count) bytes, over the \(maxFileBytes)-byte limit"))
                continue
            }
            let candidate = Candidate(relativePath: file.path, readPath: file.path, writePath: file.path)
            if let rewrite = merge(rewrite(file.bytes, candidate: candidate), into: &plan) {
                plan.rewrites.append(rewrite)
            }
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
            FileRewriter(
                policies: policies, unresolved: unresolved, tagGuard: tagGuard, reportsMarkers: reportsMarkers,
                parser: parser
            ).rewrite(bytes, file: candidate.relativePath), candidate,
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
        plan.markers += outcome.markers
        guard let updated = outcome.updated, !outcome.changes.isEmpty else { return nil }
        plan.changes += outcome.changes
        return FileRewrite(
            relativePath: candidate.relativePath, absolutePath: candidate.writePath, original: bytes,
            updated: updated, changes: outcome.changes)
    }

    /// Whether `needle` occurs in `haystack`. The screen runs on every file, so candidates are
    /// found with libc's vectorised `memchr` on the needle's second byte (`$` for the marker
    /// screen, rare in YAML, where the leading `"` is everywhere) and then compared.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count >= 2 else { return needle.isEmpty || haystack.contains(needle[0]) }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { h in
            guard let base = h.baseAddress else { return false }
            var offset = 1
            let lastAnchor = h.count - needle.count + 1
            while offset <= lastAnchor {
                guard let hit = memchr(base + offset, Int32(needle[1]), lastAnchor - offset + 1) else { return false }
                let anchor = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if h[(anchor - 1)..<(anchor - 1 + needle.count)].elementsEqual(needle) { return true }
                offset = anchor + 1
            }
            return false
        }
    }
}

/// Hands the walker's batches to the planning loop: an unbounded queue (batches hold paths
/// only) with a semaphore counting what is ready. State is behind a `Mutex`.
private final class BatchChannel: Sendable {
    private struct State {
        var batches: [[Candidate]] = []
        var next = 0
        var diagnostics: FileWalker.Diagnostics?
        var cancelled = false
    }

    private let state = Mutex(State())
    private let ready = DispatchSemaphore(value: 0)

    func send(_ batch: [Candidate]) {
        state.withLock { $0.batches.append(batch) }
        ready.signal()
    }

    func finish(_ diagnostics: FileWalker.Diagnostics) {
        state.withLock { $0.diagnostics = diagnostics }
        ready.signal()
    }

    /// The next batch, waiting for the walker; nil once the walk is over and all were taken.
    func receive() -> [Candidate]? {
        ready.wait()
        return state.withLock { state in
            guard state.next < state.batches.count else { return nil }
            defer {
                state.batches[state.next] = []  // release what was handed out
                state.next += 1
            }
            return state.batches[state.next]
        }
    }

    /// The walker's warnings and errors; valid after `receive()` returned nil.
    var diagnostics: FileWalker.Diagnostics { state.withLock { $0.diagnostics ?? .init() } }

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    func cancel() { state.withLock { $0.cancelled = true } }
}
