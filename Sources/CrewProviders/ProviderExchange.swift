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

/// One request's answer, read on its connection's event loop as the parts of the response arrive: the reader turns
/// them into the answer, and the caller's task resumes once, with the answer or a `ProviderError`.
///
/// `@unchecked Sendable`: the reader's state is touched only on the connection's event loop (`ProviderConnection`
/// calls every method but `cancel` there); settling, which `cancel` may do from any thread, is guarded by a lock.
final class ProviderExchange<Reader: AnswerReader>: ResponseSink, @unchecked Sendable {
    private enum State {
        case head(Reader)
        case answer(Reader)
        /// The answer is whole (a stream's end mark); it is settled when the response ends or, if the end is not
        /// among the bytes read so far, when this read is over. A response that ends in the same read thus frees its
        /// connection before the caller asks again, and one that never ends does not hold the answer back.
        case ready(Reader.Answer)
        /// An error status, with the start of its body, kept for the provider's message.
        case error(HTTPResponseHead, [UInt8])
        /// The answer is settled; whatever else arrives is not read.
        case over
    }

    private var state: State
    let answer: EventLoopPromise<Reader.Answer>
    private let message: @Sendable ([UInt8]) -> String?
    private let settled = NIOLockedValueBox(false)

    init(reader: Reader, answer: EventLoopPromise<Reader.Answer>, message: @escaping @Sendable ([UInt8]) -> String?) {
        self.state = .head(reader)
        self.answer = answer
        self.message = message
    }

    func head(_ head: HTTPResponseHead) {
        guard case .head(var reader) = state else { return }
        if (200..<300).contains(head.status.code) {
            reader.begin(head)
            state = .answer(reader)
        } else {
            state = .error(head, [])
        }
    }

    func body(_ buffer: ByteBuffer) -> Bool {
        switch state {
        case .head, .over, .ready:
            return true
        case .answer(var reader):
            state = .over  // so that the reader is not copied while it changes
            do {
                if let whole = try reader.read(buffer.readableBytesView) {
                    state = .ready(whole)
                } else {
                    state = .answer(reader)
                }
                return true
            } catch {
                settle(.failure(error))
                return false
            }
        case .error(let head, var bytes):
            state = .over
            bytes += buffer.readableBytesView.prefix(ProviderLimits.maxErrorBodyBytes - bytes.count)
            guard bytes.count >= ProviderLimits.maxErrorBodyBytes else {
                state = .error(head, bytes)
                return true
            }
            // The rest of a huge error body is not read: the connection is closed.
            settle(.failure(failure(head, bytes)))
            return false
        }
    }

    func readComplete() {
        if case .ready(let whole) = state { settle(.success(whole)) }
    }

    func end() {
        switch state {
        case .ready(let whole):
            settle(.success(whole))
        case .head, .over:
            settle(.failure(.streamCut))
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

    /// The exchange ended without its response's end: an answer already whole still stands, anything else fails.
    func fail(_ error: ProviderError) {
        if case .ready(let whole) = state { return settle(.success(whole)) }
        settle(.failure(error))
    }

    /// Fails the answer as cancelled unless it is settled already; safe from any thread, since it leaves the reader
    /// alone.
    func cancel() {
        guard settleOnce() else { return }
        answer.fail(ProviderError.cancelled)
    }

    /// Completes the answer, once; the first outcome counts.
    private func settle(_ result: Result<Reader.Answer, ProviderError>) {
        state = .over
        guard settleOnce() else { return }
        switch result {
        case .success(let value): answer.succeed(value)
        case .failure(let error): answer.fail(error)
        }
    }

    /// Whether the answer is settled (a cancelled request's connection may come too late to be used).
    var isSettled: Bool { settled.withLockedValue { $0 } }

    private func settleOnce() -> Bool {
        settled.withLockedValue { done in
            defer { done = true }
            return !done
        }
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
