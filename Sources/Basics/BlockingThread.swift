#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs blocking work (libcurl transfers, credential helpers, libgit2 fetches and pushes) on a
/// fresh detached pthread and
/// resumes the caller when it is done.
///
/// Why not Dispatch: libdispatch sizes its pools by CPU count (2 here) and only slowly adds
/// threads when work blocks, so a few slow registries would stall every other transfer. A thread
/// per job costs tens of microseconds, negligible next to a network round trip; the number of
/// jobs is bounded by `BlockingThread.limit` and the client's per-registry semaphores.
public enum BlockingThread {
    /// Most blocking jobs running at once, process-wide.
    static let limit = AsyncSemaphore(permits: 64)

    /// Runs `body` on its own thread and returns its result to the awaiting task.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await limit.acquire()
        defer { limit.release() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let job = Job { continuation.resume(returning: body()) }
            let context = Unmanaged.passRetained(job).toOpaque()
            var thread = pthread_t()
            let rc = pthread_create(
                &thread, nil,
                { raw in
                    guard let raw else { return nil }
                    let job = Unmanaged<Job>.fromOpaque(raw).takeRetainedValue()
                    job.body()
                    return nil
                }, context)
            if rc == 0 {
                pthread_detach(thread)
            } else {
                // No thread available (EAGAIN): run inline rather than fail; rare and still correct.
                Unmanaged<Job>.fromOpaque(context).takeRetainedValue().body()
            }
        }
    }

    private final class Job: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
