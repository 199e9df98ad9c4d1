import CrewCore
import Testing

@testable import CrewProviders

/// Helpers shared by the wire-format suites.
enum Wire {
    static let secret = "sk-test-SECRET-1234"

    static func endpoint(_ provider: Endpoint.Provider, key: String? = secret, base: String? = nil) -> Endpoint {
        Endpoint(
            provider: provider, baseURL: base ?? Endpoint.defaultBaseURL(provider), apiKey: key.map(Secret.init),
            keySource: "TEST_KEY")
    }

    static let messages = [
        ChatMessage(.system, "You are terse."), ChatMessage(.user, "Hi"), ChatMessage(.assistant, "Hello."),
        ChatMessage(.user, "Say \"ok\" — ✓"),
    ]

    static func chat(stream: Bool = false, schema: JSONValue? = nil, options: Bool = true) -> ChatRequest {
        ChatRequest(
            model: "m-1", messages: messages, temperature: options ? 0.25 : nil, topP: options ? 0.5 : nil,
            maxTokens: options ? 300 : nil, responseSchema: schema, stream: stream)
    }

    static let schema: JSONValue = .object([
        "type": .string("object"),
        "properties": .object(["title": .object(["type": .string("string")])]),
        "required": .strings(["title"]),
    ])

    static func header(_ spec: HTTPRequestSpec, _ name: String) -> String? {
        spec.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    static func body(_ spec: HTTPRequestSpec) throws -> JSONValue {
        try JSONParser.parse(spec.body)
    }

    static func bytes(_ text: String) -> [UInt8] {
        Array(text.utf8)
    }

    /// Runs a raw SSE stream through `SSEParser` and `wire`, as the executor does, stopping at `done`.
    static func stream(_ wire: some WireFormat, _ text: String) throws -> (events: [StreamEvent], done: Bool) {
        var parser = SSEParser()
        var events: [StreamEvent] = []
        for event in try parser.feed(bytes(text)) {
            let step = try wire.parseStreamEvent(event)
            events += step.events
            if step.done { return (events, true) }
        }
        return (events, false)
    }

    /// The text of the `.malformed` error `body` throws, or nil (with an issue recorded) when it throws anything
    /// else or nothing.
    static func malformed(_ body: () throws -> Void) -> String? {
        guard let error = thrown(body) else {
            Issue.record("expected .malformed, nothing was thrown")
            return nil
        }
        if case .malformed(let message) = error { return message }
        Issue.record("expected .malformed, got \(error)")
        return nil
    }

    /// The `ProviderError` `body` throws, or nil (with an issue recorded if it threw another type).
    static func thrown(_ body: () throws -> Void) -> ProviderError? {
        do {
            try body()
        } catch let error as ProviderError {
            return error
        } catch {
            Issue.record("expected a ProviderError, got \(error)")
        }
        return nil
    }

    /// Bodies no wire format may accept as an answer.
    static let garbage = [
        "", "not json", "{", "[]", "null", "42", "\"text\"", "{\"choices\": 3}", "{\"content\": {}}",
        "{\"candidates\": {}}", "{\"choices\": [{\"message\": {\"content\": 5}}]}",
    ]
}

@Suite struct WireSupportTests {
    @Test func urlToleratesATrailingSlash() {
        #expect(
            WireSupport.url("http://localhost:11434/v1/", "/chat/completions")
                == "http://localhost:11434/v1/chat/completions")
        #expect(WireSupport.url("http://h", "/x") == "http://h/x")
    }

    @Test func errorMessageShapes() {
        #expect(WireSupport.errorMessage(Wire.bytes(#"{"error": {"message": "m1", "type": "t"}}"#)) == "m1")
        #expect(WireSupport.errorMessage(Wire.bytes(#"{"error": "model 'x' not found"}"#)) == "model 'x' not found")
        #expect(WireSupport.errorMessage(Wire.bytes(#"[{"error": {"code": 400, "message": "m2"}}]"#)) == "m2")
        #expect(WireSupport.errorMessage(Wire.bytes("<html>502 Bad Gateway</html>")) == nil)
        #expect(WireSupport.errorMessage(Wire.bytes(#"{"detail": "x"}"#)) == nil)
    }

