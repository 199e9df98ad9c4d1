import CrewCore

/// The retry loop every HTTP client shares: wait for the rate limit, try, and on a retryable failure back off
/// (honouring Retry-After) until the policy's retries run out.
enum Retrying {
    static func run<T: Sendable>(
        policy: RetryPolicy, limiter: RateLimiter?, estimatedTokens: Int,
        onAttempt: (Int) -> Void, onRetry: (Int, ProviderError, Double) -> Void,
        _ body: () async throws(ProviderError) -> T
    ) async throws(ProviderError) -> T {
        var attempt = 0
        while true {
            do {
                try await limiter?.acquire(estimatedTokens: estimatedTokens)
            } catch {
                throw .cancelled
            }
            onAttempt(attempt + 1)
            do {
                return try await body()
            } catch {
                guard error.isRetryable, attempt < policy.maxRetries, !Task.isCancelled else { throw error }
                let delay = policy.delay(attempt: attempt, after: error)
                attempt += 1
                onRetry(attempt, error, delay)
                do {
                    try await Task.sleep(nanoseconds: Seconds.nanoseconds(delay))
                } catch {
                    throw .cancelled
                }
            }
        }
    }
}
