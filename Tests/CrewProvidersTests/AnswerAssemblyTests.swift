import AsyncHTTPClient
import CrewCore
import CrewTestSupport
import Foundation
import Testing

@testable import CrewProviders

/// Putting a streamed answer together: linear in its size, and held to the answer limit.
@Suite struct AnswerAssemblyTests {
    /// 3 MB of JSON arguments, as a model writing a long file would send them.
    static let bigArguments = #"{"text":""# + String(repeating: "0123456789abcdef", count: 196_608) + #""}"#

    /// Before the fix each piece copied everything before it: 3 MB in small pieces took 41 s.
    @Test func assemblingArgumentsIsLinear() {
        let bytes = Array(Self.bigArguments.utf8)
        let pieces = stride(from: 0, to: bytes.count, by: 20).map {
            String(decoding: bytes[$0..<min($0 + 20, bytes.count)], as: UTF8.self)
        }
        let start = Date()
        var assembler = ToolCallAssembler()
        assembler.add(index: 0, id: "call_a", name: "write", arguments: "")
        for piece in pieces { assembler.add(index: 0, id: nil, name: nil, arguments: piece) }
        let calls = assembler.finish()
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(calls.count == 1 && calls.first?.arguments == Self.bigArguments)
    }

    /// The same through each streaming format that sends arguments in pieces, over a socket (pieces of 512 bytes,
    /// so that the test server, built for debugging, does not take the time).
    @Test(arguments: [Endpoint.Provider.openai, .anthropic])
    func bigArgumentsInSmallDeltasArriveWholeAndFast(provider: Endpoint.Provider) async throws {
        let call = ScriptedToolCall(id: "c1", name: "write", arguments: Self.bigArguments, fragmentSize: 512)
        try await HostileProviderTests.withClient(provider: provider, { _ in .toolCalls([call]) }) { _, client in
            let start = Date()
            var request = HostileProviderTests.request(stream: true)
            request.tools = [ToolDefinition(name: "write", description: "Writes.", inputSchema: .object([:]))]
            let answer = try await client.complete(request, observe: { _ in })
            #expect(Date().timeIntervalSince(start) < 20)
            #expect(answer.toolCalls.count == 1)
            #expect(answer.toolCalls.first?.arguments == Self.bigArguments)
        }
    }

    @Test func bigTextInSmallDeltasArrivesWhole() async throws {
        let text = String(repeating: String(repeating: "w", count: 999) + " ", count: 3_000)
        try await HostileProviderTests.withClient({ _ in .reply(text: text) }) { _, client in
            let answer = try await client.complete(HostileProviderTests.request(stream: true), observe: { _ in })
            #expect(answer.text == text)
        }
    }

    @Test func assembledTextIsHeldToTheLimit() throws {
        var answer = StreamAssembly(answerTool: nil, limit: 10)
        #expect(try answer.apply(.delta("12345")) == "12345")
        #expect(try answer.apply(.delta("67890")) == "67890")
        #expect(throws: ProviderError.tooLarge(.answer, limit: 10)) { try answer.apply(.delta("x")) }
    }

