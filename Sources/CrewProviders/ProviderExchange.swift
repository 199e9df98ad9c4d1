import CrewCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// What a successful (2xx) answer's body becomes, read as its bytes arrive.
protocol AnswerReader: Sendable {
    associatedtype Answer: Sendable
    /// The response's head, before any byte of its body.
    mutating func begin(_ head: HTTPResponseHead)
    /// The body's next bytes; true when they completed the answer (a stream's end mark), which `end` then gives: the
    /// rest of the body is left unread by the reader. A flag rather than the answer, so that reading a part needs no
    /// metadata for an optional answer (the exchange calls it unspecialised, 370 instructions a part).
    mutating func read(_ bytes: ByteBufferView) throws(ProviderError) -> Bool
    /// The answer: the one a read completed, or what the whole body makes when it ended without one.
    mutating func end() throws(ProviderError) -> Answer
}

/// One request's answer, read on its connection's event loop as the parts of the response arrive: the reader turns
/// them into the answer, and the caller's task resumes once, with the answer or a `ProviderError`.
///
/// `@unchecked Sendable`: the reader's state is touched only on the connection's event loop (`ProviderConnection`
/// calls every method but `cancel` there); settling, which `cancel` may do from any thread, is guarded by a lock.
final class ProviderExchange<Reader: AnswerReader>: ResponseSink, @unchecked Sendable {
    /// Where the exchange is. The reader and an error's body are stored beside it rather than as payloads, so that
    /// each part of a body is read into the reader where it lies: a payload taken out and put back copied the reader
    /// twice a part, through the generic enum's metadata (2.9 K instructions a streamed event).
    private enum Phase {
        case head
        case answer
        /// The reader holds the whole answer (a stream's end mark); it is settled when the response ends or, if the
        /// end is not among the bytes read so far, when this read is over. A response that ends in the same read
        /// thus frees its connection before the caller asks again, and one that never ends does not hold the answer
        /// back.
        case ready
        /// An error status, with the start of its body (`errorBody`), kept for the provider's message.
        case error(HTTPResponseHead)
        /// The answer is settled; whatever else arrives is not read.
        case over
    }

    private var phase = Phase.head
    private var reader: Reader
    private var errorBody: [UInt8] = []
    let answer: EventLoopPromise<Reader.Answer>
    private let message: @Sendable ([UInt8]) -> String?
    private let settled = NIOLockedValueBox(false)

    init(reader: Reader, answer: EventLoopPromise<Reader.Answer>, message: @escaping @Sendable ([UInt8]) -> String?) {
        self.reader = reader
        self.answer = answer
        self.message = message
    }

    func head(_ head: HTTPResponseHead) {
        guard case .head = phase else { return }
        if (200..<300).contains(head.status.code) {
            reader.begin(head)
            phase = .answer
        } else {
            phase = .error(head)
        }
    }

    func body(_ buffer: ByteBuffer) -> Bool {
        switch phase {
        case .head, .over, .ready:
            return true
        case .answer:
            do {
                if try reader.read(buffer.readableBytesView) { phase = .ready }
                return true
            } catch {
                fail(settling: error)
                return false
            }
        case .error(let head):
            errorBody += buffer.readableBytesView.prefix(ProviderLimits.maxErrorBodyBytes - errorBody.count)
            guard errorBody.count >= ProviderLimits.maxErrorBodyBytes else { return true }
            // The rest of a huge error body is not read: the connection is closed.
            fail(settling: failure(head, errorBody))
            return false
        }
    }

    func readComplete() {
        if case .ready = phase { finish() }
    }

    func end() {
        switch phase {
        case .ready, .answer:
            finish()
        case .head, .over:
            fail(settling: .streamCut)
        case .error(let head):
            fail(settling: failure(head, errorBody))
        }
    }

    /// The exchange ended without its response's end: an answer already whole still stands, anything else fails.
    func fail(_ error: ProviderError) {
        if case .ready = phase { return finish() }
        fail(settling: error)
    }

    /// Fails the answer as cancelled unless it is settled already; safe from any thread, since it leaves the reader
    /// alone.
    func cancel() {
        guard settleOnce() else { return }
        answer.fail(ProviderError.cancelled)
    }

    /// Settles the answer with what the reader makes of the body, once; the first outcome counts.
    private func finish() {
        phase = .over
        do throws(ProviderError) {
            let whole = try reader.end()
            guard settleOnce() else { return }
            answer.succeed(whole)
        } catch {
            fail(settling: error)
        }
    }

    /// Fails the answer with `error`, once; the first outcome counts.
    private func fail(settling error: ProviderError) {
        phase = .over
        guard settleOnce() else { return }
        answer.fail(error)
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

    mutating func read(_ bytes: ByteBufferView) throws(ProviderError) -> Bool {
        try budget.spend(bytes.count)
        self.bytes += bytes
        return false
    }

    mutating func end() throws(ProviderError) -> [UInt8] {
        bytes
    }
}
