import Basics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Watches the config dir by polling a fingerprint of its manifest files (inotify does not see
/// a ConfigMap volume's atomic symlink swap reliably; a poll every few seconds is cheap).
struct ConfigWatcher: Sendable {
    var directory: String
    var interval: Duration

    /// A digest of the manifest files' paths and contents: cheap for a config dir, and it sees
    /// a ConfigMap's atomic symlink swap as well as an edit in place. "missing" without a dir.
    static func fingerprint(of directory: String) -> String {
        guard let files = ConfigLoader.manifestFiles(directory: directory) else { return "missing" }
        var bytes: [UInt8] = []
        for file in files {
            bytes += Array(file.utf8) + [0]
            if let data = FileManager.default.contents(atPath: file) { bytes += Array(data) }
            bytes.append(0)
        }
        return SHA256.hex(bytes)
    }

    func fingerprint() -> String { Self.fingerprint(of: directory) }

    /// Calls `changed` with each new fingerprint, checking every `interval`, until cancelled.
    func watch(from initial: String, clock: any DaemonClock, changed: @Sendable (String) async -> Void) async {
        var last = initial
        while !Task.isCancelled {
            do { try await clock.sleep(until: clock.now + interval) } catch { return }
            let current = fingerprint()
            if current != last {
                last = current
                await changed(current)
            }
        }
    }
}
