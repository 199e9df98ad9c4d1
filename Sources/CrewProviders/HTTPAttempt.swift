import AsyncHTTPClient
import CrewCore
import NIOCore
import NIOHTTP1

/// How an HTTP attempt's failures read: connection failures in words a user can act on.
enum HTTPAttempt {
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
