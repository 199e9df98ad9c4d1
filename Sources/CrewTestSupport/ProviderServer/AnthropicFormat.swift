import CrewCore

/// Anthropic Messages: a `message` object, or the named event sequence from `message_start` to `message_stop`.
/// Structured answers are a `tool_use` block named `output`, streamed as `input_json_delta` fragments.
struct AnthropicFormat: ProviderFormat {
    func answer(_ answer: Answer, usage: Usage, request: RecordedRequest) -> ResponsePlan {
        request.streaming
            ? stream(answer, usage: usage, request: request) : whole(answer, usage: usage, request: request)
    }

    private func whole(_ answer: Answer, usage: Usage, request: RecordedRequest) -> ResponsePlan {
        let block: JSONValue =
            switch answer {
            case .text(let text): .object(["type": .string("text"), "text": .string(text)])
            case .json(let value): toolUse(request, input: value)
            }
        var message = envelope(request, stopReason: .string(stopReason(answer)))
        message["content"] = .array([block])
        message["usage"] = .object(["input_tokens": .int(usage.input), "output_tokens": .int(usage.output)])
        return .json(.object(message))
    }

    private func stream(_ answer: Answer, usage: Usage, request: RecordedRequest) -> ResponsePlan {
        var message = envelope(request, stopReason: .null)
        message["content"] = .array([])
        message["usage"] = .object(["input_tokens": .int(usage.input), "output_tokens": .int(1)])
        let block: JSONValue =
            switch answer {
            case .text: .object(["type": .string("text"), "text": .string("")])
            case .json: toolUse(request, input: .object([:]))
            }
        var events = [
            event("message_start", ["message": .object(message)], .opening),
            event("content_block_start", ["index": .int(0), "content_block": block], .opening),
            event("ping", [:], .opening),
        ]
        for piece in answer.pieces {
            let delta: JSONValue =
                switch answer {
                case .text: .object(["type": .string("text_delta"), "text": .string(piece)])
                case .json: .object(["type": .string("input_json_delta"), "partial_json": .string(piece)])
                }
            events.append(event("content_block_delta", ["index": .int(0), "delta": delta], .content))
        }
        let stop: JSONValue = .object(["stop_reason": .string(stopReason(answer)), "stop_sequence": .null])
        events += [
            event("content_block_stop", ["index": .int(0)], .finish),
            event("message_delta", ["delta": stop, "usage": .object(["output_tokens": .int(usage.output)])], .finish),
            event("message_stop", [:], .finish),
        ]
        return .stream(events, contentType: "text/event-stream; charset=utf-8")
    }

    /// An event whose data repeats its name in `type`, as Anthropic's do.
    private func event(_ name: String, _ members: [String: JSONValue], _ kind: PlannedEvent.Kind) -> PlannedEvent {
        var data = members
        data["type"] = .string(name)
        return PlannedEvent(name: name, data: JSONValue.object(data).serialized(), kind: kind)
    }

    private func envelope(_ request: RecordedRequest, stopReason: JSONValue) -> [String: JSONValue] {
        [
            "id": .string("msg_\(request.index)"), "type": .string("message"), "role": .string("assistant"),
            "model": .string(request.model ?? "test-model"), "stop_reason": stopReason, "stop_sequence": .null,
        ]
    }

    private func toolUse(_ request: RecordedRequest, input: JSONValue) -> JSONValue {
        .object([
            "type": .string("tool_use"), "id": .string("toolu_\(request.index)"), "name": .string("output"),
            "input": input,
        ])
    }

    private func stopReason(_ answer: Answer) -> String {
        if case .json = answer { return "tool_use" }
        return "end_turn"
    }

    /// `{"type":"error","error":{"type","message"}}` with Anthropic's error type for the status.
    func failure(status: Int, message: String?, request: RecordedRequest) -> ResponsePlan {
        let (type, text): (String, String) =
            switch status {
            case 400: ("invalid_request_error", "Invalid request.")
            case 401: ("authentication_error", "invalid x-api-key")
            case 403: ("permission_error", "Your API key does not have permission to use the specified resource.")
            case 404: ("not_found_error", "The requested resource could not be found.")
            case 413: ("request_too_large", "Request exceeds the maximum allowed number of bytes.")
            case 429: ("rate_limit_error", "Number of request tokens has exceeded your rate limit.")
            case 529: ("overloaded_error", "Overloaded")
            case 500..<600: ("api_error", "Internal server error")
            default: ("invalid_request_error", "Request failed with status \(status).")
            }
        let error: JSONValue = .object(["type": .string(type), "message": .string(message ?? text)])
        return .json(.object(["type": .string("error"), "error": error]), status: status)
    }
}
