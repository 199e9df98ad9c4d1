import Foundation

/// Tells a run's event streams that the run wrote an event, so they read it at once instead of at their next poll.
/// A stream that misses a signal loses nothing: it still polls the record.
final class EventPulse: @unchecked Sendable {
    /// What the run's models are writing now, sent to streams between recorded events.
    let output = LiveOutput()
    private let lock = NSLock()
    private var version = 0
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]

    var current: Int { lock.withLock { version } }

    func signal() {
        let woken = lock.withLock {
            version += 1
            defer { waiters.removeAll() }
            return Array(waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once a signal came after `seen`, or after `timeout`.
    func wait(after seen: Int, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.signalled(after: seen) }
            await group.next()
            group.cancelAll()
        }
    }

    private func signalled(after seen: Int) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = lock.withLock {
                    if version > seen || Task.isCancelled { return true }
                    waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            lock.withLock { waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
