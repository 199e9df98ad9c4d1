import CrewCore
import NIOCore
import NIOHTTP1

/// A chat client for one model over HTTP: its wire format, the shared `ProviderTransport`, retries with backoff, the
/// model's shared rate limit, a total deadline per attempt, and a bound on the size of each answer.
public struct HTTPChatClient: ChatClient {
    public let endpoint: Endpoint
    public let wire: any WireFormat
    public let transport: ProviderTransport
    public let retry: RetryPolicy
    public let limiter: RateLimiter?
    /// Seconds one attempt may take, from sending the request to the answer's last byte, streamed or not (the
    /// model's `timeout`). Past it the attempt fails with `.timeout`, which is retried with the full time again.
    public let timeout: Double
    /// The most bytes one answer may take (see `ProviderLimits.maxAnswerBytes`, the default).
    public let answerLimit: Int

    public init(
        endpoint: Endpoint, wire: any WireFormat, transport: ProviderTransport, retry: RetryPolicy,
        limiter: RateLimiter?,
        timeout: Double, answerLimit: Int = ProviderLimits.maxAnswerBytes
    ) {
        self.endpoint = endpoint
        self.wire = wire
        self.transport = transport
        self.retry = retry
        self.limiter = limiter
        self.timeout = timeout
        self.answerLimit = answerLimit
    }

    public func complete(_ request: ChatRequest, observe: @escaping @Sendable (ClientEvent) -> Void)
        async throws(ProviderError) -> ChatResponse
    {
        let spec = wire.request(request, endpoint: endpoint)
        let estimate = spec.body.count / 4 + (request.maxTokens ?? 1024)
        let response = try await Retrying.run(
            policy: retry, limiter: limiter, estimatedTokens: estimate,
            onAttempt: { observe(.request(attempt: $0)) },
            onRetry: { observe(.retry(attempt: $0, error: $1, delay: $2)) }
        ) { () async throws(ProviderError) -> ChatResponse in
            try await send(spec, streaming: request.stream, observe: observe)
        }
        if let usage = response.usage {
            await limiter?.record(actualTokens: usage.input + usage.output, estimatedTokens: estimate)
        }
        return response
    }

    /// One attempt, within `timeout` to the answer's last byte.
    func send(_ spec: HTTPRequestSpec, streaming: Bool, observe: @escaping @Sendable (ClientEvent) -> Void)
        async throws(ProviderError) -> ChatResponse
    {
        let reader = ChatAnswerReader(wire: wire, streaming: streaming, limit: answerLimit, observe: observe)
        return try await transport.exchange(spec, seconds: timeout, reader: reader, message: wire.errorMessage)
    }
}

/// A chat answer as its bytes arrive: a stream's events as they come, each delta passed to the observer, or a whole
/// body parsed at its end. Every byte received counts against `limit`, comments and keep-alives included, and so,
/// separately, does the text and arguments assembled from them.
struct ChatAnswerReader: AnswerReader {
    let wire: any WireFormat
    let observe: @Sendable (ClientEvent) -> Void
    private let streaming: Bool
    private var received: ByteBudget
    private var body: Body

    private enum Body {
        case undecided
        case events(SSEParser, StreamAssembly)
        case whole([UInt8])
    }

    init(wire: any WireFormat, streaming: Bool, limit: Int, observe: @escaping @Sendable (ClientEvent) -> Void) {
        self.wire = wire
        self.observe = observe
        self.streaming = streaming
        received = ByteBudget(limit: limit)
        body = .undecided
    }

    /// A streamed request may still be answered whole: a provider or proxy that ignores `stream`.
    mutating func begin(_ head: HTTPResponseHead) {
        let isStream = streaming && Self.isEventStream(head.headers.first(name: "content-type") ?? "")
        body =
            isStream
            ? .events(SSEParser(), StreamAssembly(answerTool: wire.answerTool, limit: received.limit)) : .whole([])
    }

    /// Whether a `Content-Type` names an event stream: its media type, before any parameter, compared as bytes
    /// without regard to case (a substring search over the header's characters cost 40 K instructions a request).
    static func isEventStream(_ contentType: String) -> Bool {
        let value = contentType.utf8.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        let type = value.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        let wanted = "text/event-stream".utf8
        let lowered = type.lazy.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        return type.count == wanted.count && lowered.elementsEqual(wanted)
    }

    mutating func read(_ bytes: ByteBufferView) throws(ProviderError) -> ChatResponse? {
        try received.spend(bytes.count)
        switch body {
        case .undecided:
            return nil
        case .whole(var kept):
            body = .undecided  // so that the bytes are not copied while they grow
            kept += bytes
            body = .whole(kept)
            return nil
        case .events(var parser, var answer):
            body = .undecided
            defer { body = .events(parser, answer) }
            for event in try parser.feed(bytes) {
                let step = try wire.parseStreamEvent(event)
                for item in step.events {
                    if let piece = try answer.apply(item) { observe(.delta(piece)) }
                }
                if step.done { return answer.response() }
            }
            return nil
        }
    }

    mutating func end() throws(ProviderError) -> ChatResponse {
        guard case .whole(let kept) = body else { throw .streamCut }
        return try wire.parseResponse(kept)
    }
}
