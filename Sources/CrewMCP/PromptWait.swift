import Foundation
import MCP

/// Awaits a request of the SDK's client so that cancelling the waiting task really ends the wait: the SDK's
/// `RequestContext.value` awaits an unstructured task that cancellation does not reach.
enum PromptWait {
    static func value<T: Sendable>(
        of request: RequestContext<T>, onCancel: @escaping @Sendable () -> Void
    ) async throws -> T {
        let slot = Slot<T>()
        let waiter = Task {
            do { slot.settle(.success(try await request.value)) } catch { slot.settle(.failure(error)) }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in slot.install(continuation) }
        } onCancel: {
            waiter.cancel()
            slot.settle(.failure(CancellationError()))
            onCancel()
        }
    }
}

/// One result and one continuation, whichever comes first; the first result wins.
private final class Slot<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, Error>?
    private var continuation: CheckedContinuation<T, Error>?

    func install(_ continuation: CheckedContinuation<T, Error>) {
        lock.lock()
        guard let result else {
            self.continuation = continuation
            return lock.unlock()
        }
        lock.unlock()
        continuation.resume(with: result)
    }

    func settle(_ outcome: Result<T, Error>) {
        lock.lock()
        guard result == nil else { return lock.unlock() }
        result = outcome
        let continuation = self.continuation
        self.continuation = nil
        lock.unlock()
        continuation?.resume(with: outcome)
    }
}
