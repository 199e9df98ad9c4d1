import Foundation

/// Races work against a clock. Past the limit the work is cancelled and the caller decides what a timeout means
/// (a task's `.timeout`, a tool's error result). One model request is not raced here: AsyncHTTPClient holds it to
/// its deadline (CrewProviders' `ProviderExchange`), without a timer on another thread.
public enum TimeLimit {
    /// The work's value, or nil when `seconds` pass first; the work's own error is thrown as it is. The work runs as
    /// one child task and the clock is a dispatch timer: a sleeping second task would cost a task, its timer and the
    /// wake-ups between threads.
    public static func run<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws -> T)
        async throws -> T?
    {
        let child = Task { try await work() }
        let expiry = Expiry()
        let timer = DispatchWorkItem {
            expiry.fire()
            child.cancel()
        }
        DispatchQueue.global().asyncAfter(
            deadline: .now() + .nanoseconds(Int(Seconds.nanoseconds(seconds))), execute: timer)
        defer { timer.cancel() }
        let result = await withTaskCancellationHandler {
            await child.result
        } onCancel: {
            child.cancel()
        }
        if expiry.fired, Task.isCancelled == false {
            // The work may have finished in the same instant; its value still counts.
            if case .success(let value) = result { return value }
            return nil
        }
        return try result.get()
    }

    /// Whether the timer went off, set once from the timer's thread.
    private final class Expiry: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var fired: Bool { lock.withLock { value } }
        func fire() { lock.withLock { value = true } }
    }
}
