import CrewCore

/// Gemini `generateContent`: a GenerateContentResponse, or (`streamGenerateContent?alt=sse`) one response per
/// piece, CRLF-framed, with `finishReason` only on the last.
struct GeminiFormat: ProviderFormat {
    func answer(_ answer: Answer, usage: Usage, request: RecordedRequest) -> ResponsePlan {
        guard request.streaming else {
            let parts = Self.parts(answer, whole: true)
            return .json(chunk(parts[0], finished: true, usage: usage, request), contentType: Self.contentType)
        }
        let pieces = Self.parts(answer, whole: false)
        var events: [PlannedEvent] = []
        for (number, piece) in pieces.enumerated() {
            let last = number == pieces.count - 1
            // Running output counts, as Gemini reports them; the last chunk carries the final figures.
            let partial = Usage(input: usage.input, output: usage.output * (number + 1) / pieces.count)
            let data = chunk(piece, finished: last, usage: partial, request).serialized()
            events.append(PlannedEvent(name: nil, data: data, kind: last ? .finish : .content))
        }
        return .stream(events, contentType: "text/event-stream", lineEnd: "\r\n")
    }

    static let contentType = "application/json; charset=UTF-8"

    /// The parts of each chunk: one chunk with every part (`whole`), or one per text piece and one per call.
    private static func parts(_ answer: Answer, whole: Bool) -> [[JSONValue]] {
        var text = whole ? [answer.text] : answer.pieces
        var calls: [JSONValue] = []
        if case .toolCalls(let scripted, let words) = answer {
            text = whole ? (words.isEmpty ? [] : [words]) : answer.pieces
            calls = scripted.map(functionCall)
        }
        let pieces = text.map { [JSONValue.object(["text": .string($0)])] } + calls.map { [$0] }
        guard !pieces.isEmpty else { return [[.object(["text": .string("")])]] }
        return whole ? [pieces.flatMap { $0 }] : pieces
    }

    private static func functionCall(_ call: ScriptedToolCall) -> JSONValue {
        let function: JSONValue = .object(dropping: [
            ("name", .string(call.name)), ("args", call.argumentsObject), ("id", call.id.map(JSONValue.string)),
        ])
        return .object(dropping: [
            ("functionCall", function), ("thoughtSignature", call.signature.map(JSONValue.string)),
        ])
    }

    private func chunk(_ parts: [JSONValue], finished: Bool, usage: Usage, _ request: RecordedRequest) -> JSONValue {
        let content: JSONValue = .object(["parts": .array(parts), "role": .string("model")])
        var candidate: [String: JSONValue] = ["content": content, "index": .int(0)]
        if finished { candidate["finishReason"] = .string("STOP") }
        let metadata: JSONValue = .object([
            "promptTokenCount": .int(usage.input), "candidatesTokenCount": .int(usage.output),
            "totalTokenCount": .int(usage.total),
        ])
        return .object([
            "candidates": .array([.object(candidate)]), "usageMetadata": metadata,
            "modelVersion": .string(request.model ?? "test-model"),
        ])
    }

    /// `{"error":{"code","message","status"}}` with Google's canonical status name for the HTTP status.
    func failure(status: Int, message: String?, request: RecordedRequest) -> ResponsePlan {
        let (name, text): (String, String) =
            switch status {
            case 400: ("INVALID_ARGUMENT", "Request contains an invalid argument.")
            case 401: ("UNAUTHENTICATED", "Request had invalid authentication credentials.")
            case 403: ("PERMISSION_DENIED", "The caller does not have permission.")
            case 404: ("NOT_FOUND", "Requested entity was not found.")
            case 429: ("RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).")
            case 500: ("INTERNAL", "An internal error has occurred.")
            case 503: ("UNAVAILABLE", "The model is overloaded. Please try again later.")
            case 504: ("DEADLINE_EXCEEDED", "The request timed out.")
            default: (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION", "Request failed with status \(status).")
            }
        let error: JSONValue = .object([
            "code": .int(status), "message": .string(message ?? text), "status": .string(name),
        ])
        return .json(.object(["error": error]), status: status, contentType: Self.contentType)
    }
}
