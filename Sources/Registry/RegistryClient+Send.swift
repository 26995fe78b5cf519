import Basics
import Logging
import Metrics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension RegistryClient {
    /// Sends a request, retrying transient failures and retryable statuses with backoff.
    /// Returns the last response even if its status is retryable, so the caller can report it.
    func sendWithRetry(_ request: HTTPRequest, _ context: RequestContext) async throws(RegistryError) -> HTTPResponse {
        let policy = RetryPolicy(context.options)
        var attempt = 0
        while true {
            attempt += 1
            try checkAlive(context, request)
            var transfer = context.options.transfer
            let remaining = context.remainingSeconds
            transfer.totalTimeout = min(transfer.totalTimeout, remaining)
            transfer.connectTimeout = min(transfer.connectTimeout, remaining)
            let result = await semaphore(for: context.reference.registry).withPermit {
                await transport.send(request, options: transfer)
            }
            var retryAfter: Double?
            let reason: String
            Self.recordRequest(registry: context.reference.registry, result: result)
            switch result {
            case .success(let response):
                guard RetryPolicy.retryableStatuses.contains(response.status), attempt < policy.maxAttempts else {
                    return response
                }
                retryAfter = response.header("retry-after").flatMap {
                    RetryAfter.delay($0, now: Date().timeIntervalSince1970)
                }
                reason = "status \(response.status)"
                let wait = policy.delay(afterAttempt: attempt, retryAfter: retryAfter)
                // Waiting past the deadline is pointless: report the response now.
                if wait >= context.remainingSeconds { return response }
                try await pause(wait, attempt: attempt, reason: reason, request: request, context: context)
            case .failure(let error):
                guard error.isRetryable, attempt < policy.maxAttempts else { throw error }
                let wait = policy.delay(afterAttempt: attempt, retryAfter: nil)
                if wait >= context.remainingSeconds { throw error }
                try await pause(wait, attempt: attempt, reason: error.message, request: request, context: context)
            }
        }
    }

    /// `imagebot_registry_requests_total{registry,code}` (code `error` for transport failures)
    /// and `imagebot_registry_throttled_total` for 429s.
    static func recordRequest(registry: String, result: Result<HTTPResponse, RegistryError>) {
        let code: String
        switch result {
        case .success(let response): code = String(response.status)
        case .failure: code = "error"
        }
        Counter(label: "imagebot_registry_requests_total", dimensions: [("registry", registry), ("code", code)])
            .increment()
        if code == "429" {
            Counter(label: "imagebot_registry_throttled_total", dimensions: [("registry", registry)]).increment()
        }
    }

    private func pause(
        _ seconds: Double, attempt: Int, reason: String, request: HTTPRequest, context: RequestContext
    ) async throws(RegistryError) {
        Timer(label: "imagebot_registry_retry_wait_seconds").record(duration: .milliseconds(Int64(seconds * 1000)))
        logger?.debug(
            "registry request failed, retrying",
            metadata: [
                "image": "\(context.reference.canonicalName)", "method": "\(request.method)",
                "url": "\(redactUserinfo(request.url))", "attempt": "\(attempt)", "reason": "\(reason)",
                "delay_ms": "\(Int(seconds * 1000))",
            ])
        do {
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        } catch {
            throw RegistryError(
                code: .cancelled, message: "\(request.method) \(redactUserinfo(request.url)): cancelled")
        }
    }

    private func checkAlive(_ context: RequestContext, _ request: HTTPRequest) throws(RegistryError) {
        if Task.isCancelled {
            throw RegistryError(
                code: .cancelled, message: "\(request.method) \(redactUserinfo(request.url)): cancelled")
        }
        if context.remainingSeconds <= 0 {
            throw RegistryError(
                code: .timeout,
                message: "\(request.method) \(redactUserinfo(request.url)): operation deadline of "
                    + "\(context.options.timeout)s exceeded")
        }
    }

    /// Sends a request with whatever authorization the registry asks for: a cached bearer
    /// token, Basic, or a fresh token after a `401` challenge (one refresh per request).
    func authorizedSend(_ base: HTTPRequest, _ context: RequestContext) async throws(RegistryError) -> HTTPResponse {
        let credentials = context.options.credentials
        let registry = context.reference.registry
        let key = TokenCache.key(registry: registry, scope: context.scope, credentials: credentials)
        var authorization: String?
        if let token = tokens.token(for: key) {
            authorization = "Bearer \(token)"
        } else if tokens.usesBasic(registry) {
            authorization = basicAuthorization(credentials)
        }
        var challenged = false
        while true {
            var request = base
            if let authorization { request.headers.append((name: "Authorization", value: authorization)) }
            let response = try await sendWithRetry(request, context)
            guard response.status == 401, !challenged else { return response }
            challenged = true
            let header = response.headers("www-authenticate").joined(separator: ", ")
            guard let challenge = AuthChallenge.preferred(in: AuthChallenge.parse(header)) else { return response }
            switch challenge.scheme {
            case "bearer":
                tokens.remove(key)
                let token = try await bearerToken(for: challenge, context)
                authorization = "Bearer \(token)"
            case "basic":
                guard let basic = basicAuthorization(credentials) else { return response }
                tokens.markBasic(registry)
                authorization = basic
            default:
                return response
            }
        }
    }

    func basicAuthorization(_ credentials: RegistryCredentials) -> String? {
        guard case .basic(let user, let password) = credentials else { return nil }
        return "Basic " + Base64.encode(Array("\(user):\(password)".utf8))
    }
}
