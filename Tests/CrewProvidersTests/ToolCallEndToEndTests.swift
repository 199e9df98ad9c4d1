import AsyncHTTPClient
import CrewCore
import CrewProviders
import CrewTestSupport
import Foundation
import Testing

/// Arguments written compactly with keys sorted: what every format hands back, whether it carries them as text or
/// as an object.
private let paris = #"{"city":"Paris"}"#
private let oslo = #"{"city":"Oslo","days":2}"#

/// Tool calls through `HTTPChatClient` against the test server, for each provider, streamed and not.
@Suite struct ToolCallEndToEndTests {
    static let cases: [(Endpoint.Provider, Bool)] = Endpoint.Provider.allCases.flatMap { [($0, false), ($0, true)] }
    static let streams: [Endpoint.Provider] = Endpoint.Provider.allCases

    static let weather = ToolDefinition(
        name: "weather", description: "Weather for a city.",
        inputSchema: .object(["type": .string("object"), "properties": .object(["city": .object([:])])]))

    /// What the client saw besides the answer.
    final class Observed: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [ClientEvent] = []

        func record(_ event: ClientEvent) { lock.withLock { events.append(event) } }

        var retries: [ProviderError] {
            lock.withLock { events.compactMap { if case .retry(_, let error, _) = $0 { error } else { nil } } }
        }
        var deltas: String {
            lock.withLock { events.compactMap { if case .delta(let text) = $0 { text } else { nil } }.joined() }
        }
    }

    /// Runs `body` with a server answering by `script` and a client for `provider`, shutting both down after.
    static func withClient(
        _ provider: Endpoint.Provider, _ script: @escaping @Sendable (RecordedRequest) -> Behavior,
        _ body: (ProviderTestServer, HTTPChatClient) async throws -> Void
    ) async throws {
        let server = try await ProviderTestServer.start(script: script)
        let transport = ProviderTransport()
        let wire: any WireFormat =
            switch provider {
            case .openai: OpenAIWire()
            case .anthropic: AnthropicWire()
            case .gemini: GeminiWire()
            }
        let endpoint = Endpoint(provider: provider, baseURL: server.baseURL, apiKey: Secret("k"), keySource: nil)
        let client = HTTPChatClient(
            endpoint: endpoint, wire: wire, transport: transport,
            retry: RetryPolicy(maxRetries: 2, baseDelay: 0.01, maxDelay: 0.02),
            limiter: nil, timeout: 10)
        do {
            try await body(server, client)
        } catch {
            transport.shutdown()
            try? await server.shutdown()
            throw error
        }
        transport.shutdown()
        try await server.shutdown()
    }

    static func request(stream: Bool, _ messages: [ChatMessage] = [ChatMessage(.user, "Weather?")]) -> ChatRequest {
        ChatRequest(model: "m", messages: messages, stream: stream, tools: [weather])
    }

    /// The id the server gives call `number` (from 1) of the first request when the script names none.
    static func serverID(_ provider: Endpoint.Provider, _ number: Int) -> String {
        switch provider {
        case .openai: "call_0_\(number)"
        case .anthropic: "toolu_0_\(number)"
        case .gemini: "call_\(number)"  // Gemini sends none: the client numbers the calls
        }
    }

    static func finishReason(_ provider: Endpoint.Provider) -> String {
        switch provider {
        case .openai: "tool_calls"
        case .anthropic: "tool_use"
        case .gemini: "STOP"
        }
    }

    @Test(arguments: cases)
    func oneCall(provider: Endpoint.Provider, stream: Bool) async throws {
        let script: @Sendable (RecordedRequest) -> Behavior = { _ in
            .toolCalls([ScriptedToolCall(name: "weather", arguments: paris)])
        }
        try await Self.withClient(provider, script) { server, client in
            let response = try await client.complete(Self.request(stream: stream)) { _ in }
            #expect(response.toolCalls == [ToolCall(id: Self.serverID(provider, 1), name: "weather", arguments: paris)])
            #expect(response.text.isEmpty && response.finishReason == Self.finishReason(provider))
            #expect((response.usage?.output ?? 0) > 0)
            #expect(server.requests.first?.offeredTools == ["weather"])
        }
    }

    @Test(arguments: cases)
    func textAndSeveralCalls(provider: Endpoint.Provider, stream: Bool) async throws {
        let script: @Sendable (RecordedRequest) -> Behavior = { _ in
            .toolCalls(
                [
                    ScriptedToolCall(id: "first", name: "weather", arguments: paris),
                    ScriptedToolCall(id: "second", name: "weather", arguments: oslo),
                ], text: "Let me check both.")
        }
        try await Self.withClient(provider, script) { _, client in
            let observed = Observed()
            let response = try await client.complete(Self.request(stream: stream)) { observed.record($0) }
            #expect(response.text == "Let me check both.")
            #expect(
                response.toolCalls == [
                    ToolCall(id: "first", name: "weather", arguments: paris),
                    ToolCall(id: "second", name: "weather", arguments: oslo),
                ])
            if stream { #expect(observed.deltas == "Let me check both.") }
        }
    }

    /// OpenAI (both ways) and Anthropic streams carry arguments as text and pass broken JSON through; Anthropic
    /// whole answers and Gemini carry an object, so the server can only send `{}` there.
    @Test(arguments: cases)
    func argumentsThatAreNotJSONPassThrough(provider: Endpoint.Provider, stream: Bool) async throws {
        let broken = #"{"city": "Par"#
        let script: @Sendable (RecordedRequest) -> Behavior = { _ in
            .toolCalls([ScriptedToolCall(name: "weather", arguments: broken)])
        }
        try await Self.withClient(provider, script) { _, client in
            let response = try await client.complete(Self.request(stream: stream)) { _ in }
            let carriesText = provider == .openai || (provider == .anthropic && stream)
            #expect(response.toolCalls.map(\.arguments) == [carriesText ? broken : "{}"])
        }
    }

    @Test(arguments: streams)
    func streamCutInsideACallIsRetried(provider: Endpoint.Provider) async throws {
        let calls = [
            ScriptedToolCall(name: "weather", arguments: paris), ScriptedToolCall(name: "weather", arguments: oslo),
        ]
        // Two content events: inside the first call's arguments (OpenAI, Anthropic), after the first call (Gemini).
        let script: @Sendable (RecordedRequest) -> Behavior = { request in
            request.index == 0 ? .cutStream(afterChunks: 2, of: .toolCalls(calls)) : .toolCalls(calls)
        }
        try await Self.withClient(provider, script) { server, client in
            let observed = Observed()
            let response = try await client.complete(Self.request(stream: true)) { observed.record($0) }
            // A chunked body cut mid-stream reaches the client as `.connection("stream ended at an unexpected
            // time")` (NIO's parser error), a reader that ends without the end marker as `.streamCut`: both retried.
            #expect(observed.retries.count == 1 && observed.retries.allSatisfy(\.isRetryable))
            #expect(response.toolCalls.map(\.arguments) == [paris, oslo] && server.requests.count == 2)
        }
    }

    /// A whole conversation: calls, the results sent back (one an error), then the final answer.
    @Test(arguments: cases)
    func resultsAreSentBack(provider: Endpoint.Provider, stream: Bool) async throws {
        let script: @Sendable (RecordedRequest) -> Behavior = { request in
            guard request.index == 0 else { return .reply(text: "Sunny in Paris.") }
            return .toolCalls(
                [
                    ScriptedToolCall(id: "a1", name: "weather", arguments: paris, signature: "sig-1"),
                    ScriptedToolCall(id: "a2", name: "weather", arguments: oslo),
                ], text: "Checking.")
        }
        try await Self.withClient(provider, script) { server, client in
            var messages = [ChatMessage(.user, "Weather?")]
            let first = try await client.complete(Self.request(stream: stream, messages)) { _ in }
            messages.append(.assistant(first.text, calls: first.toolCalls))
            messages.append(.toolResult(for: first.toolCalls[0], content: "18C", isError: false))
            messages.append(.toolResult(for: first.toolCalls[1], content: "timeout", isError: true))
            let final = try await client.complete(Self.request(stream: stream, messages)) { _ in }
            #expect(final.text == "Sunny in Paris." && final.toolCalls.isEmpty)
            let sent = try #require(server.requests.last)
            let name: String? = provider == .gemini ? "weather" : nil
            let prefix = provider == .openai ? "Error: " : ""
            #expect(
                sent.toolResults == [
                    RecordedToolResult(callID: "a1", name: name, content: "18C", isError: false),
                    RecordedToolResult(callID: "a2", name: name, content: prefix + "timeout", isError: true),
                ])
            #expect(sent.historyToolCalls.map(\.id) == ["a1", "a2"])
            #expect(sent.historyToolCalls.map(\.arguments) == [paris, oslo])
            let signature = sent.historyToolCalls.first?.signature
            #expect(signature == (provider == .gemini ? "sig-1" : nil))
        }
    }

    /// Anthropic's structured answer is a call of its own `output` tool, also when the user's tools are sent: the
    /// client hands it back as the answer text.
    @Test(arguments: [false, true])
    func anthropicStructuredAnswerWithToolsIsText(stream: Bool) async throws {
        let value: JSONValue = .object(["title": .string("Tides")])
        try await Self.withClient(.anthropic, { _ in .replyJSON(value) }) { server, client in
            var request = Self.request(stream: stream)
            request.responseSchema = .object(["type": .string("object")])
            request.toolChoice = .none
            let observed = Observed()
            let response = try await client.complete(request) { observed.record($0) }
            #expect(response.text == value.serialized() && response.toolCalls.isEmpty)
            if stream { #expect(observed.deltas == value.serialized()) }
            #expect(server.requests.first?.offeredTools == ["weather", "output"])
        }
    }
}
