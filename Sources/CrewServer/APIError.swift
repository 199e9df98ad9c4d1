import CrewCore
import HTTPTypes
import Hummingbird
import NIOCore

/// The one shape of every error the API returns: `{"error": {"code", "message", "details"}}`.
struct APIError: HTTPResponseError {
    enum Code: String {
        case badRequest = "bad_request"
        case unauthorized
        case forbidden
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        case invalidCrew = "invalid_crew"
        case invalidInput = "invalid_input"
        case conflict
        case preconditionFailed = "precondition_failed"
        case preconditionRequired = "precondition_required"
        case payloadTooLarge = "payload_too_large"
        case unsupportedMediaType = "unsupported_media_type"
        case rateLimited = "rate_limited"
        case unavailable
        case internalError = "internal"
    }

    var status: HTTPResponse.Status
    var code: Code
    var message: String
    var details: JSONValue?
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: Code, _ message: String, details: JSONValue? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(
            .object([
                "error": .object(dropping: [
                    ("code", .string(code.rawValue)), ("message", .string(message)), ("details", details),
                ])
            ]),
            status: status, headers: headers)
    }

    static func notFound(_ what: String) -> APIError { APIError(.notFound, .notFound, what) }

    /// A coded failure from the library: its code and message, with the status its kind calls for.
    static func from(_ failure: any CodedFailure) -> APIError {
        let status: HTTPResponse.Status
        switch failure.code {
        case .r504: status = .notFound
        case .r505, .r506, .r507, .r509: status = .conflict
        case .r510, .r517, .r520: status = .unprocessableContent
        default: status = .internalServerError
        }
        let code: Code =
            status == .notFound
            ? .notFound
            : status == .conflict ? .conflict : status == .internalServerError ? .internalError : .invalidInput
        return APIError(status, code, "\(failure)", details: .object(["failure_code": .string(failure.code.rawValue)]))
    }
}

/// JSON bodies, written by crew's own serializer (sorted keys, control characters escaped).
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        let text = value.serialized() + "\n"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A body the caller assembled from the writer's own output.
    static func make(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
