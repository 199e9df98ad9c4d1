import AsyncHTTPClient
import CrewCore
import Foundation
import NIOCore
import NIOHTTP1

/// A chat client for one model over HTTP: its wire format, the shared `HTTPClient`, retries with backoff, the
/// model's shared rate limit, a total deadline per attempt, and a bound on the size of each answer.
public struct HTTPChatClient: ChatClient {
    public let endpoint: Endpoint
    public let wire: any WireFormat
    public let http: HTTPClient
    public let retry: RetryPolicy
    public let limiter: RateLimiter?
    /// Seconds one attempt may take, from sending the request to the answer's last byte, streamed or not (the
    /// model's `timeout`). Past it the attempt fails with `.timeout`, which is retried with the full time again.
    public let timeout: Double
    /// The most bytes one answer may take (see `ProviderLimits.maxAnswerBytes`, the default).
    public let answerLimit: Int

    public init(
        endpoint: Endpoint, wire: any WireFormat, http: HTTPClient, retry: RetryPolicy, limiter: RateLimiter?,
        timeout: Double, answerLimit: Int = ProviderLimits.maxAnswerBytes
    ) {
        self.endpoint = endpoint
        self.wire = wire
        self.http = http
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

    /// One attempt, within `timeout`.
    func send(_ spec: HTTPRequestSpec, streaming: Bool, observe: @escaping @Sendable (ClientEvent) -> Void)
        async throws(ProviderError) -> ChatResponse
    {
        try await HTTPAttempt.run(seconds: timeout) { deadline in
            try await attempt(spec, streaming: streaming, deadline: deadline, observe: observe)
        }
    }

    private func attempt(
        _ spec: HTTPRequestSpec, streaming: Bool, deadline: NIODeadline,
        observe: @escaping @Sendable (ClientEvent) -> Void
    ) async throws -> ChatResponse {
        var request = HTTPClientRequest(url: spec.url)
        request.method = HTTPMethod(rawValue: spec.method)
        for header in spec.headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: spec.body))
        let response = try await http.execute(request, deadline: deadline)
        guard (200..<300).contains(response.status.code) else {
            throw try await HTTPAttempt.failure(response, message: wire.errorMessage)
        }
        let isStream = streaming && (response.headers.first(name: "content-type") ?? "").contains("text/event-stream")
        guard isStream else {
            return try wire.parseResponse(try await HTTPAttempt.collect(response.body, limit: answerLimit))
        }
        return try await readStream(response.body, observe: observe)
    }

    /// Reads events until the provider marks the end. Every byte received counts against `answerLimit`, comments
    /// and keep-alives included, and so, separately, does the text and arguments assembled from them.
    private func readStream(_ body: HTTPClientResponse.Body, observe: @escaping @Sendable (ClientEvent) -> Void)
        async throws -> ChatResponse
    {
        var parser = SSEParser()
        var received = ByteBudget(limit: answerLimit)
        var answer = StreamAssembly(answerTool: wire.answerTool, limit: answerLimit)
        for try await buffer in body {
            try received.spend(buffer.readableBytes)
            for event in try parser.feed(buffer.readableBytesView) {
                let step = try wire.parseStreamEvent(event)
                for item in step.events {
                    if let piece = try answer.apply(item) { observe(.delta(piece)) }
                }
                if step.done { return answer.response() }
            }
        }
        throw ProviderError.streamCut
    }
}
