internal import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs once, thread-safely (Swift lazy global), before any other libcurl call.
/// Never paired with `curl_global_cleanup`: a daemon has no safe point for it (swift-style §4.2).
private let curlGlobalInitResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

func ensureCurlInitialized() {
    precondition(curlGlobalInitResult == CURLE_OK, "curl_global_init failed")
}

/// Owns a `CURLSH` share handle so connections, DNS and TLS sessions are reused across the
/// per-transfer easy handles.
///
/// `@unchecked Sendable`: libcurl calls our lock/unlock callbacks around every access to the
/// shared data, and they take one pthread mutex per `curl_lock_data` (allocated below, freed in
/// `deinit`), so handles on different threads may use it at once (libcurl-share(3)).
final class CurlShare: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer  // CURLSH *
    private let mutexes: UnsafeMutablePointer<pthread_mutex_t>
    private static let lockCount = Int(CURL_LOCK_DATA_LAST.rawValue) + 1

    init() {
        ensureCurlInitialized()
        guard let h = curl_share_init() else { preconditionFailure("curl_share_init returned NULL (out of memory)") }
        handle = h
        mutexes = .allocate(capacity: Self.lockCount)
        for i in 0..<Self.lockCount { pthread_mutex_init(mutexes + i, nil) }
        _ = imagebot_share_setopt_ptr(h, CURLSHOPT_USERDATA, UnsafeMutableRawPointer(mutexes))
        _ = imagebot_share_setopt_lock(h) { _, data, _, user in
            guard let user else { return }
            pthread_mutex_lock(user.assumingMemoryBound(to: pthread_mutex_t.self) + Int(data.rawValue))
        }
        _ = imagebot_share_setopt_unlock(h) { _, data, user in
            guard let user else { return }
            pthread_mutex_unlock(user.assumingMemoryBound(to: pthread_mutex_t.self) + Int(data.rawValue))
        }
        for data in [CURL_LOCK_DATA_CONNECT, CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION] {
            _ = imagebot_share_setopt_long(h, CURLSHOPT_SHARE, Int(data.rawValue))
        }
    }

    deinit {
        // Every easy handle that used this share has been cleaned up: transfers hold a strong
        // reference to the share until they finish.
        curl_share_cleanup(handle)
        for i in 0..<Self.lockCount { pthread_mutex_destroy(mutexes + i) }
        mutexes.deallocate()
    }
}
