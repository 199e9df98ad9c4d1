import AsyncHTTPClient
import CrewCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// What a successful (2xx) answer's body becomes, read as its bytes arrive.
protocol AnswerReader: Sendable {
    associatedtype Answer: Sendable
    /// The response's head, before any byte of its body.
    mutating func begin(_ head: HTTPResponseHead)
    /// The body's next bytes. An answer returned here is whole (a stream's end mark): the rest of the body is left
    /// unread by the reader.
    mutating func read(_ bytes: ByteBufferView) throws(ProviderError) -> Answer?
    /// The body ended without `read` having returned the answer.
    mutating func end() throws(ProviderError) -> Answer
}

/// One request to a provider, answered on the connection's event loop: AsyncHTTPClient hands each part of the response
/// to this delegate as it is read, the reader turns it into the answer, and the caller's task resumes once, with the
/// answer or a `ProviderError`. Reading through the client's async body stream instead cost a hand-off between the
/// loop and the task for every part, and a second timer per request for the deadline to the last byte
/// (Benchmarks/orchestration/README.md).
///
/// `@unchecked Sendable`: AsyncHTTPClient calls a delegate on its task's event loop only, and `settle` runs there too,
/// so the mutable state below is confined to that loop.
final class ProviderExchange<Reader: AnswerReader>: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    private enum State {
        case head(Reader)
        case answer(Reader)
        /// An error status, with the start of its body, kept for the provider's message.
        case error(HTTPResponseHead, [UInt8])
        /// The answer is settled; whatever else arrives is not read.
        case over
    }

    private var state: State
    private let answer: EventLoopPromise<Reader.Answer>
    private let message: @Sendable ([UInt8]) -> String?

    private init(
        reader: Reader, answer: EventLoopPromise<Reader.Answer>, message: @escaping @Sendable ([UInt8]) -> String?
    ) {
        self.state = .head(reader)
        self.answer = answer
        self.message = message
    }

    /// Sends `spec` with `http` and reads its answer with `reader`, within `seconds` from now to the answer's last
    /// byte: AsyncHTTPClient holds the whole exchange to that deadline, so a server that trickles its body or sends
    /// keep-alives forever is cut too. `message` finds the provider's words in an error body.
    static func run(
        _ spec: HTTPRequestSpec, http: HTTPClient, seconds: Double, reader: Reader,
        message: @escaping @Sendable ([UInt8]) -> String?
    ) async throws(ProviderError) -> Reader.Answer {
        let request: HTTPClient.Request
        do {
            var headers = HTTPHeaders()
            for header in spec.headers { headers.add(name: header.name, value: header.value) }
            request = try HTTPClient.Request(
                url: spec.url, method: HTTPMethod(rawValue: spec.method), headers: headers,
                body: .byteBuffer(ByteBuffer(bytes: spec.body)))
        } catch {
            throw HTTPAttempt.classify(error)
        }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(Seconds.nanoseconds(seconds)))
        // Called from an event loop, `any()` is that loop, the one the client also picks for the request: the answer
        // is completed where the caller resumes.
        let exchange = ProviderExchange(
            reader: reader, answer: http.eventLoopGroup.any().makePromise(), message: message)
        let running = NIOLockedValueBox<HTTPClient.Task<Void>?>(nil)
        do {
            return try await withTaskCancellationHandler {
                let task = http.execute(
                    request: request, delegate: exchange, eventLoop: .indifferent, deadline: deadline)
                running.withLockedValue { $0 = task }
                if Task.isCancelled { task.cancel() }
                task.futureResult.whenComplete { exchange.finished($0) }
                return try await exchange.answer.futureResult.get()
            } onCancel: {
                running.withLockedValue { $0 }?.cancel()
            }
        } catch let error as ProviderError {
            throw error
        } catch {
            throw HTTPAttempt.classify(error)
        }
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        if case .head(var reader) = state {
            if (200..<300).contains(head.status.code) {
                reader.begin(head)
                state = .answer(reader)
            } else {
                state = .error(head, [])
            }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        switch state {
        case .head, .over:
            return task.eventLoop.makeSucceededVoidFuture()
        case .answer(var reader):
            state = .over  // so that the reader is not copied while it changes
            do {
                if let whole = try reader.read(buffer.readableBytesView) {
                    settle(.success(whole))
                } else {
                    state = .answer(reader)
                }
                return task.eventLoop.makeSucceededVoidFuture()
            } catch {
                return stop(task, settling: error)
            }
        case .error(let head, var bytes):
            state = .over
            bytes += buffer.readableBytesView.prefix(ProviderLimits.maxErrorBodyBytes - bytes.count)
            guard bytes.count >= ProviderLimits.maxErrorBodyBytes else {
                state = .error(head, bytes)
                return task.eventLoop.makeSucceededVoidFuture()
            }
            // The rest of a huge error body is not read: the client closes the connection.
            return stop(task, settling: failure(head, bytes))
        }
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        switch state {
        case .head, .over:
            break
        case .answer(var reader):
            state = .over
            do throws(ProviderError) {
                settle(.success(try reader.end()))
            } catch {
                settle(.failure(error))
            }
        case .error(let head, let bytes):
            settle(.failure(failure(head, bytes)))
        }
    }

    /// The request is over: an answer not settled yet fails with the client's error (or, with no error, as cut).
    private func finished(_ result: Result<Void, any Error>) {
        switch result {
        case .success: settle(.failure(.streamCut))
        case .failure(let error as ProviderError): settle(.failure(error))
        case .failure(let error): settle(.failure(HTTPAttempt.classify(error)))
        }
    }

    private var settled = false

    /// Completes the answer, once; the first outcome counts.
    private func settle(_ result: Result<Reader.Answer, ProviderError>) {
        state = .over
        guard !settled else { return }
        settled = true
        switch result {
        case .success(let value): answer.succeed(value)
        case .failure(let error): answer.fail(error)
        }
    }

    /// Settles with `error` and stops the client reading: the failed future ends the request.
    private func stop(_ task: HTTPClient.Task<Void>, settling error: ProviderError) -> EventLoopFuture<Void> {
        settle(.failure(error))
        return task.eventLoop.makeFailedFuture(error)
    }

    /// An error status as `.http`, with the provider's message (or the body's start) and its Retry-After.
    private func failure(_ head: HTTPResponseHead, _ body: [UInt8]) -> ProviderError {
        let text = message(body) ?? String(decoding: body.prefix(ProviderLimits.maxErrorMessage), as: UTF8.self)
        return .http(
            status: Int(head.status.code), message: String(text.prefix(ProviderLimits.maxErrorMessage)),
            retryAfter: RetryPolicy.parseRetryAfter(head.headers.first(name: "retry-after")))
    }
}

/// A whole body, held to `limit` bytes.
struct WholeBody: AnswerReader {
    private var bytes: [UInt8] = []
    private var budget: ByteBudget

    init(limit: Int) {
        budget = ByteBudget(limit: limit)
    }

    mutating func begin(_ head: HTTPResponseHead) {}

    mutating func read(_ bytes: ByteBufferView) throws(ProviderError) -> [UInt8]? {
        try budget.spend(bytes.count)
        self.bytes += bytes
        return nil
    }

    mutating func end() throws(ProviderError) -> [UInt8] {
        bytes
    }
}
