import CrewCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Security headers on every response, and CORS for the origins of `--cors-origin` only: a preflight from one of
/// them is answered here (204), from any other origin refused (403); simple requests from other origins get no CORS
/// headers, so browsers keep their answers from the page.
struct HeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>
    let tls: Bool

    static var allowedHeaders: String {
        "Authorization, Content-Type, Idempotency-Key, If-Match, Last-Event-ID, X-Request-ID"
    }
    static var exposedHeaders: String { "ETag, Location, Retry-After, X-Request-ID, Idempotent-Replayed" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let origin = request.headers[.origin]
        let allowed = origin.map { origins.contains($0) } ?? false
        var response: Response
        if request.method == .options, origin != nil, request.headers[.accessControlRequestMethod] != nil {
            guard allowed else {
                response = JSONResponse.make(
                    .object([
                        "error": .object([
                            "code": .string(APIError.Code.forbidden.rawValue),
                            "message": .string("this origin is not allowed: the server's --cors-origin list it"),
                        ])
                    ]), status: .forbidden)
                addSecurityHeaders(&response)
                return response
            }
            response = Response(status: .noContent)
            response.headers[.accessControlAllowMethods] = "GET, POST, PUT, DELETE, OPTIONS"
            response.headers[.accessControlAllowHeaders] = Self.allowedHeaders
            response.headers[.accessControlMaxAge] = "600"
        } else {
            response = try await next(request, context)
        }
        if allowed, let origin {
            response.headers[.accessControlAllowOrigin] = origin
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
            response.headers[.vary] = "Origin"
        }
        addSecurityHeaders(&response)
        return response
    }

    func addSecurityHeaders(_ response: inout Response) {
        // A dashboard page brings its own policy; everything else may load nothing.
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if tls { response.headers[.strictTransportSecurity] = "max-age=31536000" }
    }
}

/// A rate per caller (a token, a JWT subject, or an address while the API is open): `perMinute` requests a minute
/// with bursts of up to `burst`, as a generic cell rate: each caller is one time stamp, the earliest time its next
/// request is on schedule.
actor RateLimiter {
    let interval: Double
    let tolerance: Double
    private var schedule: [String: Double] = [:]

    init(perMinute: Int, burst: Int) {
        interval = 60 / Double(max(1, perMinute))
        tolerance = interval * Double(max(1, burst) - 1)
    }

    /// Nil when the request may go; else the seconds to wait.
    func admit(_ key: String, now: Double = ProcessInfo.processInfo.systemUptime) -> Double? {
        let theoretical = max(schedule[key] ?? now, now)
        if theoretical - now > tolerance { return theoretical - now - tolerance }
        schedule[key] = theoretical + interval
        if schedule.count > 100_000 { schedule = schedule.filter { $0.value > now } }
        return nil
    }
}

struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = CrewContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let key = context.identity?.bucket ?? context.address
        if let wait = await limiter.admit(key) {
            var error = APIError(
                .tooManyRequests, .rateLimited,
                "too many requests from this caller; retry in \(Int(wait.rounded(.up))) s")
            error.headers[.retryAfter] = String(max(1, Int(wait.rounded(.up))))
            throw error
        }
        return try await next(request, context)
    }
}

/// Counts every request by method, route pattern and status, with its duration.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        // The HTTP parser knows a fixed list of methods (it answers 400 to any other), so labels stay bounded.
        metrics.request(
            method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
            status: Int(response.status.code), duration: ContinuousClock.now - started)
        return response
    }
}
