import CrewCore
import Foundation

/// Requests-per-minute and tokens-per-minute budgets shared by every task that uses one model. Each budget is a
/// token bucket that refills continuously; a caller waits until both have room.
public actor RateLimiter {
    private var requests: Bucket?
    private var tokens: Bucket?

    public init(requestsPerMinute: Int?, tokensPerMinute: Int?) {
        requests = requestsPerMinute.map { Bucket(perMinute: Double($0)) }
        tokens = tokensPerMinute.map { Bucket(perMinute: Double($0)) }
    }

    /// Waits until a request estimated at `estimatedTokens` fits both budgets, then takes from them.
    public func acquire(estimatedTokens: Int) async throws {
        while true {
            try Task.checkCancellation()
            let now = Date().timeIntervalSinceReferenceDate
            let wait = max(
                requests?.wait(for: 1, now: now) ?? 0, tokens?.wait(for: Double(estimatedTokens), now: now) ?? 0)
            if wait <= 0 {
                requests?.take(1, now: now)
                tokens?.take(Double(estimatedTokens), now: now)
                return
            }
            try await Task.sleep(nanoseconds: Seconds.nanoseconds(min(wait, 60)))
        }
    }

    /// Corrects the token budget once the real usage is known.
    public func record(actualTokens: Int, estimatedTokens: Int) {
        tokens?.adjust(by: Double(actualTokens - estimatedTokens))
    }

    struct Bucket {
        let capacity: Double
        let perSecond: Double
        var level: Double
        var updated: Double = Date().timeIntervalSinceReferenceDate

        init(perMinute: Double) {
            capacity = perMinute
            perSecond = perMinute / 60
            level = perMinute
        }

        mutating func refill(now: Double) {
            level = min(capacity, level + (now - updated) * perSecond)
            updated = now
        }

        /// Seconds until `amount` is available (a request larger than the bucket waits for a full bucket).
        mutating func wait(for amount: Double, now: Double) -> Double {
            refill(now: now)
            let needed = min(amount, capacity)
            return level >= needed ? 0 : (needed - level) / perSecond
        }

        mutating func take(_ amount: Double, now: Double) {
            refill(now: now)
            level -= min(amount, capacity)
        }

        mutating func adjust(by delta: Double) {
            level = min(capacity, level - delta)
        }
    }
}
