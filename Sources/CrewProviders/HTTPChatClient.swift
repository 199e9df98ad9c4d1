import AsyncHTTPClient
import CrewCore
import Foundation
import NIOCore
import NIOHTTP1

/// A chat client for one model over HTTP: its wire format, the shared `HTTPClient`, retries with backoff, the
/// model's shared rate limit, and an idle timeout (time to first byte, and the longest silence within a stream).
public struct HTTPChatClient: ChatClient {
    public let endpoint: Endpoint
    public let wire: any WireFormat
    public let http: HTTPClient
    public let retry: RetryPolicy
    public let limiter: RateLimiter?
    /// Seconds of silence after which an attempt fails with `.timeout`.
    public let idleTimeout: Double

    public init(
        endpoint: Endpoint, wire: any WireFormat, http: HTTPClient, retry: RetryPolicy, limiter: RateLimiter?,
        idleTimeout: Double
    ) {
        self.endpoint = endpoint
        self.wire = wire
        self.http = http
        self.retry = retry
        self.limiter = limiter
        self.idleTimeout = idleTimeout
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

    /// One attempt, raced against the idle watchdog.
    func send(_ spec: HTTPRequestSpec, streaming: Bool, observe: @escaping @Sendable (ClientEvent) -> Void)
        async throws(ProviderError) -> ChatResponse
    {
        let activity = Activity()
        do {
            return try await withThrowingTaskGroup(of: ChatResponse?.self) { group in
                group.addTask { try await attempt(spec, streaming: streaming, activity: activity, observe: observe) }
                group.addTask {
                    try await activity.watch(timeout: idleTimeout)
                    return nil
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let response = result { return response }
                }
                throw ProviderError.timeout
            }
        } catch let error as ProviderError {
            throw error
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw Self.classify(error)
        }
    }

    private func attempt(
        _ spec: HTTPRequestSpec, streaming: Bool, activity: Activity, observe: @escaping @Sendable (ClientEvent) -> Void
    ) async throws -> ChatResponse {
        var request = HTTPClientRequest(url: spec.url)
        request.method = HTTPMethod(rawValue: spec.method)
        for header in spec.headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(ByteBuffer(bytes: spec.body))
        let response = try await http.execute(request, timeout: .seconds(Int64(max(1, idleTimeout.rounded(.up)))))
        activity.touch()
        guard (200..<300).contains(response.status.code) else {
            let body = try await Self.collect(response.body, activity: activity, limit: 1 << 20)
            let message = wire.errorMessage(body) ?? String(decoding: body.prefix(300), as: UTF8.self)
            let retryAfter = RetryPolicy.parseRetryAfter(response.headers.first(name: "retry-after"))
            throw ProviderError.http(status: Int(response.status.code), message: message, retryAfter: retryAfter)
        }
        let isStream = streaming && (response.headers.first(name: "content-type") ?? "").contains("text/event-stream")
        guard isStream else {
            let body = try await Self.collect(response.body, activity: activity, limit: 64 << 20)
            return try wire.parseResponse(body)
        }
        return try await readStream(response.body, activity: activity, observe: observe)
    }

    private func readStream(
        _ body: HTTPClientResponse.Body, activity: Activity, observe: @escaping @Sendable (ClientEvent) -> Void
    ) async throws -> ChatResponse {
        var parser = SSEParser()
        var text = ""
        var usage: TokenUsage?
        var finish: String?
        var calls = ToolCallAssembler(answerTool: (wire as? any AnswerToolWire)?.answerTool)
        for try await buffer in body {
            activity.touch()
            for event in try parser.feed(buffer.readableBytesView) {
                let step = try wire.parseStreamEvent(event)
                for item in step.events {
                    switch item {
                    case .delta(let piece):
                        text += piece
                        observe(.delta(piece))
                    case .usage(let reported):
                        // Counts are running totals that may arrive split (Anthropic: input first, output last).
                        usage =
                            usage.map {
                                TokenUsage(
                                    input: max($0.input, reported.input), output: max($0.output, reported.output))
                            } ?? reported
                    case .finish(let reason): finish = reason ?? finish
                    case .toolCallDelta(let index, let id, let name, let arguments):
                        if let piece = calls.add(index: index, id: id, name: name, arguments: arguments) {
                            text += piece
                            observe(.delta(piece))
                        }
                    case .toolCall(let call): calls.add(call)
                    }
                }
                if step.done {
                    return ChatResponse(text: text, usage: usage, finishReason: finish, toolCalls: calls.finish())
                }
            }
        }
        throw ProviderError.streamCut
    }

    static func collect(_ body: HTTPClientResponse.Body, activity: Activity, limit: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await buffer in body {
            activity.touch()
            bytes += buffer.readableBytesView
            if bytes.count > limit { throw ProviderError.malformed("the answer is larger than \(limit >> 20) MiB") }
        }
        return bytes
    }

    /// Connection-level failures, in words a user can act on (no URL with a key in it: keys go in headers).
    static func classify(_ error: any Error) -> ProviderError {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return .timeout
            case .cancelled: return .cancelled
            case .remoteConnectionClosed: return .streamCut
            default: return .connection(String(describing: error))
            }
        }
        // NIO's parser reports a connection closed mid-body (a cut stream or a cut Content-Length body) this way.
        if let error = error as? HTTPParserError, error == .invalidEOFState { return .streamCut }
        return .connection(String(describing: error))
    }
}

