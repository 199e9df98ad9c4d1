/// The bounds every provider answer is held to, in one place. A provider may be hostile or broken (an endless
/// stream, a line that never ends, one byte at a time), so nothing it sends may grow a buffer or hold a request
/// without a bound.
public enum ProviderLimits {
    /// The most bytes one answer may take, streamed or not: counted once over the body as received (SSE comments
    /// and keep-alives included) and once over the text and tool-call arguments put together from it, since
    /// decoding can make those larger than the bytes they came from. No model writes 64 MiB in one answer, so an
    /// answer that reaches it is a runaway or a hostile server: it fails with `ProviderError.tooLarge` and is not
    /// retried. Also the most an embeddings answer may take: 1 000 vectors of 3 072 dimensions (about 45 MB of
    /// JSON) fit; a larger batch fails the same way and needs a smaller `batch_size`.
    public static let maxAnswerBytes = 64 << 20
    /// The longest SSE line, and the most data one event may carry. An event is decoded and parsed whole, so it is
    /// held to less than the answer.
    public static let maxEventBytes = 8 << 20
    /// How much of an error body is read for its message; the rest is left unread.
    public static let maxErrorBodyBytes = 1 << 20
    /// The most characters of an error's message kept. More than is shown: the runtime removes secrets before it
    /// cuts a message to show it, so its own cut never halves a key.
    public static let maxErrorMessage = 8 << 10
    /// How long a kept-alive connection to a provider may wait idle for its next request before it is closed, so
    /// that a long-lived process (`crew serve`) holds no socket for a provider it no longer talks to.
    public static let idleConnectionSeconds: Int64 = 60
}

/// What outgrew its bound, for `ProviderError.tooLarge`.
public enum SizeBound: String, Sendable, Hashable {
    /// The body as received, or the text and arguments assembled from it (`ProviderLimits.maxAnswerBytes`).
    case answer
    /// One SSE line without its end (`ProviderLimits.maxEventBytes`).
    case eventLine
    /// The `data` of one SSE event, over its lines (`ProviderLimits.maxEventBytes`).
    case eventData

    /// The message for a bound of `limit` bytes, e.g. "the answer is larger than 64 MiB".
    public func message(limit: Int) -> String {
        let size = limit >= 1 << 20 && limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
        switch self {
        case .answer: return "the answer is larger than \(size)"
        case .eventLine: return "a server-sent event line is longer than \(size)"
        case .eventData: return "a server-sent event carries more than \(size) of data"
        }
    }
}
