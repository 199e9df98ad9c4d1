import CrewProviders
import Foundation
import Testing

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesUpToTheCap() {
        let policy = RetryPolicy(maxRetries: 5, baseDelay: 0.5, maxDelay: 4)
        let error = ProviderError.http(status: 500, message: "", retryAfter: nil)
        #expect(policy.delay(attempt: 0, after: error, random: 1) == 0.5)
        #expect(policy.delay(attempt: 2, after: error, random: 1) == 2)
        #expect(policy.delay(attempt: 6, after: error, random: 1) == 4)
        #expect(policy.delay(attempt: 2, after: error, random: 0.5) == 1)
    }

    @Test func retryAfterWinsWhenLongerAndIsCapped() {
        let policy = RetryPolicy(baseDelay: 0.5, maxRetryAfter: 60)
        #expect(policy.delay(attempt: 0, after: .http(status: 429, message: "", retryAfter: 7), random: 1) == 7)
        #expect(policy.delay(attempt: 0, after: .http(status: 429, message: "", retryAfter: 3600), random: 1) == 60)
    }

    @Test func retryAfterReadsSecondsAndDates() {
        #expect(RetryPolicy.parseRetryAfter("12") == 12)
        #expect(RetryPolicy.parseRetryAfter(" 1.5 ") == 1.5)
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
    }

    @Test func onlyTransientFailuresAreRetryable() {
        #expect(ProviderError.http(status: 429, message: "", retryAfter: nil).isRetryable)
        #expect(ProviderError.http(status: 503, message: "", retryAfter: nil).isRetryable)
        #expect(ProviderError.timeout.isRetryable && ProviderError.streamCut.isRetryable)
        for status in [400, 401, 403, 404] {
            #expect(!ProviderError.http(status: status, message: "", retryAfter: nil).isRetryable)
        }
        #expect(!ProviderError.cancelled.isRetryable)
        // A runaway answer would run away again, costing the whole limit each time.
        #expect(!ProviderError.tooLarge(.answer, limit: ProviderLimits.maxAnswerBytes).isRetryable)
    }
}

@Suite struct RateLimiterTests {
    @Test func aFullBucketLetsABurstThroughThenMakesTheNextWait() async throws {
        let limiter = RateLimiter(requestsPerMinute: 6000, tokensPerMinute: nil)  // 100 per second
        let start = Date()
        for _ in 0..<6000 { try await limiter.acquire(estimatedTokens: 1) }
        #expect(Date().timeIntervalSince(start) < 5)  // the burst needs no waiting at all
        let before = Date()
        for _ in 0..<10 { try await limiter.acquire(estimatedTokens: 1) }
        #expect(Date().timeIntervalSince(before) >= 0.08)  // 10 more at 100/s: about 0.1 s
    }

    @Test func waitingIsCancellable() async throws {
        let limiter = RateLimiter(requestsPerMinute: 1, tokensPerMinute: nil)
        try await limiter.acquire(estimatedTokens: 1)
        let waiting = Task { try await limiter.acquire(estimatedTokens: 1) }
        try await Task.sleep(nanoseconds: 50_000_000)
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }
}
