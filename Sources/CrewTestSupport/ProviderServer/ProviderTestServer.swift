import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A local HTTP server that speaks the OpenAI, Anthropic and Gemini wire formats (JSON and SSE), so provider
/// clients are tested against real sockets without the internet. Each request's fate (answer, error status, delay,
/// hang, cut stream, broken JSON, dropped connection) is decided by a script.
///
/// Routes, by path suffix (any prefix): `POST .../chat/completions` (OpenAI), `POST .../embeddings` (OpenAI),
/// `POST .../v1/messages` (Anthropic), `POST .../models/{model}:generateContent` and
/// `...:streamGenerateContent` (Gemini). Anything else gets a 404 in OpenAI's error format.
///
/// Runs on NIO's shared event loop group. Call `shutdown()` at the end of each test: the listening socket stays
/// open until then.
public final class ProviderTestServer: Sendable {
    private let state: ServerState
    private let listener: any Channel
    /// The port the OS chose.
    public let port: Int

    private init(state: ServerState, listener: any Channel, port: Int) {
        self.state = state
        self.listener = listener
        self.port = port
    }

    /// Starts on 127.0.0.1 with an OS-chosen port. `script` decides each request's fate; the default replies normally.
    /// With `tls`, connections speak HTTPS with that context's certificate.
    public static func start(
        tls: NIOSSLContext? = nil, script: @escaping @Sendable (RecordedRequest) -> Behavior = { _ in .reply() }
    ) async throws -> ProviderTestServer {
        let state = ServerState(script: script)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard state.register(channel) else { return channel.close() }
                channel.closeFuture.whenComplete { _ in state.unregister(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ProviderConnectionHandler(state: state))
                }
            }
        let listener = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        guard let port = listener.localAddress?.port else {
            try? await listener.close()
            throw ProviderTestServerError.noPort
        }
        return ProviderTestServer(state: state, listener: listener, port: port)
    }

    /// `"http://127.0.0.1:PORT"`, without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops listening and closes every open connection, hanging ones included, so it never waits on a client.
    public func shutdown() async throws {
        try? await listener.close()
        for connection in state.close() {
            try? await connection.close()
        }
    }

    /// Every request received, in arrival order (a snapshot).
    public var requests: [RecordedRequest] { state.requests }
    /// Requests received (head and body) and not yet answered or closed. A request leaves the count just before
    /// the byte that completes its response is written, so a client never holds an answer the server still counts.
    public var inFlight: Int { state.inFlight }
    /// The highest `inFlight` since start.
    public var maxInFlight: Int { state.maxInFlight }
    /// Response body bytes written to all connections since start (heads not counted). With the socket buffers,
    /// an upper bound on what clients received: a client that stops reading keeps an endless answer near its limit.
    public var bytesSent: Int { state.bytesSent }
    /// Connections accepted since start: a client that keeps its connections alive opens fewer than it sends
    /// requests.
    public var acceptedConnections: Int { state.accepted }
    /// Connections open now.
    public var openConnections: Int { state.open.count }

    /// Closes every open connection, as a server does to idle ones when its keep-alive timeout passes; it keeps
    /// listening.
    public func closeConnections() async {
        for connection in state.open {
            try? await connection.close()
        }
    }

    /// Changes the script for requests that arrive from now on.
    public func setScript(_ script: @escaping @Sendable (RecordedRequest) -> Behavior) {
        state.setScript(script)
    }
}

/// Why the test server could not start.
public enum ProviderTestServerError: Error, Sendable {
    /// The listening socket reported no port.
    case noPort
}
