import CrewCore
import Testing

@testable import CrewProviders

/// The OpenAI chunk reader (`StreamChunk`) reads a chunk's bytes without building its tree. These check it against
/// the tree it replaced: the same events, or the same error, for ordinary, odd and hostile chunks.
@Suite struct StreamChunkTests {
    let wire = OpenAIWire()

    /// What the wire made of a chunk before: the whole tree, then the members read from it.
    static func fromTree(_ data: String) throws(ProviderError) -> StreamStep {
        let json = try WireSupport.object(Array(data.utf8), "a stream chunk")
        try OpenAIWire.throwIfError(json)
        var events: [StreamEvent] = []
        if let choice = try OpenAIWire.choices(json).first {
            let text = try WireSupport.string(choice["delta"]?["content"], "choices[0].delta.content")
            if let text, !text.isEmpty { events.append(.delta(text)) }
            for (position, item) in try OpenAIWire.toolCalls(choice["delta"]?["tool_calls"], "delta").enumerated() {
                let piece = try OpenAIWire.callPiece(item, position: position)
                events.append(
                    .toolCallDelta(index: piece.index, id: piece.id, name: piece.name, arguments: piece.arguments))
            }
            let reason = try WireSupport.string(choice["finish_reason"], "choices[0].finish_reason")
            if let reason { events.append(.finish(reason)) }
        }
        if let usage = try OpenAIWire.usage(json["usage"]) { events.append(.usage(usage)) }
        return StreamStep(events: events, done: false)
    }

    static func outcome(_ body: () throws(ProviderError) -> StreamStep) -> Result<StreamStep, ProviderError> {
        do throws(ProviderError) { return .success(try body()) } catch { return .failure(error) }
    }

    static let base = #""id":"c-1","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":"fp""#

    static let chunks: [String] = [
        // What providers send.
        #"{\#(base),"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}"#,
        #"{\#(base),"choices":[{"index":0,"delta":{"content":"Hello, wor"},"logprobs":null,"finish_reason":null}]}"#,
        #"{\#(base),"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"#,
        #"{\#(base),"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}"#,
        #"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}}]}"#,
        #"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]}}]}"#,
        #"{"choices":[{"delta":{"tool_calls":[{"function":{"name":"f","arguments":{"a":1}}}]}}]}"#,
        #"{"choices":[{"delta":{"content":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/"}}]}"#,
        " \n{\"choices\" : [ { \"delta\" : { \"content\" : \"spaced\" } } ] } \n",
        // Odd but accepted: the last of a repeated member counts; absent, null or non-object parts yield nothing.
        #"{"choices":[{"delta":{"content":"first"}}],"choices":[{"delta":{"content":"second"}}]}"#,
        #"{"choices":[{"delta":{"content":"a","content":"b"},"delta":{"content":"c"}}]}"#,
        #"{"choices":[{"delta":{"content":"x"},"delta":7}]}"#,
        #"{"choices":[{"delta":{"content":"x"},"finish_reason":"stop","finish_reason":null}]}"#,
        #"{"choices":[7,{"delta":{"content":"second choice"}}]}"#, #"{"choices":[{"delta":null}]}"#,
        #"{"choices":[{"delta":"text"}]}"#, #"{"choices":null}"#, #"{"choices":[null]}"#, "{}",
        #"{"ch\u006fices":[{"d\u0065lta":{"c\u006fntent":"escaped keys"}}]}"#,
        #"{"usage":null,"error":null,"choices":[{"delta":{"content":null},"finish_reason":null}]}"#,
        #"{"extra":{"deep":[1,2,{"x":[true,false,null,-1.5e3]}]},"choices":[{"delta":{"content":"ok"}}]}"#,
        // Errors inside a 200 answer, before or after the choices.
        #"{"error":{"message":"Rate limited","code":429}}"#,
        #"{"choices":{},"error":{"message":"boom","code":"x"}}"#, #"{"error":"plain text"}"#,
        // Malformed.
        "", "[1]", "\"text\"", "7", "null", "{", "{]", #"{"choices":{}}"#, #"{"choices":"x"}"#,
        #"{"choices":[{"delta":{"content":1}}]}"#, #"{"choices":[{"delta":{},"finish_reason":7}]}"#,
        #"{"choices":[],"usage":{"prompt_tokens":1}}"#, #"{"choices":[{"delta":{"tool_calls":{}}}]}"#,
        #"{"choices":[{"delta":{"tool_calls":[7]}}]}"#, #"{"choices":[1,]}"#,
        #"{"choices":[{"delta":{"content":"x"}}]"#,
        #"{"choices":[{"delta":{"content":"x"}}]} trailing"#, #"{"a":1,}"#, #"{"a" 1}"#, #"{a:1}"#,
        "{\"choices\":[{\"delta\":{\"content\":\"raw\ncontrol\"}}]}", #"{"choices":[{"delta":{"content":"\x"}}]}"#,
        #"{"choices":[{"delta":{"content":"\ud800"}}]}"#, #"{"id":01}"#, #"{"id":-}"#, #"{"n":1e999}"#,
        #"{"choices":[{"delta":{"content":"x"}}],"usage":{"prompt_tokens":1,"completion_tokens":"2"}}"#,
    ]

    @Test(arguments: chunks)
    func sameAsTheTree(_ data: String) {
        let read = Self.outcome { () throws(ProviderError) in try wire.parseStreamEvent(SSEEvent(data: data)) }
        let tree = Self.outcome { () throws(ProviderError) in try Self.fromTree(data) }
        switch (read, tree) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure(.malformed), .failure(.malformed)): break
        case (.failure(let a), .failure(let b)): #expect(a == b)
        default: Issue.record("byte reader: \(read); tree: \(tree)")
        }
    }

    @Test func deepNestingIsRefusedNotFollowed() {
        let deep = "{\"choices\":[{\"delta\":{\"x\":" + String(repeating: "[", count: 100_000) + "}}]}"
        #expect(Wire.malformed { _ = try wire.parseStreamEvent(SSEEvent(data: deep)) }?.contains("nested") == true)
        let deepChoices = "{\"choices\":" + String(repeating: "[", count: 100_000)
        #expect(Wire.malformed { _ = try wire.parseStreamEvent(SSEEvent(data: deepChoices)) } != nil)
    }

    @Test func readsTheMembersItKeeps() throws {
        let step = try wire.parseStreamEvent(SSEEvent(data: Self.chunks[1]))
        #expect(step == StreamStep(events: [.delta("Hello, wor")], done: false))
        let last = try wire.parseStreamEvent(SSEEvent(data: Self.chunks[3]))
        #expect(last.events == [.usage(TokenUsage(input: 9, output: 3))])
        #expect(try wire.parseStreamEvent(SSEEvent(data: "[DONE]")).done)
    }
}
