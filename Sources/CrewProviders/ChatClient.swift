import CrewCore
import Foundation

/// Something that answers chat requests: a provider over HTTP, or the mock.
public protocol ChatClient: Sendable {
    /// Answers `request`, retrying what can be retried; `observe` sees retries and streamed text as they happen.
    func complete(_ request: ChatRequest, observe: @escaping @Sendable (ClientEvent) -> Void)
        async throws(ProviderError)
        -> ChatResponse
}

/// What a client reports while it works.
public enum ClientEvent: Sendable {
    /// An HTTP request is about to be sent (attempt 1 is the first).
    case request(attempt: Int)
    /// A retryable failure; the next attempt starts after `delay` seconds.
    case retry(attempt: Int, error: ProviderError, delay: Double)
    /// Streamed text.
    case delta(String)
}
