import Foundation

/// The messages a server sent that the SDK's client loop has not taken yet: a bounded queue in place of an
/// `AsyncThrowingStream`'s unbounded buffer. The server's pipe is read as fast as it fills, so a server that writes
/// faster than the client loop decodes would otherwise grow crew-mcp without end.
final class Inbox: @unchecked Sendable {
    // `@unchecked`: the `var`s are only touched under `lock`.
    /// The most messages waiting, and the most bytes (a message that arrives when nothing waits is always taken,
    /// so one line up to `LineSplitter.maxLineBytes` can still pass).
    static let maxMessages = 256
    static let maxBytes = 64 << 20

    private let lock = NSLock()
    private var queue: [Data] = []
    private var head = 0
    private var bytes = 0
    private var end: (any Error)?
    private var ended = false
    private var waiter: CheckedContinuation<Data?, any Error>?

    /// Queues a message; false (and nothing queued) when the queue is full.
    func offer(_ message: Data) -> Bool {
        lock.withLock {
            let waiting = queue.count - head
            guard !ended else { return true }
            if waiting > 0, waiting >= Self.maxMessages || bytes + message.count > Self.maxBytes { return false }
            push(message)
            return true
        }
    }

    /// Queues a message past the bound: crew's own error answers to requests a failed server leaves waiting, at most
    /// one per request.
    func force(_ message: Data) {
        lock.withLock { if !ended { push(message) } }
    }

    /// Ends the stream after what is queued; the client loop then sees `error`.
    func finish(throwing error: any Error) {
        let waiter: CheckedContinuation<Data?, any Error>? = lock.withLock {
            guard !ended else { return nil }
            ended = true
            end = error
            let waiter = self.waiter
            self.waiter = nil
            return waiter
        }
        waiter?.resume(throwing: error)
    }

    /// The stream the SDK's client reads: each call makes a new one over the same queue.
    func stream() -> AsyncThrowingStream<Data, any Error> {
        AsyncThrowingStream { [self] in try await next() }
    }

    /// The next message, waiting for one; nil once the reader is cancelled.
    private func next() async throws -> Data? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let ready: Result<Data?, any Error>? = lock.withLock {
                    if let message = pop() { return .success(message) }
                    if ended { return .failure(end ?? CancellationError()) }
                    if Task.isCancelled { return .success(nil) }
                    waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Data?, any Error>? = lock.withLock {
                defer { self.waiter = nil }
                return self.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Called under `lock`.
    private func push(_ message: Data) {
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: message)
            return
        }
        queue.append(message)
        bytes += message.count
    }

    /// Called under `lock`.
    private func pop() -> Data? {
        guard head < queue.count else { return nil }
        let message = queue[head]
        head += 1
        bytes -= message.count
        if head > 64, head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        return message
    }

    /// How many messages wait, for tests.
    var waiting: Int { lock.withLock { queue.count - head } }
}