/// Puts streamed tool calls together: pieces by index, in index order, then whole calls in arrival order; calls
/// without an id get `call_1`, `call_2`, ... by position.
///
/// A call of `answerTool` is no tool call but the answer itself (Anthropic's structured output): a stateless stream
/// parser cannot tell its argument pieces from a real call's, as they carry only the block index, so the assembler,
/// which sees the name arrive first, hands them back as answer text.
struct ToolCallAssembler {
    let answerTool: String?
    private var pieces: [Int: ToolCall] = [:]
    private var answerIndices: Set<Int> = []
    private var whole: [ToolCall] = []

    init(answerTool: String? = nil) {
        self.answerTool = answerTool
    }

    /// Adds a piece of call `index`; returns its argument text when the call is the answer (`answerTool`).
    @discardableResult
    mutating func add(index: Int, id: String?, name: String?, arguments: String) -> String? {
        if let answerTool, name == answerTool, pieces[index] == nil { answerIndices.insert(index) }
        if answerIndices.contains(index) { return arguments.isEmpty ? nil : arguments }
        var call = pieces[index] ?? ToolCall(id: "", name: "", arguments: "")
        if let id, !id.isEmpty { call.id = id }
        if let name, !name.isEmpty { call.name = name }
        call.arguments += arguments
        pieces[index] = call
        return nil
    }

    mutating func add(_ call: ToolCall) {
        whole.append(call)
    }

    func finish() -> [ToolCall] {
        let ordered = pieces.keys.sorted().compactMap { pieces[$0] } + whole
        return ordered.enumerated().map { position, call in
            var call = call
            if call.id.isEmpty { call.id = "call_\(position + 1)" }
            return call
        }
    }
}

/// The time of the last byte received, and a watchdog that fails when it is too long ago.
final class Activity: @unchecked Sendable {
    private let lock = NSLock()
    private var last = Date().timeIntervalSinceReferenceDate

    func touch() {
        lock.withLock { last = Date().timeIntervalSinceReferenceDate }
    }

    func watch(timeout: Double) async throws {
        while true {
            let idle = Date().timeIntervalSinceReferenceDate - lock.withLock { last }
            if idle >= timeout { throw ProviderError.timeout }
            try await Task.sleep(nanoseconds: UInt64(min(timeout - idle, 0.2) * 1e9) + 1_000_000)
        }
    }
}