    @Test func assembledArgumentsAndWholeCallsAreHeldToTheLimit() throws {
        var pieces = StreamAssembly(answerTool: nil, limit: 16)
        _ = try pieces.apply(.toolCallDelta(index: 0, id: "i", name: "f", arguments: "{}"))
        _ = try pieces.apply(.toolCallDelta(index: 0, id: nil, name: nil, arguments: "0123456789"))
        #expect(pieces.keptBytes == 14)
        #expect(throws: ProviderError.tooLarge(.answer, limit: 16)) {
            try pieces.apply(.toolCallDelta(index: 1, id: nil, name: nil, arguments: "abc"))
        }
        var whole = StreamAssembly(answerTool: nil, limit: 16)
        #expect(throws: ProviderError.tooLarge(.answer, limit: 16)) {
            try whole.apply(.toolCall(ToolCall(id: "i", name: "f", arguments: String(repeating: "a", count: 15))))
        }
    }

    @Test func anAnswerToolsPiecesCountAsText() throws {
        var answer = StreamAssembly(answerTool: "output", limit: 20)
        #expect(try answer.apply(.toolCallDelta(index: 0, id: "t", name: "output", arguments: "")) == nil)
        #expect(try answer.apply(.toolCallDelta(index: 0, id: nil, name: nil, arguments: "{\"a\":1}")) == "{\"a\":1}")
        #expect(throws: ProviderError.tooLarge(.answer, limit: 20)) {
            try answer.apply(.toolCallDelta(index: 0, id: nil, name: nil, arguments: "{\"b\":2}"))
        }
    }

    @Test func limitMessagesSayWhatAndHowMuch() {
        #expect(SizeBound.answer.message(limit: 64 << 20) == "the answer is larger than 64 MiB")
        #expect(SizeBound.eventLine.message(limit: 8 << 20) == "a server-sent event line is longer than 8 MiB")
        #expect(SizeBound.eventData.message(limit: 8 << 20) == "a server-sent event carries more than 8 MiB of data")
        #expect(SizeBound.answer.message(limit: 1000) == "the answer is larger than 1000 bytes")
        #expect(!ProviderError.tooLarge(.answer, limit: 1).isRetryable)
        #expect("\(ProviderError.tooLarge(.answer, limit: 64 << 20))" == "the answer is larger than 64 MiB")
    }

    @Test func waitsSaturateInsteadOfTrapping() {
        let week = UInt64(Seconds.max) * 1_000_000_000
        #expect(Seconds.nanoseconds(1e300) == week)
        #expect(Seconds.nanoseconds(.infinity) == week)
        #expect(Seconds.nanoseconds(.nan) == 0)
        #expect(Seconds.nanoseconds(-5) == 0)
        #expect(Seconds.nanoseconds(1.5) == 1_500_000_000)
    }
}

/// Embeddings answers are held to the same limit and deadline as chat answers.
@Suite struct EmbeddingsLimitTests {
    static func withEmbedder(
        timeout: Double, _ script: @escaping @Sendable (RecordedRequest) -> Behavior,
        _ body: (ProviderTestServer, HTTPEmbedder) async throws -> Void
    ) async throws {
        let server = try await ProviderTestServer.start(script: script)
        let transport = ProviderTransport()
        let embedder = HTTPEmbedder(
            format: .openai,
            endpoint: Endpoint(provider: .openai, baseURL: server.baseURL, apiKey: nil, keySource: nil),
            model: "e", dimensions: nil, batchSize: 8, transport: transport,
            retry: RetryPolicy(maxRetries: 2, baseDelay: 0.05),
            timeout: timeout)
        do {
            try await body(server, embedder)
        } catch {
            transport.shutdown()
            try? await server.shutdown()
            throw error
        }
        transport.shutdown()
        try await server.shutdown()
    }

    @Test func anEndlessEmbeddingsAnswerStopsAtTheLimitAndIsNotRetried() async throws {
        try await Self.withEmbedder(timeout: 60, { _ in .endless(of: .reply()) }) { server, embedder in
            await #expect(throws: ProviderError.tooLarge(.answer, limit: ProviderLimits.maxAnswerBytes)) {
                try await embedder.embed(["a", "b"])
            }
            #expect(server.requests.count == 1)
        }
    }

    @Test func aTricklingEmbeddingsAnswerIsCutAtTheDeadline() async throws {
        try await Self.withEmbedder(timeout: 1, { _ in .trickle(every: 0.2, of: .reply()) }) { server, embedder in
            let start = Date()
            await #expect(throws: ProviderError.timeout) { try await embedder.embed(["a"]) }
            #expect(server.requests.count == 3)
            #expect(Date().timeIntervalSince(start) >= 2.9)
        }
    }

    @Test func embeddingsWithinTheLimitAreRead() async throws {
        try await Self.withEmbedder(timeout: 10, { _ in .reply() }) { _, embedder in
            let vectors = try await embedder.embed(["a", "b"])
            #expect(vectors.count == 2)
        }
    }
}

/// Which responses are read as event streams.
@Suite struct StreamMediaTypeTests {
    @Test func aStreamIsKnownByItsMediaTypeAlone() {
        for value in ["text/event-stream", "Text/Event-Stream; charset=utf-8", " text/event-stream ;q=1"] {
            #expect(ChatAnswerReader.isEventStream(value), "\(value)")
        }
        for value in ["", "application/json", "text/event-streams", "x-text/event-stream", "text/event"] {
            #expect(!ChatAnswerReader.isEventStream(value), "\(value)")
        }
    }
}
