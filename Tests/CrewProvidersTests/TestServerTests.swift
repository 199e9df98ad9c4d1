import AsyncHTTPClient
import CrewCore
import CrewTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// What the client saw: status, headers, each body part as it arrived, and the error that ended the body early.
private struct Reply {
    var status: Int
    var headers: HTTPHeaders
    var parts: [[UInt8]] = []
    var error: (any Error)?
    var text: String { String(decoding: parts.joined(), as: UTF8.self) }
    var json: JSONValue? { try? JSONParser.parse(Array(parts.joined())) }
    /// SSE events as (name, data), whatever the line ending.
    var events: [(name: String?, data: String)] {
        text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n").filter { !$0.isEmpty }.map {
            block in
            let lines = block.split(separator: "\n").map(String.init)
            let name = lines.first { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
            return (name, lines.filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }.joined())
        }
    }
    var eventJSON: [JSONValue] { events.compactMap { try? JSONParser.parse($0.data) } }
}

private let system = "Be brief"
private let user = "hello there"

/// Parses a JSON literal written in a test; a typo shows up as a failed comparison, not a crash.
private func json(_ text: String) -> JSONValue {
    (try? JSONParser.parse(text)) ?? .string("unparseable test literal: \(text)")
}

extension JSONValue {
    fileprivate subscript(index: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }
}

