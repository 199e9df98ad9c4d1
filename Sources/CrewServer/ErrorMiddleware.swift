import CrewCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Every response carries the request's id (`X-Request-ID`: the client's when it sent a plain one, else a new one),
/// every error leaves in the API's one shape, and the log line of a change or a failure names the id.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    static var requestIDField: HTTPField.Name { HTTPField.Name("X-Request-ID")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let id = Self.requestID(request)
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = try error.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            response = try Self.translate(error, request: request, context: context)
        } catch let failure as any CodedFailure {
            response = try APIError.from(failure).response(from: request, context: context)
        } catch {
            context.logger.error("request \(id) failed: \(error)")
            response = try APIError(.internalServerError, .internalError, "the server could not answer this request")
                .response(from: request, context: context)
        }
        response.headers[Self.requestIDField] = id
        // Changes and failures are logged with the request's id, by route pattern (never the client's text); reads
        // that succeed only at debug level, so a busy server's log stays readable.
        let level: Logger.Level = request.method == .get && response.status.code < 400 ? .debug : .info
        let route = context.endpointPath ?? "unmatched"
        context.logger.log(
            level: level, "\(request.method.rawValue) \(route) \(response.status.code) request_id=\(id)",
            metadata: [
                "request_id": "\(id)", "method": "\(request.method.rawValue)", "route": "\(route)",
                "status": "\(response.status.code)",
            ])
        return response
    }

    /// The client's id when it is short and plain (it is echoed into headers and logs), else a fresh one.
    static func requestID(_ request: Request) -> String {
        if let given = request.headers[requestIDField], given.count <= 128,
            given.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789-_.:".unicodeScalars.contains($0))
            })
        {
            return given
        }
        return UUID().uuidString.lowercased()
    }

    /// Hummingbird's own errors (no route, a body too large) in the API's shape.
    static func translate(_ error: any HTTPResponseError, request: Request, context: Context) throws -> Response {
        let code: APIError.Code
        switch error.status {
        case .notFound: code = .notFound
        case .unauthorized: code = .unauthorized
        case .forbidden: code = .forbidden
        case .methodNotAllowed: code = .methodNotAllowed
        case .contentTooLarge: code = .payloadTooLarge
        case .unsupportedMediaType: code = .unsupportedMediaType
        case .internalServerError: code = .internalError
        default: code = .badRequest
        }
        let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
        return try APIError(error.status, code, message).response(from: request, context: context)
    }
}
