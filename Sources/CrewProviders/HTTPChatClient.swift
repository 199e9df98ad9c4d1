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
    private var body = Body.undecided
    /// A stream's parser and answer, and a whole body's bytes: stored apart from `body`, not as its payloads, so that
    /// each read changes them where they lie instead of taking them out and putting them back (two copies a read).
    private var parser = SSEParser()
    private var assembly: StreamAssembly
    private var kept: [UInt8] = []

    private enum Body {
        /// `done`: the stream's end mark was read, and `assembly` holds the answer.
        case undecided, events(done: Bool), whole
    }

    init(wire: any WireFormat, streaming: Bool, limit: Int, observe: @escaping @Sendable (ClientEvent) -> Void) {
        self.wire = wire
        self.observe = observe
        self.streaming = streaming
        received = ByteBudget(limit: limit)
        assembly = StreamAssembly(answerTool: wire.answerTool, limit: limit)
    }

    /// A streamed request may still be answered whole: a provider or proxy that ignores `stream`.
    mutating func begin(_ head: HTTPResponseHead) {
        let isStream = streaming && Self.isEventStream(head.headers.first(name: "content-type") ?? "")
        body = isStream ? .events(done: false) : .whole
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

    mutating func read(_ bytes: ByteBufferView) throws(ProviderError) -> Bool {
        try received.spend(bytes.count)
        switch body {
        case .undecided, .events(done: true):
            return false
        case .whole:
            kept += bytes
            return false
        case .events(done: false):
            for event in try parser.feed(bytes) {
                let step = try wire.parseStreamEvent(event)
                for item in step.events {
                    if let piece = try assembly.apply(item) { observe(.delta(piece)) }
                }
                if step.done {
                    body = .events(done: true)
                    return true
                }
            }
            return false
        }
    }

    /// A stream's answer once its end mark came (a stream cut before it is an error), or the whole body parsed.
    mutating func end() throws(ProviderError) -> ChatResponse {
        switch body {
        case .events(done: true): return assembly.response()
        case .whole: return try wire.parseResponse(kept)
        case .undecided, .events(done: false): throw .streamCut
        }
    }
}
