import Automation
import Hummingbird
import Logging
import Prometheus

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The daemon's one HTTP port: health, readiness, Prometheus metrics, the status API and its
/// HTML page, and the registry webhooks.
enum DaemonHTTP {
    /// Largest webhook body read (registries send a few KiB of JSON; the body is not needed).
    static let maxHookBody = 64 << 10

    static func router(controller: AutomationController, metrics: PrometheusCollectorRegistry, hookToken: [UInt8]?)
        -> Router<BasicRequestContext>
    {
        let router = Router()
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/readyz") { _, _ -> Response in
            await controller.isReady()
                ? text(.ok, "ready\n")
                : text(.serviceUnavailable, "not ready: config not loaded or state dir not writable\n")
        }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }
        router.get("/api/v1/status") { _, _ -> Response in
            let body = (try? await controller.status().json()) ?? Array("{}".utf8)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("/") { _, _ -> Response in
            let page = StatusPage.render(await controller.status(), now: Date())
            return Response(status: .ok, headers: pageHeaders, body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }
        let hook: @Sendable (Request, BasicRequestContext, String) async throws -> Response = { request, _, name in
            var request = request
            // Read (and cap) the body before answering, so an oversized upload is refused.
            _ = try await request.collectBody(upTo: maxHookBody)
            if let hookToken, !authorized(request, token: hookToken) {
                return text(.unauthorized, "missing or wrong token\n")
            }
            switch await controller.requestScan(name) {
            case .scheduled(let keys):
                return text(.accepted, "scan scheduled: \(keys.map(\.description).joined(separator: ", "))\n")
            case .otherShard:
                return text(.accepted, "ImageRepository \(name) is scanned by another shard\n")
            case .unknown:
                return text(.notFound, "no ImageRepository named \(name)\n")
            }
        }
        // `/hooks/<name>` (any namespace) or `/hooks/<namespace>/<name>`; the router needs the
        // first segment's parameter to have one name in both routes.
        router.post("/hooks/:first") { request, context in
            try await hook(request, context, context.parameters.get("first") ?? "")
        }
        router.post("/hooks/:first/:name") { request, context in
            try await hook(
                request, context, "\(context.parameters.get("first") ?? "")/\(context.parameters.get("name") ?? "")")
        }
        return router
    }

    /// The status page's headers. The page escapes every value; the policy is the second line
    /// of defence: no script, no frame, nothing fetched but the page's own inline style.
    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8",
        .cacheControl: "no-store",
        .init("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        .init("X-Content-Type-Options")!: "nosniff",
    ]

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// The token as `Authorization: Bearer <token>` or `?token=<token>` (for registries that
    /// can only be given a URL), compared in constant time.
    static func authorized(_ request: Request, token: [UInt8]) -> Bool {
        var given: [UInt8] = []
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            given = Array(header.dropFirst("Bearer ".count).utf8)
        } else if let query = request.uri.queryParameters.get("token") {
            given = Array(query.utf8)
        }
        return BearerToken.matches(given, token)
    }

    /// `:8080` → 0.0.0.0:8080; `127.0.0.1:0`; `[::1]:8080`.
    static func bindAddress(_ listen: String) throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw CommandError("--listen '\(listen)': expected HOST:PORT or :PORT")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
