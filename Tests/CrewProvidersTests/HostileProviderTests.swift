import CrewCore
import CrewProviders
import CrewTestSupport
import Foundation
import Testing

/// A provider that never stops or never gets on, against `HTTPChatClient` over real sockets: each answer is cut
/// by the size limit or the deadline, with a typed error, and a too-large answer is not retried.
@Suite struct HostileProviderTests {
    static let mebibyte = 1 << 20

    /// Text deltas and their total size, as the observer saw them.
    final class Deltas: @unchecked Sendable {
        private let lock = NSLock()
        private var bytes = 0
        func add(_ event: ClientEvent) {
            if case .delta(let piece) = event { lock.withLock { bytes += piece.utf8.count } }
        }
        var total: Int { lock.withLock { bytes } }
    }

    /// Runs `body` against a server answering by `script`, shutting both down after.
    static func withClient(
        provider: Endpoint.Provider = .openai, timeout: Double = 20, answerLimit: Int = ProviderLimits.maxAnswerBytes,
        maxRetries: Int = 3, _ script: @escaping @Sendable (RecordedRequest) -> Behavior,
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
        let client = HTTPChatClient(
            endpoint: Endpoint(provider: provider, baseURL: server.baseURL, apiKey: Secret("k"), keySource: nil),
            wire: wire, transport: transport,
            retry: RetryPolicy(maxRetries: maxRetries, baseDelay: 0.05, maxDelay: 0.1),
            limiter: nil, timeout: timeout, answerLimit: answerLimit)
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

    static func request(stream: Bool) -> ChatRequest {
        ChatRequest(model: "m", messages: [ChatMessage(.user, "Go on")], maxTokens: 100, stream: stream)
    }

    /// The error `client` ends with, and the seconds it took.
    static func failure(_ client: HTTPChatClient, stream: Bool = true, deltas: Deltas = Deltas()) async -> (
        ProviderError?, Double
    ) {
        let start = Date()
        do {
            _ = try await client.complete(request(stream: stream), observe: deltas.add)
            return (nil, Date().timeIntervalSince(start))
        } catch {
            return (error, Date().timeIntervalSince(start))
        }
    }

    /// The server stops writing once the client has given up: it closed the connection.
    static func expectStopped(_ server: ProviderTestServer) async throws {
        try await Task.sleep(nanoseconds: 200_000_000)
        let sent = server.bytesSent
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(server.bytesSent == sent)
    }

    static let words = String(repeating: "runaway ", count: 64)

    @Test(arguments: Endpoint.Provider.allCases)
    func anEndlessStreamStopsAtTheLimitAndIsNotRetried(provider: Endpoint.Provider) async throws {
        let limit = Self.mebibyte
        try await Self.withClient(
            provider: provider, answerLimit: limit, { _ in .endless(of: .reply(text: Self.words)) }
        ) {
            server, client in
            let deltas = Deltas()
            let (error, _) = await Self.failure(client, deltas: deltas)
            #expect(error == .tooLarge(.answer, limit: limit))
            #expect(deltas.total > 0 && deltas.total <= limit)
            #expect(server.requests.count == 1)
            try await Self.expectStopped(server)
        }
    }

    @Test func anEndlessStreamOfToolCallPiecesStopsAtTheLimit() async throws {
        let call = ScriptedToolCall(name: "f", arguments: #"{"a":"\#(Self.words)"}"#, fragmentSize: 16)
        try await Self.withClient(answerLimit: Self.mebibyte, { _ in .endless(of: .toolCalls([call])) }) {
            server, client in
            let (error, _) = await Self.failure(client)
            #expect(error == .tooLarge(.answer, limit: Self.mebibyte))
            #expect(server.requests.count == 1)
        }
    }

    /// The non-streamed path with the real default: the body stops at 64 MiB.
    @Test func anEndlessBodyStopsAtTheDefaultLimit() async throws {
        try await Self.withClient({ _ in .endless(of: .reply(text: Self.words)) }) { server, client in
            #expect(client.answerLimit == ProviderLimits.maxAnswerBytes)
            let (error, _) = await Self.failure(client, stream: false)
            #expect(error == .tooLarge(.answer, limit: 64 << 20))
            #expect(server.requests.count == 1)
            try await Self.expectStopped(server)
        }
    }

    @Test func anSSELineThatNeverEndsStopsAtTheEventLimit() async throws {
        try await Self.withClient({ _ in .endlessLine }) { server, client in
            let (error, _) = await Self.failure(client)
            #expect(error == .tooLarge(.eventLine, limit: ProviderLimits.maxEventBytes))
            #expect(server.requests.count == 1)
            try await Self.expectStopped(server)
        }
    }

    @Test func keepAliveCommentsForeverEndAtTheDeadline() async throws {
        try await Self.withClient(timeout: 1.5, maxRetries: 0, { _ in .keepAlive(every: 0.1) }) { server, client in
            let (error, seconds) = await Self.failure(client)
            #expect(error == .timeout)
            #expect(seconds >= 1.4 && seconds < 10)
            #expect(server.bytesSent > 0)
        }
    }

    /// One byte every 0.5 s never leaves a 3 s silence, but the whole request is over at 3 s.
    @Test(arguments: [true, false])
    func aTricklingAnswerIsCutAtTheDeadline(stream: Bool) async throws {
        try await Self.withClient(timeout: 3, maxRetries: 0, { _ in .trickle(every: 0.5, of: .reply()) }) {
            server, client in
            let (error, seconds) = await Self.failure(client, stream: stream)
            #expect(error == .timeout)
            #expect(seconds >= 2.9 && seconds < 12)
            #expect(server.bytesSent >= 3)
        }
    }

    /// Each attempt gets the whole time again, after the usual backoff.
    @Test func aTimedOutAttemptIsRetriedWithTheFullTime() async throws {
        try await Self.withClient(timeout: 1, maxRetries: 1, { _ in .trickle(every: 0.2, of: .reply()) }) {
            server, client in
            let (error, seconds) = await Self.failure(client)
            #expect(error == .timeout)
            #expect(server.requests.count == 2)
            #expect(seconds >= 1.9 && seconds < 12)
        }
    }

    @Test func anAnswerThatEndsBeforeTheDeadlineIsRead() async throws {
        try await Self.withClient(timeout: 5, { _ in .trickle(every: 0.001, of: .reply(text: "in time")) }) {
            _, client in
            let answer = try await client.complete(Self.request(stream: true), observe: { _ in })
            #expect(answer.text == "in time")
        }
    }

    /// The answer is whole at the provider's end mark: a response left open after it is not waited for.
    @Test(arguments: [Endpoint.Provider.openai, .anthropic])
    func anAnswerIsReadAtItsEndMarkThoughTheResponseStaysOpen(provider: Endpoint.Provider) async throws {
        try await Self.withClient(provider: provider, timeout: 30, { _ in .lingering(of: .reply(text: "all here")) }) {
            server, client in
            let start = Date()
            let answer = try await client.complete(Self.request(stream: true), observe: { _ in })
            #expect(answer.text == "all here")
            #expect(Date().timeIntervalSince(start) < 10)
            #expect(server.requests.count == 1)
        }
    }

    /// A streamed request answered whole (a provider or proxy that ignores `stream`) is read as a whole answer.
    @Test(arguments: Endpoint.Provider.allCases)
    func aStreamedRequestAnsweredWholeIsRead(provider: Endpoint.Provider) async throws {
        try await Self.withClient(provider: provider, { _ in .unstreamed(of: .reply(text: "whole anyway")) }) {
            server, client in
            let deltas = Deltas()
            let answer = try await client.complete(Self.request(stream: true), observe: deltas.add)
            #expect(answer.text == "whole anyway")
            #expect(deltas.total == 0)
            #expect(server.requests.count == 1 && server.requests[0].streaming)
        }
    }

    /// A timeout past any representable wait does not trap: it waits as long as it can, and the answer arrives.
    @Test func anEnormousTimeoutIsClamped() async throws {
        try await Self.withClient(timeout: 1e300, { _ in .reply(text: "fine") }) { _, client in
            let answer = try await client.complete(Self.request(stream: true), observe: { _ in })
            #expect(answer.text == "fine")
        }
    }

    /// A huge error body still reports its status: over 1 MiB it is cut and its start is the message; under it,
    /// the provider's message is read and cut.
    @Test(arguments: [3 << 20, 500_000])
    func aHugeErrorBodyIsReadOnlyInPart(size: Int) async throws {
        let message = String(repeating: "e", count: size)
        try await Self.withClient(maxRetries: 0, { _ in .status(400, message: message) }) { _, client in
            let (error, _) = await Self.failure(client)
            guard case .http(400, let text, _) = error else {
                Issue.record("expected HTTP 400, got \(String(describing: error))")
                return
            }
            #expect(text.count == ProviderLimits.maxErrorMessage)
        }
    }
}
