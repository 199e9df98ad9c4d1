import CrewCore
import Testing

@testable import CrewProviders

/// A conversation with one tool turn: two calls (the second with arguments that are not JSON), their results (the
/// second an error), offered one tool.
enum ToolFixture {
    static let schemaText = #"{"properties":{"city":{"type":"string"}},"required":["city"],"type":"object"}"#
    static let weather = ToolDefinition(
        name: "weather", description: "Weather for a city.",
        inputSchema: (try? JSONParser.parse(schemaText)) ?? .null)
    static let paris = ToolCall(id: "call_a", name: "weather", arguments: #"{"city":"Paris"}"#)
    static let broken = ToolCall(id: "call_b", name: "weather", arguments: "{not json")

    static let history: [ChatMessage] = [
        ChatMessage(.system, "Be brief."), ChatMessage(.user, "Weather?"),
        .assistant("Checking.", calls: [paris, broken]),
        .toolResult(for: paris, content: "18C", isError: false),
        .toolResult(for: broken, content: "bad arguments", isError: true),
    ]

    static func chat(
        _ messages: [ChatMessage] = history, stream: Bool = false, schema: JSONValue? = nil,
        choice: ToolChoice = .auto, tools: [ToolDefinition] = [weather]
    ) -> ChatRequest {
        ChatRequest(
            model: "m-1", messages: messages, responseSchema: schema, stream: stream, tools: tools, toolChoice: choice)
    }

    static func text(_ spec: HTTPRequestSpec) -> String {
        String(decoding: spec.body, as: UTF8.self)
    }

    static func json(_ text: String) -> JSONValue {
        (try? JSONParser.parse(text)) ?? .string("unparseable test literal: \(text)")
    }
}

@Suite struct ToolCallOpenAIWireTests {
    let wire = OpenAIWire()

    @Test func requestCarriesToolsCallsAndResults() {
        let spec = wire.request(ToolFixture.chat(), endpoint: Wire.endpoint(.openai))
        let calls =
            #"[{"function":{"arguments":"{\"city\":\"Paris\"}","name":"weather"},"id":"call_a","type":"function"},"#
            + #"{"function":{"arguments":"{not json","name":"weather"},"id":"call_b","type":"function"}]"#
        let messages =
            #"[{"content":"Be brief.","role":"system"},{"content":"Weather?","role":"user"},"#
            + #"{"content":"Checking.","role":"assistant","tool_calls":\#(calls)},"#
            + #"{"content":"18C","role":"tool","tool_call_id":"call_a"},"#
            + #"{"content":"Error: bad arguments","role":"tool","tool_call_id":"call_b"}]"#
        let tools =
            #"[{"function":{"description":"Weather for a city.","name":"weather","parameters":"#
            + #"\#(ToolFixture.schemaText)},"type":"function"}]"#
        #expect(
            ToolFixture.text(spec)
                == #"{"messages":\#(messages),"model":"m-1","tool_choice":"auto","tools":\#(tools)}"#)
    }

    @Test func callsWithoutTextSendNullContent() throws {
        let chat = ToolFixture.chat([ChatMessage(.user, "Hi"), .assistant("", calls: [ToolFixture.paris])])
        let body = try Wire.body(wire.request(chat, endpoint: Wire.endpoint(.openai)))
        #expect(body["messages"]?.arrayValue?.last?["content"] == .null)
    }

    @Test func finalAnswerRequestHasNoneAndTheSchema() throws {
        let chat = ToolFixture.chat(schema: Wire.schema, choice: .none)
        let body = try Wire.body(wire.request(chat, endpoint: Wire.endpoint(.openai)))
        #expect(body["tool_choice"] == .string("none"))
        #expect(body["tools"]?.arrayValue?.count == 1)
        #expect(body["response_format"]?["json_schema"]?["schema"] == Wire.schema)
    }

    @Test func noToolsMeansNoToolFields() throws {
        let body = try Wire.body(wire.request(ToolFixture.chat(tools: []), endpoint: Wire.endpoint(.openai)))
        #expect(body["tools"] == nil && body["tool_choice"] == nil)
    }

