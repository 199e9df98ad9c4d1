import CrewCore

/// Builds an answer or an error body in one provider's wire format.
protocol ProviderFormat {
    func answer(_ answer: Answer, usage: Usage, request: RecordedRequest) -> ResponsePlan
    func failure(status: Int, message: String?, request: RecordedRequest) -> ResponsePlan
}

/// The fixed `created` timestamp of OpenAI answers, so bodies are reproducible.
let openAICreated = 1_700_000_000

/// OpenAI Chat Completions: `chat.completion` objects, or `chat.completion.chunk` events ending in `[DONE]`.
struct OpenAIFormat: ProviderFormat {
    func answer(_ answer: Answer, usage: Usage, request: RecordedRequest) -> ResponsePlan {
        request.streaming
            ? stream(answer, usage: usage, request: request) : whole(answer, usage: usage, request: request)
    }

    private func whole(_ answer: Answer, usage: Usage, request: RecordedRequest) -> ResponsePlan {
        var message: [String: JSONValue] = ["role": .string("assistant"), "content": .string(answer.text)]
        var finish = "stop"
        if case .toolCalls(let calls, let text) = answer {
            message["content"] = text.isEmpty ? .null : .string(text)
            message["tool_calls"] = .array(
                calls.enumerated().map { number, call in
                    .object([
                        "id": .string(call.id(prefix: "call", request: request, number: number)),
                        "type": .string("function"),
                        "function": .object(["name": .string(call.name), "arguments": .string(call.arguments)]),
                    ])
                })
            finish = "tool_calls"
        }
        let choice: JSONValue = .object([
            "index": .int(0), "message": .object(message), "finish_reason": .string(finish),
        ])
        var body = envelope(request, object: "chat.completion")
        body["choices"] = .array([choice])
        body["usage"] = Self.usage(usage)
        return .json(.object(body))
    }

    private func stream(_ answer: Answer, usage: Usage, request: RecordedRequest) -> ResponsePlan {
        let opening = delta(["role": .string("assistant"), "content": .string("")], finish: nil, request)
        var events = [PlannedEvent(name: nil, data: opening, kind: .opening)]
        for piece in answer.pieces {
            events.append(
                PlannedEvent(name: nil, data: delta(["content": .string(piece)], finish: nil, request), kind: .content))
        }
        var finish = "stop"
        if case .toolCalls(let calls, _) = answer {
            events += callEvents(calls, request)
            finish = "tool_calls"
        }
        events.append(PlannedEvent(name: nil, data: delta([:], finish: finish, request), kind: .finish))
        if request.json?["stream_options"]?["include_usage"]?.boolValue == true {
            var chunk = envelope(request, object: "chat.completion.chunk")
            chunk["choices"] = .array([])
            chunk["usage"] = Self.usage(usage)
            events.append(PlannedEvent(name: nil, data: JSONValue.object(chunk).serialized(), kind: .finish))
        }
        events.append(PlannedEvent(name: nil, data: "[DONE]", kind: .finish))
        return .stream(events, contentType: "text/event-stream; charset=utf-8")
    }

    /// Each call as OpenAI streams it: a chunk with its index, id, name and empty arguments, then one chunk per
    /// argument fragment with only the index and the fragment.
    private func callEvents(_ calls: [ScriptedToolCall], _ request: RecordedRequest) -> [PlannedEvent] {
        var events: [PlannedEvent] = []
        for (number, call) in calls.enumerated() {
            let first: JSONValue = .object([
                "index": .int(number), "id": .string(call.id(prefix: "call", request: request, number: number)),
                "type": .string("function"),
                "function": .object(["name": .string(call.name), "arguments": .string("")]),
            ])
            let pieces =
                [first]
                + call.fragments.map { fragment -> JSONValue in
                    .object(["index": .int(number), "function": .object(["arguments": .string(fragment)])])
                }
            events += pieces.map {
                PlannedEvent(name: nil, data: delta(["tool_calls": .array([$0])], finish: nil, request), kind: .content)
            }
        }
        return events
    }

    private func delta(_ delta: [String: JSONValue], finish: String?, _ request: RecordedRequest) -> String {
        let choice: JSONValue = .object([
            "index": .int(0), "delta": .object(delta), "finish_reason": finish.map { .string($0) } ?? .null,
        ])
        var chunk = envelope(request, object: "chat.completion.chunk")
        chunk["choices"] = .array([choice])
        return JSONValue.object(chunk).serialized()
    }

    private func envelope(_ request: RecordedRequest, object: String) -> [String: JSONValue] {
        [
            "id": .string("chatcmpl-\(request.index)"), "object": .string(object), "created": .int(openAICreated),
            "model": .string(request.model ?? "test-model"),
        ]
    }

    static func usage(_ usage: Usage) -> JSONValue {
        .object([
            "prompt_tokens": .int(usage.input), "completion_tokens": .int(usage.output),
            "total_tokens": .int(usage.total),
        ])
    }

    func failure(status: Int, message: String?, request: RecordedRequest) -> ResponsePlan {
        Self.error(status: status, message: message)
    }

    /// `{"error":{"message","type","param","code"}}` with the type and code OpenAI uses for the status.
    static func error(status: Int, message: String?) -> ResponsePlan {
        let (type, code, text): (String, String?, String) =
            switch status {
            case 400: ("invalid_request_error", nil, "Invalid request.")
            case 401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided.")
            case 403: ("invalid_request_error", "unsupported_country_region_territory", "Forbidden.")
            case 404: ("invalid_request_error", nil, "Invalid URL.")
            case 429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again later.")
            case 500..<600: ("server_error", nil, "The server had an error while processing your request.")
            default: ("invalid_request_error", nil, "Request failed with status \(status).")
            }
        let error: JSONValue = .object([
            "message": .string(message ?? text), "type": .string(type), "param": .null,
            "code": code.map { .string($0) } ?? .null,
        ])
        return .json(.object(["error": error]), status: status)
    }
}
