/// When and how long to wait before another attempt.
struct RetryPolicy: Sendable {
    /// go-containerregistry's retryable statuses (transport/retry.go), plus nothing else.
    static let retryableStatuses: Set<Int> = [408, 429, 499, 500, 502, 503, 504, 522]

    var maxAttempts: Int
    var baseDelay: Double
    var maxDelay: Double

    init(_ options: RegistryOptions) {
        maxAttempts = max(1, options.maxAttempts)
        baseDelay = max(0, options.retryBaseDelay)
        maxDelay = max(0, options.maxRetryDelay)
    }

    /// The wait before attempt `attempt + 1` (attempt is 1-based): `Retry-After` if the server
    /// sent one (capped), else full jitter over `base·2^(attempt-1)` (capped).
    func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return min(max(0, retryAfter), maxDelay) }
        let exponent = Double(min(attempt - 1, 30))
        let ceiling = min(maxDelay, baseDelay * pow2(exponent))
        return ceiling > 0 ? Double.random(in: 0...ceiling) : 0
    }

    private func pow2(_ e: Double) -> Double {
        Double(1 << Int(e))  // e ≤ 30
    }
}
