import CrewCore
import Foundation
import HTTPTypes
import Hummingbird

/// Turns an `Authorization` header into an identity: a `crew_` token from the store, else a JWT when the server
/// verifies them. Auth is required once a live token exists or JWTs are configured; until then the API is open.
struct Authenticator: Sendable {
    let tokens: TokenStore
    let jwt: JWTVerifier?

    func isRequired() async -> Bool {
        if jwt != nil { return true }
        // A database that cannot answer fails closed.
        return (try? await tokens.hasActiveTokens()) ?? true
    }

    /// The session cookie's name: `POST /v1/session` sets it for a browser, holding the credential it was given.
    static let cookie = "crew_session"

    /// The caller of `request`: its `Authorization: Bearer` header, else its session cookie.
    func identify(_ request: Request) async -> Identity? {
        if let header = request.headers[.authorization] { return await identify(header) }
        guard let cookies = request.headers[.cookie] else { return nil }
        for pair in cookies.split(separator: ";") {
            let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0] == Self.cookie { return await identify("Bearer " + parts[1]) }
        }
        return nil
    }

    /// The caller, or nil when the header holds nothing valid (missing, unknown, expired, revoked, bad signature).
    func identify(_ header: String?) async -> Identity? {
        guard let header, header.hasPrefix("Bearer ") else { return nil }
        let credential = String(header.dropFirst("Bearer ".count))
        guard credential.utf8.count <= 8192 else { return nil }
        if credential.hasPrefix("crew_") {
            guard let holder = await tokens.verify(credential) else { return nil }
            return Identity(actor: "token:\(holder.name)", role: holder.role, bucket: "token:\(holder.id)")
        }
        return await jwt?.identify(credential)
    }
}

/// Bearer tokens and roles, per route group: 401 without a valid credential (with `WWW-Authenticate: Bearer`), 403
/// when its role is below the group's. Groups that change something write every attempt to the audit log.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = CrewContext
    let authenticator: Authenticator
    let minimum: Role
    let audit: AuditLog?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        guard let audit else { return try await authorize(request, &context, next: next) }
        var status = 500
        var actor = "unknown"
        defer {
            let entry = AuditLog.Entry(
                id: AuditLog.newID(at: Date()), at: Date(), actor: context.identity?.actor ?? actor,
                action: "\(request.method.rawValue) \(context.endpointPath ?? "?")",
                target: String(request.uri.path.prefix(256)), address: context.address,
                requestID: request.headers[ErrorMiddleware<Context>.requestIDField].map { String($0.prefix(128)) },
                status: status)
            Task { try? await audit.append(entry) }
        }
        do {
            let response = try await authorize(request, &context, next: next)
            status = Int(response.status.code)
            return response
        } catch {
            status = Self.status(of: error)
            if status == 401 { actor = "unauthenticated" }
            throw error
        }
    }

    /// The status the error middleware answers `error` with.
    static func status(of error: any Error) -> Int {
        switch error {
        case let error as APIError: return Int(error.status.code)
        case let error as any HTTPResponseError: return Int(error.status.code)
        case let failure as any CodedFailure: return Int(APIError.from(failure).status.code)
        default: return 500
        }
    }

    func authorize(_ request: Request, _ context: inout Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard await authenticator.isRequired() else {
            context.identity = .anonymous(address: context.address)
            return try await next(request, context)
        }
        guard let holder = await authenticator.identify(request) else {
            var error = APIError(.unauthorized, .unauthorized, "a valid token is needed: `Authorization: Bearer TOKEN`")
            error.headers[.wwwAuthenticate] = "Bearer"
            throw error
        }
        context.identity = holder
        guard holder.role >= minimum else {
            throw APIError(
                .forbidden, .forbidden,
                "`\(holder.actor)` is a \(holder.role.rawValue); this needs a \(minimum.rawValue)")
        }
        return try await next(request, context)
    }
}
