import CrewCore
import NIOCore
import NIOHTTP1
import NIOSSL

#if canImport(Glibc)
    import Glibc
#endif

/// How an HTTP attempt's failures read: connection failures in words a user can act on.
enum HTTPAttempt {
    /// Connection-level failures, in words a user can act on (no URL with a key in it: keys go in headers).
    static func classify(_ error: any Error) -> ProviderError {
        switch error {
        case let error as ProviderError:
            return error
        case ChannelError.connectTimeout:
            return .timeout
        case ChannelError.ioOnClosedChannel, ChannelError.eof, ChannelError.outputClosed:
            return .streamCut
        // NIO's parser reports a connection closed mid-body (a cut stream or a cut Content-Length body) this way.
        case HTTPParserError.invalidEOFState:
            return .streamCut
        case let error as HTTPParserError:
            return .malformed("the answer is not valid HTTP (\(error))")
        case let error as IOError where [ECONNRESET, EPIPE].contains(error.errnoCode):
            return .streamCut
        case let error as NIOSSLError where String(describing: error).contains("CERTIFICATE_VERIFY_FAILED"):
            return .connection(
                "the TLS handshake failed: the server's certificate is not trusted (its chain does not end at a "
                    + "trusted root, or it has expired)")
        case let error as NIOSSLError:
            return .connection("the TLS handshake failed (\(error))")
        case let error as BoringSSLError:
            return .connection("the TLS handshake failed (\(error))")
        case let error as NIOSSLExtraError:
            return .connection("the server's certificate is not valid for its name (\(error))")
        default:
            return .connection(plain(String(describing: error)))
        }
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
