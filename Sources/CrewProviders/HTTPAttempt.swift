import AsyncHTTPClient
import CrewCore
import NIOCore
import NIOHTTP1

/// What one HTTP attempt shares between chat and embeddings: a total deadline, bounded body reads, and connection
/// failures in words a user can act on.
enum HTTPAttempt {
    /// Runs `body` with a deadline `seconds` from now, counted to the answer's last byte: AsyncHTTPClient's own
    /// deadline ends when the response head arrives, so without this a server that trickles its body (a byte at a
    /// time, or SSE keep-alive comments) would hold the request forever. Past the deadline `body` is cancelled and
    /// `.timeout` thrown. `body` gets the deadline to give AsyncHTTPClient, so connecting is bounded by it too.
    static func run<T: Sendable>(
        seconds: Double, _ body: @escaping @Sendable (NIODeadline) async throws -> T
    ) async throws(ProviderError) -> T {
        let nanoseconds = Int64(Seconds.nanoseconds(seconds))
        let deadline = NIODeadline.now() + .nanoseconds(nanoseconds)
        do {
            guard let value = try await TimeLimit.run(seconds: seconds, { try await body(deadline) }) else {
                throw ProviderError.timeout
            }
            return value
        } catch let error as ProviderError {
            throw error
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw classify(error)
        }
    }

    /// The whole body; past `limit` bytes it stops reading and throws `.tooLarge`.
    static func collect(_ body: HTTPClientResponse.Body, limit: Int) async throws -> [UInt8] {
        var budget = ByteBudget(limit: limit)
        var bytes: [UInt8] = []
        for try await buffer in body {
            try budget.spend(buffer.readableBytes)
            bytes += buffer.readableBytesView
        }
        return bytes
    }

    /// The start of an error body, for its message: at most `ProviderLimits.maxErrorBodyBytes`; a longer body is
    /// cut there and the rest left unread (AsyncHTTPClient then closes the connection), so a huge error body still
    /// reports its status.
    static func errorBody(_ body: HTTPClientResponse.Body) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await buffer in body {
            bytes += buffer.readableBytesView.prefix(ProviderLimits.maxErrorBodyBytes - bytes.count)
            if bytes.count >= ProviderLimits.maxErrorBodyBytes { break }
        }
        return bytes
    }

    /// An error status as `.http`, with the provider's message (or the body's start) and its Retry-After.
    static func failure(_ response: HTTPClientResponse, message: ([UInt8]) -> String?) async throws -> ProviderError {
        let body = try await errorBody(response.body)
        let text = message(body) ?? String(decoding: body.prefix(ProviderLimits.maxErrorMessage), as: UTF8.self)
        return .http(
            status: Int(response.status.code), message: String(text.prefix(ProviderLimits.maxErrorMessage)),
            retryAfter: RetryPolicy.parseRetryAfter(response.headers.first(name: "retry-after")))
    }

    /// Connection-level failures, in words a user can act on (no URL with a key in it: keys go in headers).
    static func classify(_ error: any Error) -> ProviderError {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return .timeout
            case .cancelled: return .cancelled
            case .remoteConnectionClosed: return .streamCut
            default: return .connection(plain(String(describing: error)))
            }
        }
        // NIO's parser reports a connection closed mid-body (a cut stream or a cut Content-Length body) this way.
        if let error = error as? HTTPParserError, error == .invalidEOFState { return .streamCut }
        return .connection(plain(String(describing: error)))
    }

    /// NIO's socket errors as a user reads them: `connection reset (error set): Connection refused (errno: 111)`
    /// becomes `connection refused`.
    static func plain(_ detail: String) -> String {
        let lowered = detail.lowercased()
        for (marker, words) in [
            ("connection refused", "connection refused (is the server running, and is `base_url` right?)"),
            ("errno: 111", "connection refused (is the server running, and is `base_url` right?)"),
            ("no route to host", "no route to host"), ("network is unreachable", "the network is unreachable"),
            ("name or service not known", "the host name does not resolve"),
            ("nodename nor servname", "the host name does not resolve"),
        ] where lowered.contains(marker) {
            return words
        }
        return detail
    }
}
