import CrewCore
import Foundation

/// Exponential backoff with jitter: attempt n waits base·2ⁿ, capped, times a random factor in [0.5, 1], so that
/// many tasks hitting one rate limit do not retry in lock-step. A server's Retry-After wins when it is longer.
public struct RetryPolicy: Sendable {
    public var maxRetries: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// Never wait longer than this for one Retry-After, whatever the server says.
    public var maxRetryAfter: Double

    public init(
        maxRetries: Int = RetryDefaults.maxRetries, baseDelay: Double = 0.5, maxDelay: Double = 30,
        maxRetryAfter: Double = 120
    ) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Seconds to wait before retry number `attempt` (0-based) after `error`.
    public func delay(attempt: Int, after error: ProviderError, random: Double = Double.random(in: 0.5...1)) -> Double {
        let backoff = min(maxDelay, baseDelay * pow(2, Double(min(attempt, 30)))) * random
        if case .http(_, _, let retryAfter?) = error {
            return max(backoff, min(retryAfter, maxRetryAfter))
        }
        return backoff
    }

    /// Reads a Retry-After header: seconds, or an HTTP date.
    public static func parseRetryAfter(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
