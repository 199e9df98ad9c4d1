import CrewMCPLink
import Foundation
import MCP

/// Awaits a request of the SDK's client so that cancelling the waiting task really ends the wait: the SDK's
/// `RequestContext.value` awaits an unstructured task that cancellation does not reach.
enum PromptWait {
    static func value<T: Sendable>(
        of request: RequestContext<T>, onCancel: @escaping @Sendable () -> Void
    ) async throws -> T {
        let slot = OneShot<Result<T, any Error>>()
        let waiter = Task {
            do { slot.settle(.success(try await request.value)) } catch { slot.settle(.failure(error)) }
        }
        return try await withTaskCancellationHandler {
            try await slot.wait().get()
        } onCancel: {
            waiter.cancel()
            slot.settle(.failure(CancellationError()))
            onCancel()
        }
    }
}
