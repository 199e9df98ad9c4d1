import Foundation
import NIOPosix

/// Runs blocking work on NIO's thread pool and lets the awaiting task walk away from it when cancelled.
enum CancellableWork {
    /// The work's value, or nil when the task was cancelled first (the work still runs to its end, unobserved).
    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T? {
        let once = ResumeOnce<T?>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
                once.set(continuation)
                NIOThreadPool.singleton.submit { state in
                    once.resume(state == .active ? work() : nil)
                }
            }
        } onCancel: {
            once.resume(nil)
        }
    }
}

/// A continuation resumed by whichever comes first, the work or the cancellation; later values are dropped.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?
    private var early: T?
    private var done = false

    func set(_ continuation: CheckedContinuation<T, Never>) {
        lock.lock()
        if done, let early {
            lock.unlock()
            continuation.resume(returning: early)
            return
        }
        self.continuation = continuation
        lock.unlock()
    }

    func resume(_ value: T) {
        lock.lock()
        guard !done else { return lock.unlock() }
        done = true
        guard let continuation else {
            early = value
            return lock.unlock()
        }
        self.continuation = nil
        lock.unlock()
        continuation.resume(returning: value)
    }
}
