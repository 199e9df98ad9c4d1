import AsyncHTTPClient
import CrewCore
import CrewTestSupport
import NIOCore
import NIOHTTP1
import Testing

/// The test server's tool-call answers, read raw: the shapes each provider really streams.
@Suite struct ToolCallServerTests {
    static let call = ScriptedToolCall(id: "c1", name: "weather", arguments: #"{"city":"Paris"}"#)

    /// The data of each SSE event of a streamed answer to `body` at `path`, with its event name.
    static func events(_ path: String, _ body: String) async throws -> [(name: String?, data: JSONValue?)] {
        let server = try await ProviderTestServer.start { _ in .toolCalls([call], text: "Hi") }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var request = HTTPClientRequest(url: server.baseURL + path)
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body))
        let result: Result<ByteBuffer, any Error>
        do {
            let response = try await http.execute(request, timeout: .seconds(10))
            result = .success(try await response.body.collect(upTo: 1 << 20))
        } catch {
            result = .failure(error)
        }
        try await http.shutdown()
        try await server.shutdown()
        let bytes = try result.get()
        let text = String(buffer: bytes).replacing("\r\n", with: "\n")
        return text.split(separator: "\n\n").map { block in
            let lines = block.split(separator: "\n")
            let name = lines.first { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
            let data = lines.first { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
            return (name, data.flatMap { try? JSONParser.parse($0) })
        }
    }

    @Test func openAIStreamsEachCallThenItsArgumentFragments() async throws {
        let events = try await Self.events("/v1/chat/completions", #"{"model":"m","stream":true,"messages":[]}"#)
        let pieces = events.compactMap { $0.data?["choices"]?.arrayValue?.first?["delta"]?["tool_calls"] }
        #expect(
            pieces.first
                == .array([
                    .object([
                        "index": .int(0), "id": .string("c1"), "type": .string("function"),
                        "function": .object(["name": .string("weather"), "arguments": .string("")]),
                    ])
                ]))
        let fragments = pieces.dropFirst().compactMap { $0.arrayValue?.first?["function"]?["arguments"]?.stringValue }
        #expect(fragments.count == 3 && fragments.joined() == Self.call.arguments)
        let finish = events.compactMap { $0.data?["choices"]?.arrayValue?.first?["finish_reason"]?.stringValue }
        #expect(finish == ["tool_calls"])
    }

    @Test func anthropicStreamsATextBlockThenAToolUseBlock() async throws {
        let events = try await Self.events("/v1/messages", #"{"model":"m","stream":true,"messages":[]}"#)
        #expect(
            events.map(\.name) == [
                "message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop",
            ])
        let call = events.dropFirst(5).first?.data
        #expect(call?["index"] == .int(1) && call?["content_block"]?["type"] == .string("tool_use"))
        #expect(call?["content_block"]?["id"] == .string("c1"))
        #expect(events.dropFirst(10).first?.data?["delta"]?["stop_reason"] == .string("tool_use"))
    }

    @Test func geminiStreamsEachCallWholeInAChunk() async throws {
        let events = try await Self.events("/v1beta/models/g:streamGenerateContent?alt=sse", #"{"contents":[]}"#)
        let parts = events.map { $0.data?["candidates"]?.arrayValue?.first?["content"]?["parts"] }
        #expect(
            parts.last
                == .array([
                    .object([
                        "functionCall": .object([
                            "id": .string("c1"), "name": .string("weather"),
                            "args": .object(["city": .string("Paris")]),
                        ])
                    ])
                ]))
        #expect(events.last?.data?["candidates"]?.arrayValue?.first?["finishReason"] == .string("STOP"))
    }
}