    @Test func wholeAnswerWithCalls() throws {
        let body = """
            {"choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant",
              "content": "Let me look.", "tool_calls": [
                {"id": "call_x", "type": "function", "function": {"name": "weather", "arguments": "{\\"city\\":\\"Oslo\\"}"}},
                {"type": "function", "function": {"name": "clock", "arguments": {"zone": "UTC"}}}]}}],
             "usage": {"prompt_tokens": 9, "completion_tokens": 7}}
            """
        let response = try wire.parseResponse(Wire.bytes(body))
        #expect(response.text == "Let me look." && response.finishReason == "tool_calls")
        #expect(
            response.toolCalls == [
                ToolCall(id: "call_x", name: "weather", arguments: #"{"city":"Oslo"}"#),
                ToolCall(id: "call_2", name: "clock", arguments: #"{"zone":"UTC"}"#),
            ])
    }

    @Test func streamedCallsArePieces() throws {
        let text = """
            data: {"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1x","type":"function","function":{"name":"weather","arguments":""}}]}}]}

            data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"ci"}}]}}]}

            data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2x","function":{"name":"clock","arguments":"{}"}}]}}]}

            data: {"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":{"a":1}}}]}}]}

            data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

            data: [DONE]


            """
        let result = try Wire.stream(wire, text)
        #expect(result.done)
        #expect(
            result.events == [
                .toolCallDelta(index: 0, id: "call_1x", name: "weather", arguments: ""),
                .toolCallDelta(index: 0, id: nil, name: nil, arguments: #"{"ci"#),
                .toolCallDelta(index: 1, id: "call_2x", name: "clock", arguments: "{}"),
                .toolCallDelta(index: 0, id: nil, name: nil, arguments: #"{"a":1}"#),
                .finish("tool_calls"),
            ])
    }

    @Test(arguments: [
        #"{"choices": [{"message": {"tool_calls": 3}}]}"#,
        #"{"choices": [{"message": {"tool_calls": [7]}}]}"#,
        #"{"choices": [{"message": {"tool_calls": [{"function": {"name": 1}}]}}]}"#,
        #"{"choices": [{"message": {"tool_calls": [{"function": "f"}]}}]}"#,
    ])
    func malformedCalls(_ body: String) {
        #expect(Wire.malformed { _ = try wire.parseResponse(Wire.bytes(body)) } != nil)
    }
}

@Suite struct ToolCallAnthropicWireTests {
    let wire = AnthropicWire()

    @Test func requestGroupsResultsIntoOneUserTurn() {
        var messages = ToolFixture.history
        messages.append(ChatMessage(.user, "Now answer."))
        let spec = wire.request(ToolFixture.chat(messages), endpoint: Wire.endpoint(.anthropic))
        let assistant =
            #"{"content":[{"text":"Checking.","type":"text"},"#
            + #"{"id":"call_a","input":{"city":"Paris"},"name":"weather","type":"tool_use"},"#
            + #"{"id":"call_b","input":{},"name":"weather","type":"tool_use"}],"role":"assistant"}"#
        let results =
            #"{"content":[{"content":"18C","tool_use_id":"call_a","type":"tool_result"},"#
            + #"{"content":"bad arguments","is_error":true,"tool_use_id":"call_b","type":"tool_result"},"#
            + #"{"text":"Now answer.","type":"text"}],"role":"user"}"#
        let tools =
            #"[{"description":"Weather for a city.","input_schema":\#(ToolFixture.schemaText),"name":"weather"}]"#
        let expected =
            #"{"max_tokens":4096,"messages":[{"content":"Weather?","role":"user"},\#(assistant),\#(results)],"#
            + #""model":"m-1","system":"Be brief.","tool_choice":{"type":"auto"},"tools":\#(tools)}"#
        #expect(ToolFixture.text(spec) == expected)
    }

    @Test func trailingResultsEndTheConversation() throws {
        let body = try Wire.body(wire.request(ToolFixture.chat(), endpoint: Wire.endpoint(.anthropic)))
        let last = body["messages"]?.arrayValue?.last
        #expect(last?["role"] == .string("user") && last?["content"]?.arrayValue?.count == 2)
    }

    @Test func schemaWithToolsSendsBothAndForcesOutput() throws {
        let chat = ToolFixture.chat(schema: Wire.schema, choice: .none)
        let body = try Wire.body(wire.request(chat, endpoint: Wire.endpoint(.anthropic)))
        #expect(body["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["weather", "output"])
        #expect(body["tool_choice"] == .object(["type": .string("tool"), "name": .string("output")]))
    }

    @Test func noneWithoutSchema() throws {
        let body = try Wire.body(wire.request(ToolFixture.chat(choice: .none), endpoint: Wire.endpoint(.anthropic)))
        #expect(body["tool_choice"] == .object(["type": .string("none")]))
    }

    @Test func wholeAnswerWithTextAndCalls() throws {
        let body = """
            {"content": [{"type": "text", "text": "Checking."},
              {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Oslo"}},
              {"type": "tool_use", "id": "toolu_2", "name": "clock", "input": {}}],
             "stop_reason": "tool_use", "usage": {"input_tokens": 10, "output_tokens": 30}}
            """
        let response = try wire.parseResponse(Wire.bytes(body))
        #expect(response.text == "Checking." && response.finishReason == "tool_use")
        #expect(
            response.toolCalls == [
                ToolCall(id: "toolu_1", name: "weather", arguments: #"{"city":"Oslo"}"#),
                ToolCall(id: "toolu_2", name: "clock", arguments: "{}"),
            ])
    }

    @Test func outputCallIsTheAnswerNotACall() throws {
        let body = #"{"content": [{"type": "tool_use", "id": "t", "name": "output", "input": {"title": "x"}}]}"#
        let response = try wire.parseResponse(Wire.bytes(body))
        #expect(response.text == #"{"title":"x"}"# && response.toolCalls.isEmpty)
    }

    @Test func streamedCallsArePiecesByBlockIndex() throws {
        let text = """
            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking."}}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"weather","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": "}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\\"Oslo\\"}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":12}}

            event: message_stop
            data: {"type":"message_stop"}


            """
        let result = try Wire.stream(wire, text)
        #expect(result.done)
        #expect(
            result.events == [
                .delta("Checking."), .toolCallDelta(index: 1, id: "toolu_1", name: "weather", arguments: ""),
                .toolCallDelta(index: 1, id: nil, name: nil, arguments: #"{"city": "#),
                .toolCallDelta(index: 1, id: nil, name: nil, arguments: #""Oslo"}"#), .finish("tool_use"),
                .usage(TokenUsage(input: 0, output: 12)),
            ])
    }

    @Test(arguments: [
        #"{"type": "content_block_start", "index": 0, "content_block": {"type": "tool_use", "name": "x"}}"#,
        #"{"type": "content_block_start", "content_block": {"type": "tool_use", "id": "t", "name": "x"}}"#,
        #"{"type": "content_block_delta", "delta": {"type": "input_json_delta", "partial_json": "{"}}"#,
        #"{"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta"}}"#,
    ])
    func malformedToolEvents(_ data: String) {
        #expect(Wire.malformed { _ = try wire.parseStreamEvent(SSEEvent(data: data)) } != nil)
    }
}

@Suite struct ToolCallGeminiWireTests {
    let wire = GeminiWire()

    static let signed = ToolCall(id: "call_1", name: "weather", arguments: #"{"city":"Paris"}"#, signature: "c2ln")
    static let identified = ToolCall(id: "fc-7", name: "clock", arguments: "[1]")

    static var history: [ChatMessage] {
        [
            ChatMessage(.user, "Weather?"), .assistant("", calls: [signed, identified]),
            .toolResult(for: signed, content: "18C", isError: false),
            .toolResult(for: identified, content: "no such zone", isError: true),
        ]
    }

    @Test func requestDeclaresFunctionsAndEchoesCallsWithSignatures() {
        let spec = wire.request(ToolFixture.chat(Self.history), endpoint: Wire.endpoint(.gemini))
        let model =
            #"{"parts":[{"functionCall":{"args":{"city":"Paris"},"name":"weather"},"thoughtSignature":"c2ln"},"#
            + #"{"functionCall":{"args":{},"id":"fc-7","name":"clock"}}],"role":"model"}"#
        let results =
            #"{"parts":[{"functionResponse":{"name":"weather","response":{"result":"18C"}}},"#
            + #"{"functionResponse":{"id":"fc-7","name":"clock","response":{"error":"no such zone"}}}],"role":"user"}"#
        let tools =
            #"[{"functionDeclarations":[{"description":"Weather for a city.","name":"weather","parameters":"#
            + #"\#(ToolFixture.schemaText)}]}]"#
        let expected =
            #"{"contents":[{"parts":[{"text":"Weather?"}],"role":"user"},\#(model),\#(results)],"#
            + #""toolConfig":{"functionCallingConfig":{"mode":"AUTO"}},"tools":\#(tools)}"#
        #expect(ToolFixture.text(spec) == expected)
    }

    @Test func finalAnswerRequestKeepsTheSchemaAndWritesToolsAsText() throws {
        let chat = ToolFixture.chat(Self.history, schema: Wire.schema, choice: .none)
        let body = try Wire.body(wire.request(chat, endpoint: Wire.endpoint(.gemini)))
        #expect(body["tools"] == nil && body["toolConfig"] == nil)
        #expect(body["generationConfig"]?["responseMimeType"] == .string("application/json"))
        #expect(body["generationConfig"]?["responseSchema"] == GeminiSchema.convert(Wire.schema))
        let contents = body["contents"]?.arrayValue ?? []
        #expect(
            contents.map { $0.serialized() } == [
                #"{"parts":[{"text":"Weather?"}],"role":"user"}"#,
                #"{"parts":[{"text":"[called tool `weather` with arguments: {\"city\":\"Paris\"}]\n"#
                    + #"[called tool `clock` with arguments: [1]]"}],"role":"model"}"#,
                #"{"parts":[{"text":"[result of tool `weather`]: 18C"},"#
                    + #"{"text":"[error from tool `clock`]: no such zone"}],"role":"user"}"#,
            ])
    }

    @Test func autoWithSchemaKeepsTheTools() throws {
        let body = try Wire.body(
            wire.request(ToolFixture.chat(schema: Wire.schema, choice: .auto), endpoint: Wire.endpoint(.gemini)))
        #expect(body["tools"] != nil && body["generationConfig"]?["responseSchema"] == nil)
        #expect(body["generationConfig"]?["responseMimeType"] == nil)
    }

    @Test func noneWithoutSchemaDeclaresWithModeNone() throws {
        let body = try Wire.body(wire.request(ToolFixture.chat(choice: .none), endpoint: Wire.endpoint(.gemini)))
        #expect(body["toolConfig"] == ToolFixture.json(#"{"functionCallingConfig":{"mode":"NONE"}}"#))
    }

    @Test func toolWithoutPropertiesHasNoParameters() throws {
        let bare = ToolDefinition(
            name: "now", description: "The time.", inputSchema: .object(["type": .string("object")]))
        let body = try Wire.body(wire.request(ToolFixture.chat(tools: [bare]), endpoint: Wire.endpoint(.gemini)))
        #expect(
            body["tools"] == ToolFixture.json(#"[{"functionDeclarations":[{"description":"The time.","name":"now"}]}]"#)
        )
    }

    @Test func wholeAnswerWithTextAndCalls() throws {
        let body = """
            {"candidates": [{"content": {"role": "model", "parts": [{"text": "Checking."},
              {"functionCall": {"name": "weather", "args": {"city": "Oslo"}}, "thoughtSignature": "sig"},
              {"functionCall": {"name": "clock", "id": "fc-2"}}]}, "finishReason": "STOP"}],
             "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 9}}
            """
        let response = try wire.parseResponse(Wire.bytes(body))
        #expect(response.text == "Checking." && response.finishReason == "STOP")
        #expect(
            response.toolCalls == [
                ToolCall(id: "call_1", name: "weather", arguments: #"{"city":"Oslo"}"#, signature: "sig"),
                ToolCall(id: "fc-2", name: "clock", arguments: "{}"),
            ])
    }

    @Test func streamedCallsArriveWhole() throws {
        let text = """
            data: {"candidates":[{"content":{"role":"model","parts":[{"text":"On it."}]}}]}

            data: {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"weather","args":{"city":"Oslo"}},"thoughtSignature":"s1"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":9}}


            """
        let result = try Wire.stream(wire, text)
        #expect(result.done)
        #expect(
            result.events == [
                .delta("On it."),
                .toolCall(ToolCall(id: "", name: "weather", arguments: #"{"city":"Oslo"}"#, signature: "s1")),
                .finish("STOP"), .usage(TokenUsage(input: 5, output: 9)),
            ])
    }

    @Test(arguments: [
        #"{"candidates": [{"content": {"parts": [{"functionCall": {"args": {}}}]}}]}"#,
        #"{"candidates": [{"content": {"parts": [{"functionCall": {"name": "f", "id": 3}}]}}]}"#,
    ])
    func malformedCalls(_ body: String) {
        #expect(Wire.malformed { _ = try wire.parseResponse(Wire.bytes(body)) } != nil)
    }
}

@Suite struct ToolCallAssemblerTests {
    @Test func piecesByIndexThenWholeCallsNumberedByPosition() {
        var assembler = ToolCallAssembler()
        assembler.add(index: 1, id: nil, name: "b", arguments: "{}")
        assembler.add(index: 0, id: "x", name: "a", arguments: "{\"k\":")
        assembler.add(index: 0, id: nil, name: nil, arguments: "1}")
        assembler.add(ToolCall(id: "", name: "c", arguments: ""))
        #expect(
            assembler.finish() == [
                ToolCall(id: "x", name: "a", arguments: #"{"k":1}"#),
                ToolCall(id: "call_2", name: "b", arguments: "{}"),
                ToolCall(id: "call_3", name: "c", arguments: ""),
            ])
    }

    @Test func answerToolPiecesAreAnswerText() {
        var assembler = ToolCallAssembler(answerTool: "output")
        #expect(assembler.add(index: 0, id: "t", name: "output", arguments: "") == nil)
        #expect(assembler.add(index: 0, id: nil, name: nil, arguments: #"{"a""#) == #"{"a""#)
        #expect(assembler.add(index: 1, id: "u", name: "weather", arguments: "{}") == nil)
        #expect(assembler.finish() == [ToolCall(id: "u", name: "weather", arguments: "{}")])
    }
}
