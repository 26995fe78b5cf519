#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory `flock` on a file (created if missing), held until this is released and dropped
/// by the kernel when the process dies. The one flock owner for the Git cache's and a local
/// remote's locks.
final class FileLock {
    private let descriptor: Int32

    /// Takes the lock on `path`; with `wait` false nil when another holder has it, with `wait`
    /// true blocks until it is free. Nil when the file cannot be opened.
    init?(path: String, wait: Bool) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        while flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0 {
            guard wait, errno == EINTR else {
                close(fd)
                return nil
            }
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