    @Test func malformedMessagesQuoteNothingOfTheBody() {
        let message = Wire.malformed { _ = try OpenAIWire().parseResponse(Wire.bytes("{\"a\": sk-test-SECRET-1234}")) }
        #expect(message?.hasPrefix("the response is not valid JSON") == true)
        #expect(message?.contains("SECRET") == false)
    }
}

@Suite struct WireOpenAITests {
    let wire = OpenAIWire()

    @Test func streamingRequest() throws {
        let spec = wire.request(Wire.chat(stream: true), endpoint: Wire.endpoint(.openai))
        #expect(spec.method == "POST")
        #expect(spec.url == "https://api.openai.com/v1/chat/completions")
        #expect(Wire.header(spec, "Authorization") == "Bearer \(Wire.secret)")
        #expect(Wire.header(spec, "Content-Type") == "application/json")
        #expect(Wire.header(spec, "Accept") == "text/event-stream")
        let body = try Wire.body(spec)
        #expect(body["model"] == .string("m-1"))
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.map { $0["role"]?.stringValue } == ["system", "user", "assistant", "user"])
        #expect(messages.map { $0["content"]?.stringValue } == Wire.messages.map(\.content))
        #expect(body["temperature"]?.doubleValue == 0.25)
        #expect(body["top_p"]?.doubleValue == 0.5)
        #expect(body["max_tokens"]?.intValue == 300)
        #expect(body["stream"] == .bool(true))
        #expect(body["stream_options"]?["include_usage"] == .bool(true))
        #expect(body["response_format"] == nil)
    }

    @Test func plainRequestWithoutKeyOrOptions() throws {
        let endpoint = Wire.endpoint(.openai, key: nil, base: "http://localhost:11434/v1")
        let spec = wire.request(Wire.chat(options: false), endpoint: endpoint)
        #expect(spec.url == "http://localhost:11434/v1/chat/completions")
        #expect(Wire.header(spec, "Authorization") == nil)
        #expect(Wire.header(spec, "Accept") == nil)
        let body = try #require(try Wire.body(spec).objectValue)
        #expect(Set(body.keys) == ["model", "messages"])
    }

    @Test func emptyKeySendsNoAuthorization() {
        let spec = wire.request(Wire.chat(), endpoint: Wire.endpoint(.openai, key: ""))
        #expect(Wire.header(spec, "Authorization") == nil)
    }

    @Test func structuredOutputRequest() throws {
        let body = try Wire.body(wire.request(Wire.chat(schema: Wire.schema), endpoint: Wire.endpoint(.openai)))
        let format = try #require(body["response_format"])
        #expect(format["type"] == .string("json_schema"))
        #expect(format["json_schema"]?["name"] == .string("output"))
        #expect(format["json_schema"]?["strict"] == .bool(false))
        #expect(format["json_schema"]?["schema"] == Wire.schema)
    }

    @Test func keyIsOnlyInTheAuthorizationHeader() {
        let spec = wire.request(Wire.chat(stream: true), endpoint: Wire.endpoint(.openai))
        #expect(!spec.url.contains(Wire.secret))
        #expect(!String(decoding: spec.body, as: UTF8.self).contains(Wire.secret))
        #expect(spec.headers.filter { $0.value.contains(Wire.secret) }.map(\.name) == ["Authorization"])
    }

    @Test func wholeResponse() throws {
        let body = """
            {"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o-mini",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello \\u00e9!", "refusal": null},
                          "logprobs": null, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}}
            """
        let response = try wire.parseResponse(Wire.bytes(body))
        #expect(
            response == ChatResponse(text: "Hello é!", usage: TokenUsage(input: 12, output: 3), finishReason: "stop"))
    }

    @Test func nullContentAndNoUsage() throws {
        let body = #"{"choices": [{"message": {"role": "assistant", "content": null}, "finish_reason": "length"}]}"#
        #expect(try wire.parseResponse(Wire.bytes(body)) == ChatResponse(text: "", usage: nil, finishReason: "length"))
    }

    @Test func stream() throws {
        let text = """
            data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}

            data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}

            data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}

            data: [DONE]

            data: {"never": "read"}


            """
        let result = try Wire.stream(wire, text)
        #expect(result.done)
        #expect(
            result.events == [
                .delta("Hel"), .delta("lo"), .finish("stop"), .usage(TokenUsage(input: 9, output: 2)),
            ])
    }

    @Test func streamCutBeforeDoneIsNotDone() throws {
        let text = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\n"
        let result = try Wire.stream(wire, text)
        #expect(!result.done)
        #expect(result.events == [.delta("x"), .finish("stop")])
    }

    @Test func streamedErrorIsAnHTTPError() {
        let event = SSEEvent(data: #"{"error": {"message": "Rate limited", "code": 429}}"#)
        #expect(
            Wire.thrown { _ = try wire.parseStreamEvent(event) }
                == .http(status: 429, message: "Rate limited", retryAfter: nil))
        let other = SSEEvent(data: #"{"error": {"message": "boom", "type": "server_error", "code": "oops"}}"#)
        #expect(
            Wire.thrown { _ = try wire.parseStreamEvent(other) }
                == .http(status: 500, message: "boom", retryAfter: nil))
    }

    @Test func errorBody() {
        let body = """
            {"error": {"message": "Incorrect API key provided: sk-***.", "type": "invalid_request_error",
                       "param": null, "code": "invalid_api_key"}}
            """
        #expect(wire.errorMessage(Wire.bytes(body)) == "Incorrect API key provided: sk-***.")
    }

    @Test(arguments: Wire.garbage + [#"{"choices": []}"#, #"{"choices": [{"finish_reason": "stop"}]}"#])
    func malformedResponse(_ body: String) {
        #expect(Wire.malformed { _ = try wire.parseResponse(Wire.bytes(body)) } != nil)
    }

    @Test(arguments: [
        "", "[DONE", "{", "[1]", #"{"choices": {}}"#, #"{"choices": [{"delta": {"content": 1}}]}"#,
        #"{"choices": [{"delta": {}, "finish_reason": 7}]}"#, #"{"choices": [], "usage": {"prompt_tokens": 1}}"#,
    ])
    func malformedStreamEvent(_ data: String) {
        #expect(Wire.malformed { _ = try wire.parseStreamEvent(SSEEvent(data: data)) } != nil)
    }
}

@Suite struct WireAnthropicTests {
    let wire = AnthropicWire()

    @Test func streamingRequest() throws {
        let spec = wire.request(Wire.chat(stream: true), endpoint: Wire.endpoint(.anthropic))
        #expect(spec.method == "POST")
        #expect(spec.url == "https://api.anthropic.com/v1/messages")
        #expect(Wire.header(spec, "x-api-key") == Wire.secret)
        #expect(Wire.header(spec, "anthropic-version") == "2023-06-01")
        #expect(Wire.header(spec, "content-type") == "application/json")
        #expect(Wire.header(spec, "Authorization") == nil)
        let body = try Wire.body(spec)
        #expect(body["model"] == .string("m-1"))
        #expect(body["system"] == .string("You are terse."))
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.map { $0["role"]?.stringValue } == ["user", "assistant", "user"])
        #expect(messages.map { $0["content"]?.stringValue } == ["Hi", "Hello.", "Say \"ok\" — ✓"])
        #expect(body["max_tokens"]?.intValue == 300)
        #expect(body["temperature"]?.doubleValue == 0.25)
        #expect(body["top_p"]?.doubleValue == 0.5)
        #expect(body["stream"] == .bool(true))
        #expect(body["tools"] == nil)
        #expect(body["tool_choice"] == nil)
    }

    @Test func plainRequestDefaultsMaxTokens() throws {
        var chat = Wire.chat(options: false)
        chat.messages.removeFirst()
        let spec = wire.request(chat, endpoint: Wire.endpoint(.anthropic, key: nil))
        #expect(Wire.header(spec, "x-api-key") == nil)
        let body = try #require(try Wire.body(spec).objectValue)
        #expect(Set(body.keys) == ["model", "max_tokens", "messages"])
        #expect(body["max_tokens"]?.intValue == 4096)
    }

    @Test func structuredOutputIsAForcedToolCall() throws {
        let body = try Wire.body(wire.request(Wire.chat(schema: Wire.schema), endpoint: Wire.endpoint(.anthropic)))
        let tools = try #require(body["tools"]?.arrayValue)
        #expect(tools.count == 1)
        #expect(tools.first?["name"] == .string("output"))
        #expect(tools.first?["description"] == .string("Return the final answer in this shape."))
        #expect(tools.first?["input_schema"] == Wire.schema)
        #expect(body["tool_choice"] == .object(["type": .string("tool"), "name": .string("output")]))
    }

    @Test func wholeResponse() throws {
        let body = """
            {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
             "content": [{"type": "text", "text": "Hello"}, {"type": "text", "text": ", world"}],
             "stop_reason": "end_turn", "stop_sequence": null,
             "usage": {"input_tokens": 25, "output_tokens": 4, "cache_read_input_tokens": 0}}
            """
        let response = try wire.parseResponse(Wire.bytes(body))
        #expect(
            response
                == ChatResponse(text: "Hello, world", usage: TokenUsage(input: 25, output: 4), finishReason: "end_turn")
        )
    }

    @Test func toolUseResponseIsTheSerializedInput() throws {
        let body = """
            {"id": "msg_02", "type": "message", "role": "assistant",
             "content": [{"type": "tool_use", "id": "toolu_01", "name": "output",
                          "input": {"title": "Tides", "tags": ["sea", "moon"], "score": 0.5}}],
             "stop_reason": "tool_use", "usage": {"input_tokens": 40, "output_tokens": 20}}
            """
        let response = try wire.parseResponse(Wire.bytes(body))
        #expect(response.text == #"{"score":0.5,"tags":["sea","moon"],"title":"Tides"}"#)
        #expect(response.finishReason == "tool_use")
        #expect(response.usage == TokenUsage(input: 40, output: 20))
    }

    @Test func thinkingBlocksAreNotAnswerText() throws {
        let body = """
            {"content": [{"type": "thinking", "thinking": "hmm", "signature": "x"}, {"type": "text", "text": "42"}],
             "stop_reason": "end_turn"}
            """
        #expect(try wire.parseResponse(Wire.bytes(body)).text == "42")
    }

    @Test func stream() throws {
        let text = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","stop_reason":null,"usage":{"input_tokens":25,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

            event: message_stop
            data: {"type":"message_stop"}


            """
        let result = try Wire.stream(wire, text)
        #expect(result.done)
        #expect(
            result.events == [
                .usage(TokenUsage(input: 25, output: 1)), .delta("Hello"), .delta("!"), .finish("end_turn"),
                .usage(TokenUsage(input: 0, output: 15)),
            ])
    }

    /// The `output` call streams like any call; the reader turns it into answer text (`ToolCallAssembler`).
    @Test func streamedOutputInputIsToolCallPieces() throws {
        let text = """
            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"output","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"title\\": \\"Ti"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"des\\"}"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"input_tokens":30,"output_tokens":12}}


            """
        let result = try Wire.stream(wire, text)
        #expect(!result.done)
        #expect(
            result.events == [
                .toolCallDelta(index: 0, id: "toolu_1", name: "output", arguments: ""),
                .toolCallDelta(index: 0, id: nil, name: nil, arguments: #"{"title": "Ti"#),
                .toolCallDelta(index: 0, id: nil, name: nil, arguments: #"des"}"#), .finish("tool_use"),
                .usage(TokenUsage(input: 30, output: 12)),
            ])
    }

    @Test func unknownEventsAndDeltasAreIgnored() throws {
        let thinking = #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"x"}}"#
        #expect(try wire.parseStreamEvent(SSEEvent(event: "content_block_delta", data: thinking)).events.isEmpty)
        let future = try wire.parseStreamEvent(SSEEvent(event: "future_thing", data: #"{"type":"future_thing"}"#))
        #expect(future == StreamStep(events: [], done: false))
    }

    @Test func eventNameIsUsedWhenDataHasNoType() throws {
        #expect(try wire.parseStreamEvent(SSEEvent(event: "message_stop", data: "{}")).done)
    }

    @Test func streamedErrorsAreRetryableHTTPErrors() {
        let overloaded = SSEEvent(
            event: "error", data: #"{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}"#)
        let error = Wire.thrown { _ = try wire.parseStreamEvent(overloaded) }
        #expect(error == .http(status: 529, message: "Overloaded", retryAfter: nil))
        #expect(error?.isRetryable == true)
        let api = SSEEvent(
            event: "error", data: #"{"type": "error", "error": {"type": "api_error", "message": "Internal"}}"#)
        #expect(
            Wire.thrown { _ = try wire.parseStreamEvent(api) }
                == .http(status: 500, message: "Internal", retryAfter: nil))
    }

    @Test func errorBody() {
        let body =
            #"{"type": "error", "error": {"type": "invalid_request_error", "message": "max_tokens: Field required"}}"#
        #expect(wire.errorMessage(Wire.bytes(body)) == "max_tokens: Field required")
    }

    @Test(
        arguments: Wire.garbage + [
            #"{"content": [{"type": "text"}]}"#, #"{"content": [{"text": "x"}]}"#,
            #"{"content": [{"type": "tool_use", "name": "other", "input": {}}]}"#,
            #"{"content": [{"type": "tool_use", "name": "output", "input": "x"}]}"#,
            #"{"content": [], "usage": {"input_tokens": "many"}}"#, #"{"content": [], "stop_reason": 1}"#,
        ])
    func malformedResponse(_ body: String) {
        #expect(Wire.malformed { _ = try wire.parseResponse(Wire.bytes(body)) } != nil)
    }

    @Test(arguments: [
        "", "{", "[]", #"{"index": 0}"#, #"{"type": "message_start"}"#, #"{"type": "content_block_start"}"#,
        #"{"type": "content_block_delta", "delta": {"type": "text_delta"}}"#,
        #"{"type": "content_block_delta", "delta": {"type": "text_delta", "text": 3}}"#,
        #"{"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": "x"}}"#,
        #"{"type": "message_start", "message": {"usage": {}}}"#,
    ])
    func malformedStreamEvent(_ data: String) {
        #expect(Wire.malformed { _ = try wire.parseStreamEvent(SSEEvent(data: data)) } != nil)
    }
}

@Suite struct WireGeminiTests {
    let wire = GeminiWire()

    @Test func streamingRequest() throws {
        let spec = wire.request(Wire.chat(stream: true), endpoint: Wire.endpoint(.gemini))
        #expect(spec.method == "POST")
        #expect(spec.url == "https://generativelanguage.googleapis.com/v1beta/models/m-1:streamGenerateContent?alt=sse")
        #expect(Wire.header(spec, "x-goog-api-key") == Wire.secret)
        #expect(Wire.header(spec, "Content-Type") == "application/json")
        #expect(!spec.url.contains("key="))
        let body = try Wire.body(spec)
        let contents = try #require(body["contents"]?.arrayValue)
        #expect(contents.map { $0["role"]?.stringValue } == ["user", "model", "user"])
        #expect(
            contents.map { $0["parts"]?.arrayValue?.first?["text"]?.stringValue } == ["Hi", "Hello.", "Say \"ok\" — ✓"])
        #expect(body["systemInstruction"] == .object(["parts": .array([.object(["text": .string("You are terse.")])])]))
        let config = try #require(body["generationConfig"])
        #expect(config["temperature"]?.doubleValue == 0.25)
        #expect(config["topP"]?.doubleValue == 0.5)
        #expect(config["maxOutputTokens"]?.intValue == 300)
        #expect(config["responseMimeType"] == nil)
        #expect(body["model"] == nil)
    }

    @Test func plainRequest() throws {
        var chat = Wire.chat(options: false)
        chat.messages.removeFirst()
        chat.model = "models/gemini-2.5-flash"
        let spec = wire.request(chat, endpoint: Wire.endpoint(.gemini, key: nil, base: "http://127.0.0.1:8080/"))
        #expect(spec.url == "http://127.0.0.1:8080/v1beta/models/gemini-2.5-flash:generateContent")
        #expect(Wire.header(spec, "x-goog-api-key") == nil)
        let body = try #require(try Wire.body(spec).objectValue)
        #expect(Set(body.keys) == ["contents"])
    }

    @Test func modelNameCannotAlterTheURL() {
        #expect(GeminiWire.modelPath("a/b?c=d#é") == "a%2Fb%3Fc%3Dd%23%C3%A9")
    }

    @Test func structuredOutputRequest() throws {
        let body = try Wire.body(wire.request(Wire.chat(schema: Wire.schema), endpoint: Wire.endpoint(.gemini)))
        #expect(body["generationConfig"]?["responseMimeType"] == .string("application/json"))
        #expect(body["generationConfig"]?["responseSchema"] == Wire.schema)
    }

    @Test func schemaKeepsOnlyWhatGeminiAccepts() throws {
        let schema = try JSONParser.parse(
            """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "x", "title": "Report",
             "type": "object", "additionalProperties": false, "description": "A report.",
             "properties": {
               "title": {"type": "string", "default": "t", "examples": ["a"], "minItems": 0},
               "additionalProperties": {"type": ["integer", "null"], "minimum": 0, "maximum": 9},
               "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"], "title": "Tag"}, "maxItems": 3},
               "when": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}
             },
             "required": ["title"], "propertyOrdering": ["title", "tags"]}
            """)
        let expected = try JSONParser.parse(
            """
            {"type": "object", "description": "A report.",
             "properties": {
               "title": {"type": "string", "minItems": 0},
               "additionalProperties": {"type": "integer", "nullable": true, "minimum": 0, "maximum": 9},
               "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}, "maxItems": 3},
               "when": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}
             },
             "required": ["title"], "propertyOrdering": ["title", "tags"]}
            """)
        #expect(GeminiSchema.convert(schema) == expected)
    }

    @Test func schemaRefsAreInlined() throws {
        let schema = try JSONParser.parse(
            """
            {"type": "object", "properties": {
               "author": {"$ref": "#/$defs/Person", "description": "Who wrote it."},
               "editor": {"$ref": "#/definitions/Person"},
               "next": {"$ref": "#/properties/next"},
               "missing": {"$ref": "#/$defs/Nope", "type": "string"}},
             "$defs": {"Person": {"type": "object", "title": "P", "properties": {"name": {"type": "string"}}}},
             "definitions": {"Person": {"type": "string"}}}
            """)
        let expected = try JSONParser.parse(
            """
            {"type": "object", "properties": {
               "author": {"type": "object", "description": "Who wrote it.", "properties": {"name": {"type": "string"}}},
               "editor": {"type": "string"},
               "next": {},
               "missing": {"type": "string"}}}
            """)
        #expect(GeminiSchema.convert(schema) == expected)
    }

    @Test func recursiveSchemaTerminates() throws {
        let schema = try JSONParser.parse(
            ##"{"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#"}}}}"##)
        let converted = GeminiSchema.convert(schema)
        let inner = converted["properties"]?["children"]?["items"]?["properties"]?["children"]?["items"]
        #expect(inner == .object([:]))
    }

    @Test func wholeResponse() throws {
        let body = """
            {"candidates": [{"content": {"parts": [{"text": "Hel"}, {"text": "lo"}], "role": "model"},
                             "finishReason": "STOP", "index": 0}],
             "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 2, "totalTokenCount": 10},
             "modelVersion": "gemini-2.5-flash"}
            """
        #expect(
            try wire.parseResponse(Wire.bytes(body))
                == ChatResponse(text: "Hello", usage: TokenUsage(input: 8, output: 2), finishReason: "STOP"))
    }

    @Test func thoughtsCountAsOutputButAreNotText() throws {
        let body = """
            {"candidates": [{"content": {"parts": [{"text": "plan", "thought": true}, {"text": "42"}]},
                             "finishReason": "STOP"}],
             "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 1, "thoughtsTokenCount": 30}}
            """
        let response = try wire.parseResponse(Wire.bytes(body))
        #expect(response.text == "42")
        #expect(response.usage == TokenUsage(input: 5, output: 31))
    }

    @Test func safetyStopWithoutContent() throws {
        let body =
            #"{"candidates": [{"finishReason": "SAFETY", "index": 0}], "usageMetadata": {"promptTokenCount": 4}}"#
        #expect(
            try wire.parseResponse(Wire.bytes(body))
                == ChatResponse(text: "", usage: TokenUsage(input: 4, output: 0), finishReason: "SAFETY"))
    }

    @Test func blockedPromptIsA400() {
        let body =
            #"{"promptFeedback": {"blockReason": "SAFETY", "safetyRatings": []}, "usageMetadata": {"promptTokenCount": 4}}"#
        let error = Wire.thrown { _ = try wire.parseResponse(Wire.bytes(body)) }
        #expect(error == .http(status: 400, message: "blocked: SAFETY", retryAfter: nil))
        #expect(Wire.thrown { _ = try wire.parseStreamEvent(SSEEvent(data: body)) } == error)
    }

    @Test func stream() throws {
        let text = """
            data: {"candidates": [{"content": {"parts": [{"text": "The"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 7,"candidatesTokenCount": 1,"totalTokenCount": 8},"modelVersion": "gemini-2.5-flash"}

            data: {"candidates": [{"content": {"parts": [{"text": " tide"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 7,"candidatesTokenCount": 2,"totalTokenCount": 9}}

            data: {"candidates": [{"content": {"parts": [{"text": " turns."}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 7,"candidatesTokenCount": 4,"totalTokenCount": 11}}

            data: {"never": "read"}


            """
        let result = try Wire.stream(wire, text.replacing("\n", with: "\r\n"))
        #expect(result.done)
        #expect(
            result.events == [
                .delta("The"), .usage(TokenUsage(input: 7, output: 1)), .delta(" tide"),
                .usage(TokenUsage(input: 7, output: 2)), .delta(" turns."), .finish("STOP"),
                .usage(TokenUsage(input: 7, output: 4)),
            ])
    }

    @Test func streamedErrorIsAnHTTPError() {
        let event = SSEEvent(
            data: #"{"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}"#)
        #expect(
            Wire.thrown { _ = try wire.parseStreamEvent(event) }
                == .http(status: 503, message: "The model is overloaded.", retryAfter: nil))
    }

    @Test func errorBody() {
        let body = """
            {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                       "status": "INVALID_ARGUMENT"}}
            """
        #expect(wire.errorMessage(Wire.bytes(body)) == "API key not valid. Please pass a valid API key.")
    }

    @Test(
        arguments: Wire.garbage + [
            #"{"candidates": []}"#, #"{"candidates": [{"content": {"parts": {}}}]}"#,
            #"{"candidates": [{"content": {"parts": [{"text": 1}]}}]}"#,
            #"{"candidates": [{"finishReason": 2}]}"#, #"{"candidates": [{}], "usageMetadata": []}"#,
            #"{"candidates": [{}], "usageMetadata": {"promptTokenCount": "7"}}"#,
        ])
    func malformedResponse(_ body: String) {
        #expect(Wire.malformed { _ = try wire.parseResponse(Wire.bytes(body)) } != nil)
    }

    @Test(arguments: [
        "", "{", "[]", "{}", #"{"candidates": 1}"#, #"{"candidates": [{"content": {"parts": [{"text": []}]}}]}"#,
    ])
    func malformedStreamEvent(_ data: String) {
        #expect(Wire.malformed { _ = try wire.parseStreamEvent(SSEEvent(data: data)) } != nil)
    }
}
