import Foundation

/// Counts the messages a server sends that crew does not act on (notifications, answers to nothing), in windows of
/// one second. They are dropped as they arrive, so they cost no memory, but a server that sends them without pause
/// keeps crew-mcp busy parsing: past `limit` in one window the server counts as flooding and is stopped.
final class FloodGauge: @unchecked Sendable {
    // `@unchecked`: the `var`s are only touched under `lock`.
    static let defaultLimit = 10_000

    let limit: Int
    private let lock = NSLock()
    private var windowStart = 0.0
    private var count = 0
    private var tripped = false

    init(limit: Int = FloodGauge.defaultLimit) {
        self.limit = limit
    }

    /// Counts one message; true exactly once, for the message that goes past the limit.
    func count(at now: Double = Date().timeIntervalSinceReferenceDate) -> Bool {
        lock.withLock {
            guard !tripped else { return false }
            if now - windowStart >= 1 {
                windowStart = now
                count = 0
            }
            count += 1
            tripped = count > limit
            return tripped
        }
    }

    var hasTripped: Bool { lock.withLock { tripped } }
}
