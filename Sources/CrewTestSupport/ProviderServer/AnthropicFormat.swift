import CrewCore

/// Anthropic Messages: a `message` object, or the named event sequence from `message_start` to `message_stop`.
/// Structured answers are a `tool_use` block named `output`, streamed as `input_json_delta` fragments.
struct AnthropicFormat: ProviderFormat {
    func answer(_ answer: Answer, usage: Usage, request: RecordedRequest) -> ResponsePlan {
        if case .toolCalls(let calls, let text) = answer {
            return request.streaming
                ? streamCalls(calls, text: text, usage: usage, request: request)
                : wholeCalls(calls, text: text, usage: usage, request: request)
        }
        return request.streaming
            ? stream(answer, usage: usage, request: request) : whole(answer, usage: usage, request: request)
    }

    private func whole(_ answer: Answer, usage: Usage, request: RecordedRequest) -> ResponsePlan {
        let block: JSONValue =
            switch answer {
            case .json(let value): toolUse(request, input: value)
            default: .object(["type": .string("text"), "text": .string(answer.text)])
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
            case .json: toolUse(request, input: .object([:]))
            default: .object(["type": .string("text"), "text": .string("")])
            }
        var events = [
            event("message_start", ["message": .object(message)], .opening),
            event("content_block_start", ["index": .int(0), "content_block": block], .opening),
            event("ping", [:], .opening),
        ]
        for piece in answer.pieces {
            let delta: JSONValue =
                switch answer {
                case .json: .object(["type": .string("input_json_delta"), "partial_json": .string(piece)])
                default: .object(["type": .string("text_delta"), "text": .string(piece)])
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

    private func wholeCalls(_ calls: [ScriptedToolCall], text: String, usage: Usage, request: RecordedRequest)
        -> ResponsePlan
    {
        var blocks: [JSONValue] = text.isEmpty ? [] : [.object(["type": .string("text"), "text": .string(text)])]
        for (number, call) in calls.enumerated() {
            blocks.append(callBlock(call, number: number, input: call.argumentsObject, request))
        }
        var message = envelope(request, stopReason: .string("tool_use"))
        message["content"] = .array(blocks)
        message["usage"] = .object(["input_tokens": .int(usage.input), "output_tokens": .int(usage.output)])
        return .json(.object(message))
    }

    /// A text block (when there is text), then one `tool_use` block per call, its input in `input_json_delta`
    /// fragments. Every block event counts as content, so a cut can fall between or inside blocks.
    private func streamCalls(_ calls: [ScriptedToolCall], text: String, usage: Usage, request: RecordedRequest)
        -> ResponsePlan
    {
        var message = envelope(request, stopReason: .null)
        message["content"] = .array([])
        message["usage"] = .object(["input_tokens": .int(usage.input), "output_tokens": .int(1)])
        var events = [
            event("message_start", ["message": .object(message)], .opening), event("ping", [:], .opening),
        ]
        var index = 0
        if !text.isEmpty {
            let deltas = Answer.words(text).map {
                JSONValue.object(["type": .string("text_delta"), "text": .string($0)])
            }
            events += block(index, start: .object(["type": .string("text"), "text": .string("")]), deltas: deltas)
            index += 1
        }
        for (number, call) in calls.enumerated() {
            let start = callBlock(call, number: number, input: .object([:]), request)
            let deltas = call.fragments.map {
                JSONValue.object(["type": .string("input_json_delta"), "partial_json": .string($0)])
            }
            events += block(index, start: start, deltas: deltas)
            index += 1
        }
        let stop: JSONValue = .object(["stop_reason": .string("tool_use"), "stop_sequence": .null])
        events += [
            event("message_delta", ["delta": stop, "usage": .object(["output_tokens": .int(usage.output)])], .finish),
            event("message_stop", [:], .finish),
        ]
        return .stream(events, contentType: "text/event-stream; charset=utf-8")
    }

    private func block(_ index: Int, start: JSONValue, deltas: [JSONValue]) -> [PlannedEvent] {
        [event("content_block_start", ["index": .int(index), "content_block": start], .content)]
            + deltas.map { event("content_block_delta", ["index": .int(index), "delta": $0], .content) }
            + [event("content_block_stop", ["index": .int(index)], .content)]
    }

    private func callBlock(_ call: ScriptedToolCall, number: Int, input: JSONValue, _ request: RecordedRequest)
        -> JSONValue
    {
        .object([
            "type": .string("tool_use"), "id": .string(call.id(prefix: "toolu", request: request, number: number)),
            "name": .string(call.name), "input": input,
        ])
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
