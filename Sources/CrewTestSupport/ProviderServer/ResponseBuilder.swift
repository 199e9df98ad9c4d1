import CrewCore

/// Turns a behaviour's answer into a planned response in the format the request's route calls for.
enum ResponseBuilder {
    static func format(for route: Route) -> any ProviderFormat {
        switch route {
        case .openAIChat: OpenAIFormat()
        case .openAIEmbeddings: EmbeddingsFormat()
        case .anthropicMessages: AnthropicFormat()
        case .gemini: GeminiFormat()
        case .unknown: UnknownFormat()
        }
    }

    /// The plan for an answering behaviour; nil for behaviours that do not answer (`hang`, `closeConnection`,
    /// `keepAlive`, `endlessLine`) or only wrap another (`delay`, `paced`). `cutStream`, `endless`, `trickle` and
    /// `lingering` get the normal answer, which the handler then cuts, repeats, slows or leaves open.
    static func plan(_ behavior: Behavior, for request: RecordedRequest) -> ResponsePlan? {
        let format = format(for: request.route)
        switch behavior {
        case .reply(let text, let input, let output):
            let answer = Answer.text(text ?? "echo: " + request.lastUserText)
            return format.answer(answer, usage: usage(answer, request, input, output), request: request)
        case .replyJSON(let value):
            let answer = Answer.json(value)
            return format.answer(answer, usage: usage(answer, request, nil, nil), request: request)
        case .toolCalls(let calls, let text):
            let answer = Answer.toolCalls(calls, text: text ?? "")
            return format.answer(answer, usage: usage(answer, request, nil, nil), request: request)
        case .status(let status, let message, let retryAfter):
            var plan = format.failure(status: status, message: message, request: request)
            if let retryAfter { plan.headers.append(("Retry-After", retryAfter)) }
            return plan
        case .malformedJSON:
            return plan(.reply(), for: request)?.malformed()
        case .cutStream(_, let answer), .endless(let answer), .trickle(_, let answer), .lingering(let answer):
            return plan(answer, for: request)
        case .unstreamed(let answer):
            var whole = request
            whole.streaming = false
            return plan(answer, for: whole)
        case .delay, .paced, .hang, .closeConnection, .keepAlive, .endlessLine:
            return nil
        }
    }

    private static func usage(_ answer: Answer, _ request: RecordedRequest, _ input: Int?, _ output: Int?) -> Usage {
        let words =
            request.route == .openAIEmbeddings
            ? EmbeddingsFormat.wordCount(request)
            : Answer.wordCount(request.systemText ?? "") + Answer.wordCount(request.lastUserText)
        return Usage(input: input ?? words, output: output ?? Answer.wordCount(answer.text))
    }
}

/// Any path the server does not serve: 404 in OpenAI's error format, whatever the script says to answer.
struct UnknownFormat: ProviderFormat {
    func answer(_ answer: Answer, usage: Usage, request: RecordedRequest) -> ResponsePlan {
        OpenAIFormat.error(status: 404, message: "Invalid URL (\(request.method) \(request.path))")
    }

    func failure(status: Int, message: String?, request: RecordedRequest) -> ResponsePlan {
        OpenAIFormat.error(status: status, message: message)
    }
}