/// A request in each provider's format (system "Be brief", user "hello there"), and the path it goes to.
private func openAI(stream: Bool) -> (String, String) {
    let messages = #"[{"role":"system","content":"Be brief"},{"role":"user","content":"hello there"}]"#
    let options = #""stream_options":{"include_usage":true}"#
    return ("/v1/chat/completions", #"{"model":"gpt-test","stream":\#(stream),\#(options),"messages":\#(messages)}"#)
}

private func anthropic(stream: Bool) -> (String, String) {
    let messages = #"[{"role":"user","content":[{"type":"text","text":"hello there"}]}]"#
    let rest = #""system":"Be brief","max_tokens":100,"messages":\#(messages)"#
    return ("/v1/messages", #"{"model":"claude-test","stream":\#(stream),\#(rest)}"#)
}

private func gemini(stream: Bool) -> (String, String) {
    let path = "/v1beta/models/gemini-test" + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent")
    let contents = #"[{"role":"user","parts":[{"text":"hello there"}]}]"#
    return (path, #"{"systemInstruction":{"parts":[{"text":"Be brief"}]},"contents":\#(contents)}"#)
}

/// Runs `body` against a fresh server and a client allowed 32 connections per host (AsyncHTTPClient's default
/// of 8 would queue the concurrency test), shutting both down whatever happens.
private func withServer(
    _ script: @escaping @Sendable (RecordedRequest) -> Behavior = { _ in .reply() },
    _ body: (ProviderTestServer, HTTPClient) async throws -> Void
) async throws {
    let server = try await ProviderTestServer.start(script: script)
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        try await body(server, client)
    } catch {
        try? await client.shutdown()
        try? await server.shutdown()
        throw error
    }
    try await client.shutdown()
    try await server.shutdown()
}

/// Posts and reads the body part by part; an error ending the body is kept in the reply, not thrown.
private func post(
    _ client: HTTPClient, _ server: ProviderTestServer, _ target: (String, String),
    timeout: TimeAmount = .seconds(10)
) async throws -> Reply {
    var request = HTTPClientRequest(url: server.baseURL + target.0)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(ByteBuffer(string: target.1))
    let response = try await client.execute(request, timeout: timeout)
    var reply = Reply(status: Int(response.status.code), headers: response.headers)
    do {
        for try await buffer in response.body { reply.parts.append(Array(buffer.readableBytesView)) }
    } catch {
        reply.error = error
    }
    return reply
}

@Suite struct TestServerFormatTests {
    @Test func openAIAnswersAChatCompletion() async throws {
        try await withServer { server, client in
            let reply = try await post(client, server, openAI(stream: false))
            #expect(reply.status == 200 && reply.headers.first(name: "content-length") == "\(reply.text.utf8.count)")
            let message = #"{"role":"assistant","content":"echo: hello there"}"#
            let usage = #""usage":{"prompt_tokens":4,"completion_tokens":3,"total_tokens":7}"#
            let head = #""id":"chatcmpl-0","object":"chat.completion","created":1700000000,"model":"gpt-test""#
            let choices = #"[{"index":0,"message":\#(message),"finish_reason":"stop"}]"#
            #expect(reply.json == json(#"{\#(head),"choices":\#(choices),\#(usage)}"#))
        }
    }

    @Test func openAIStreamsChunksThenUsageThenDone() async throws {
        try await withServer({ _ in .paced(seconds: 0.02, then: .reply()) }) { server, client in
            let reply = try await post(client, server, openAI(stream: true))
            #expect(reply.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            #expect(reply.headers.first(name: "transfer-encoding") == "chunked" && reply.error == nil)
            #expect(reply.parts.count >= 7, "each event arrives in its own write")
            let head = #""id":"chatcmpl-0","object":"chat.completion.chunk","created":1700000000,"model":"gpt-test""#
            let chunk = { (delta: String, finish: String) in
                json(#"{\#(head),"choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(finish)}]}"#)
            }
            let usage = #""usage":{"prompt_tokens":4,"completion_tokens":3,"total_tokens":7}"#
            let expected = [
                chunk(#"{"role":"assistant","content":""}"#, "null"), chunk(#"{"content":"echo:"}"#, "null"),
                chunk(#"{"content":" hello"}"#, "null"), chunk(#"{"content":" there"}"#, "null"),
                chunk("{}", #""stop""#), json(#"{\#(head),"choices":[],\#(usage)}"#),
            ]
            #expect(reply.eventJSON == expected && reply.events.map(\.data).last == "[DONE]")
            #expect(reply.events.count == 7 && reply.events.allSatisfy { $0.name == nil })
        }
    }

    @Test func anthropicAnswersAMessage() async throws {
        try await withServer { server, client in
            let reply = try await post(client, server, anthropic(stream: false))
            let head = #""id":"msg_0","type":"message","role":"assistant","model":"claude-test""#
            let content = #""content":[{"type":"text","text":"echo: hello there"}]"#
            let end = #""stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":4,"output_tokens":3}"#
            #expect(reply.status == 200 && reply.json == json(#"{\#(head),\#(content),\#(end)}"#))
        }
    }

    @Test func anthropicStreamsNamedEvents() async throws {
        try await withServer { server, client in
            let reply = try await post(client, server, anthropic(stream: true))
            let message =
                #"{"id":"msg_0","type":"message","role":"assistant","model":"claude-test","content":[],"#
                + #""stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":4,"output_tokens":1}}"#
            let delta = { (text: String) in
                #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\#(text)"}}"#
            }
            let expected = [
                #"{"type":"message_start","message":\#(message)}"#,
                #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
                #"{"type":"ping"}"#, delta("echo:"), delta(" hello"), delta(" there"),
                #"{"type":"content_block_stop","index":0}"#,
                #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"#
                    + #""usage":{"output_tokens":3}}"#,
                #"{"type":"message_stop"}"#,
            ]
            #expect(reply.eventJSON == expected.map(json))
            #expect(reply.events.map(\.name) == reply.eventJSON.map { $0["type"]?.stringValue })
        }
    }

    @Test func anthropicStructuredAnswersAreAnOutputTool() async throws {
        let value = json(#"{"answer":"forty two","items":[1,2],"nested":{"ok":true}}"#)
        try await withServer({ _ in .replyJSON(value) }) { server, client in
            let whole = try #require(try await post(client, server, anthropic(stream: false)).json)
            let tool: JSONValue = .object([
                "type": .string("tool_use"), "id": .string("toolu_0"), "name": .string("output"), "input": value,
            ])
            #expect(whole["content"] == .array([tool]) && whole["stop_reason"] == .string("tool_use"))
            let data = try await post(client, server, anthropic(stream: true)).eventJSON
            let start = json(#"{"type":"tool_use","id":"toolu_1","name":"output","input":{}}"#)
            #expect(data.dropFirst().first?["content_block"] == start)
            let fragments = data.compactMap { $0["delta"]?["partial_json"]?.stringValue }
            #expect(fragments.count > 1 && json(fragments.joined()) == value)
            #expect(
                data.last { $0["type"] == .string("message_delta") }?["delta"]?["stop_reason"] == .string("tool_use"))
        }
    }

    @Test func geminiAnswersAndStreamsWithCRLF() async throws {
        try await withServer { server, client in
            let response = { (text: String, finish: String, output: Int) in
                let candidate = #"{"content":{"parts":[{"text":"\#(text)"}],"role":"model"},\#(finish)"index":0}"#
                let usage =
                    #"{"promptTokenCount":4,"candidatesTokenCount":\#(output),"totalTokenCount":\#(4 + output)}"#
                return json(#"{"candidates":[\#(candidate)],"usageMetadata":\#(usage),"modelVersion":"gemini-test"}"#)
            }
            let stop = #""finishReason":"STOP","#
            #expect(
                try await post(client, server, gemini(stream: false)).json == response("echo: hello there", stop, 3))
            let stream = try await post(client, server, gemini(stream: true))
            #expect(stream.text.hasPrefix("data: {") && stream.text.components(separatedBy: "}\r\n\r\n").count == 4)
            #expect(
                stream.eventJSON == [response("echo:", "", 1), response(" hello", "", 2), response(" there", stop, 3)])
        }
    }

    @Test func openAIAndGeminiStructuredAnswersAreJSONText() async throws {
        let value = json(#"{"ok":true,"list":["a b"]}"#)
        try await withServer({ _ in .replyJSON(value) }) { server, client in
            let openAIText = try await post(client, server, openAI(stream: false)).json?["choices"]?[0]?["message"]?[
                "content"]
            #expect(openAIText?.stringValue.map(json) == value)
            let geminiText = try await post(client, server, gemini(stream: false)).json?["candidates"]?[0]?["content"]?[
                "parts"]?[0]?["text"]
            #expect(geminiText?.stringValue.map(json) == value)
        }
    }

    @Test func embeddingsAreDeterministicUnitVectors() async throws {
        try await withServer { server, client in
            let body = #"{"model":"embed-test","input":["one two","three"]}"#
            let reply = try #require(try await post(client, server, ("/v1/embeddings", body)).json)
            let vectors = ["one two", "three"].map { ProviderTestServer.embedding(for: $0) }
            let data = vectors.enumerated().map { index, vector -> JSONValue in
                .object([
                    "object": .string("embedding"), "index": .int(index),
                    "embedding": .array(vector.map { .double($0) }),
                ])
            }
            let rest = json(#"{"object":"list","model":"embed-test","usage":{"prompt_tokens":3,"total_tokens":3}}"#)
            #expect(reply == .object((rest.objectValue ?? [:]).merging(["data": .array(data)]) { $1 }))
            #expect(vectors[0].count == 8 && abs(vectors[0].reduce(0) { $0 + $1 * $1 } - 1) < 1e-9)
            #expect(vectors[0] != vectors[1] && vectors[0] == ProviderTestServer.embedding(for: "one two"))
        }
    }

    @Test func unknownPathsGetOpenAIStyle404() async throws {
        try await withServer { server, client in
            let reply = try await post(client, server, ("/v1/nothing", "{}"))
            let error =
                #"{"message":"Invalid URL (POST /v1/nothing)","type":"invalid_request_error","param":null,"code":null}"#
            #expect(reply.status == 404 && reply.json == json(#"{"error":\#(error)}"#))
            #expect(server.requests.map(\.provider) == [.unknown])
        }
    }
}

@Suite struct TestServerBehaviorTests {
    @Test func errorStatusesUseEachProvidersBodyAndRetryAfter() async throws {
        let script: @Sendable (RecordedRequest) -> Behavior = { request in
            switch request.provider {
            case .openai: .status(429, retryAfter: "7")
            case .anthropic: .status(529, message: "busy")
            default: .status(401, message: "bad key", retryAfter: "2")
            }
        }
        try await withServer(script) { server, client in
            let openAIReply = try await post(client, server, openAI(stream: true))
            let limit = #""message":"Rate limit reached for requests. Please try again later.","type":"requests""#
            #expect(openAIReply.status == 429 && openAIReply.headers.first(name: "retry-after") == "7")
            #expect(openAIReply.json == json(#"{"error":{\#(limit),"param":null,"code":"rate_limit_exceeded"}}"#))
            let anthropicReply = try await post(client, server, anthropic(stream: false))
            #expect(anthropicReply.status == 529 && anthropicReply.headers.first(name: "retry-after") == nil)
            #expect(
                anthropicReply.json == json(#"{"type":"error","error":{"type":"overloaded_error","message":"busy"}}"#))
            let geminiReply = try await post(client, server, gemini(stream: true))
            #expect(geminiReply.status == 401 && geminiReply.headers.first(name: "retry-after") == "2")
            #expect(geminiReply.json == json(#"{"error":{"code":401,"message":"bad key","status":"UNAUTHENTICATED"}}"#))
        }
    }

    @Test func hangingRequestsTimeOutAndAreReleasedWhenTheClientGivesUp() async throws {
        try await withServer({ _ in .hang }) { server, client in
            let start = ContinuousClock.now
            await #expect(throws: HTTPClientError.deadlineExceeded) {
                _ = try await post(client, server, openAI(stream: false), timeout: .milliseconds(300))
            }
            #expect(ContinuousClock.now - start < .seconds(3) && server.requests.count == 1)
            #expect(await eventually { server.inFlight == 0 }, "the closed connection ends the request")
        }
    }

    @Test func shutdownClosesHangingConnectionsPromptly() async throws {
        let server = try await ProviderTestServer.start { _ in .hang }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let call = Task { try await post(client, server, anthropic(stream: true), timeout: .seconds(60)) }
        #expect(await eventually { server.inFlight == 1 })
        let start = ContinuousClock.now
        try await server.shutdown()
        #expect(ContinuousClock.now - start < .seconds(2))
        await #expect(throws: HTTPClientError.self) { _ = try await call.value }
        #expect(await eventually { server.inFlight == 0 })
        try await client.shutdown()
    }

    @Test func cutStreamsEndWithoutTheirEndMarker() async throws {
        try await withServer({ _ in .paced(seconds: 0.01, then: .cutStream(afterChunks: 2)) }) { server, client in
            let openAIReply = try await post(client, server, openAI(stream: true))
            #expect(openAIReply.status == 200 && openAIReply.error != nil)
            let pieces = openAIReply.eventJSON.map { $0["choices"]?[0]?["delta"]?["content"]?.stringValue }
            // A client may lose the bytes that arrive together with the close, so what it saw is a prefix of what was
            // sent: the role chunk and 2 pieces, and never the end marker.
            #expect(["", "echo:", " hello"].starts(with: pieces) && openAIReply.events.count <= 3, "no [DONE]")
            #expect(!openAIReply.events.contains { $0.data == "[DONE]" })
            let anthropicReply = try await post(client, server, anthropic(stream: true))
            #expect(anthropicReply.error != nil && anthropicReply.events.count <= 5)
            #expect(!anthropicReply.events.contains { $0.name == "message_stop" || $0.name == "message_delta" })
            let whole = try await post(client, server, anthropic(stream: false))
            let length = Int(whole.headers.first(name: "content-length") ?? "") ?? 0
            #expect(whole.error != nil && whole.text.utf8.count <= length / 2 && length > 100)
            server.setScript { _ in .cutStream(afterChunks: 99) }
            let geminiReply = try await post(client, server, gemini(stream: true))
            #expect(geminiReply.error != nil && geminiReply.eventJSON.count <= 2 && !geminiReply.text.contains("STOP"))
            #expect(await eventually { server.inFlight == 0 })
        }
    }

    @Test func malformedJSONArrivesWithStatus200() async throws {
        try await withServer({ _ in .malformedJSON }) { server, client in
            let whole = try await post(client, server, gemini(stream: false))
            #expect(whole.status == 200 && whole.error == nil && whole.text.hasPrefix("{") && whole.json == nil)
            let stream = try await post(client, server, openAI(stream: true))
            #expect(stream.error == nil && stream.events.count == 7 && stream.events.last?.data == "[DONE]")
            #expect(stream.eventJSON.count == 5, "one event besides [DONE] is not JSON")
        }
    }

    @Test func closedConnectionsSendNothing() async throws {
        try await withServer({ _ in .closeConnection }) { server, client in
            await #expect(throws: HTTPClientError.remoteConnectionClosed) {
                _ = try await post(client, server, openAI(stream: false))
            }
            #expect(server.requests.count == 1)
            #expect(await eventually { server.inFlight == 0 })
        }
    }

    @Test func sixteenDelayedRequestsAreAllInFlightAtOnce() async throws {
        try await withServer({ _ in .delay(seconds: 0.5, then: .reply()) }) { server, client in
            let start = ContinuousClock.now
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<16 { group.addTask { try await post(client, server, openAI(stream: false)).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 16))
            #expect(ContinuousClock.now - start < .seconds(4), "delays run side by side, not one after another")
            #expect(server.maxInFlight == 16 && server.inFlight == 0)
            #expect(server.requests.map(\.index) == Array(0..<16))
        }
    }

    @Test func requestsAreRecordedAndTheScriptCanChange() async throws {
        try await withServer { server, client in
            _ = try await post(client, server, openAI(stream: true))
            _ = try await post(client, server, anthropic(stream: false))
            server.setScript { _ in .status(500) }
            let failed = try await post(client, server, gemini(stream: true))
            #expect(failed.status == 500 && failed.json?["error"]?["status"] == .string("INTERNAL"))
            let requests = server.requests
            #expect(requests.map(\.provider) == [.openai, .anthropic, .gemini] && requests.map(\.index) == [0, 1, 2])
            #expect(requests.map(\.streaming) == [true, false, true])
            #expect(requests.allSatisfy { $0.lastUserText == user && $0.systemText == system })
            #expect(requests.map(\.model) == ["gpt-test", "claude-test", "gemini-test"])
            #expect(requests[2].path == "/v1beta/models/gemini-test:streamGenerateContent?alt=sse")
            #expect(requests[0].header("CONTENT-type") == "application/json" && requests[1].method == "POST")
            #expect(requests[1].json?["max_tokens"] == .int(100))
        }
    }
}

/// Polls `condition` for up to two seconds; the server learns of a client's close asynchronously.
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<200 {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: 10_000_000)
    }
    return condition()
}
