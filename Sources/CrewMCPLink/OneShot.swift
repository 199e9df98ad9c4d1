import Foundation

/// One value and one waiter, whichever comes first; the first value wins. Lets a wait end the moment a reply, a
/// failure or a cancellation settles it, from any thread.
package final class OneShot<T: Sendable>: @unchecked Sendable {
    // `@unchecked`: `value` and `continuation` are only touched under `lock`.
    private let lock = NSLock()
    private var value: T?
    private var continuation: CheckedContinuation<T, Never>?

    package init() {}

    /// Settles the value; false when it was settled already (the later value is dropped).
    @discardableResult
    package func settle(_ outcome: T) -> Bool {
        lock.lock()
        guard value == nil else {
            lock.unlock()
            return false
        }
        value = outcome
        let continuation = self.continuation
        self.continuation = nil
        lock.unlock()
        continuation?.resume(returning: outcome)
        return true
    }

    /// Waits for the value. One waiter at a time.
    package func wait() async -> T {
        await withCheckedContinuation { continuation in
            lock.lock()
            guard let value else {
                self.continuation = continuation
                return lock.unlock()
            }
            lock.unlock()
            continuation.resume(returning: value)
        }
    }

    package var isSettled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value != nil
    }
}
