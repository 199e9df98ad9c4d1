import CrewCore
import HTTPTypes
import Hummingbird

/// Bearer tokens and roles. With no live token the API is open, and then the server listens on this machine only;
/// once a token exists every request under /v1 needs one: 401 without a valid token, 403 when its role is too low.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: TokenStore
    let minimum: Role

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard (try? tokens.hasActiveTokens()) ?? true else { return try await next(request, context) }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            let holder = tokens.verify(String(header.dropFirst("Bearer ".count)))
        else {
            var error = APIError(.unauthorized, .unauthorized, "a valid token is needed: `Authorization: Bearer TOKEN`")
            error.headers[.wwwAuthenticate] = "Bearer"
            throw error
        }
        guard holder.role >= minimum else {
            throw APIError(
                .forbidden, .forbidden,
                "token `\(holder.name)` is a \(holder.role.rawValue); this needs a \(minimum.rawValue)")
        }
        return try await next(request, context)
    }
}
