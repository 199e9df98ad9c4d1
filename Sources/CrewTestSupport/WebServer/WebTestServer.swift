import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A tiny local HTTP server for tools that fetch web pages: each request is answered by a handler, which may
/// delay, hang, redirect or stream a large body. Listens on 127.0.0.1 with an OS-chosen port; call `shutdown()`
/// at the end of each test.
public final class WebTestServer: Sendable {
    private let log: WebRequestLog
    private let listener: any Channel
    /// The port the OS chose.
    public let port: Int

    private init(log: WebRequestLog, listener: any Channel, port: Int) {
        self.log = log
        self.listener = listener
        self.port = port
    }

    public static func start(handler: @escaping @Sendable (WebRequest) -> WebResponse) async throws -> WebTestServer {
        let log = WebRequestLog()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard log.register(channel) else { return channel.close() }
                channel.closeFuture.whenComplete { _ in log.unregister(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(WebConnectionHandler(log: log, handler: handler))
                }
            }
        let listener = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        guard let port = listener.localAddress?.port else {
            try? await listener.close()
            throw WebTestServerError.noPort
        }
        return WebTestServer(log: log, listener: listener, port: port)
    }

    /// `"http://127.0.0.1:PORT"`, without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request received, in arrival order.
    public var requests: [WebRequest] { log.requests }

    /// Stops listening and closes every open connection, hanging ones included.
    public func shutdown() async {
        try? await listener.close()
        for connection in log.close() {
            try? await connection.close()
        }
    }
}

/// Why the web test server could not start.
public enum WebTestServerError: Error, Sendable {
    case noPort
}

/// One request as received.
public struct WebRequest: Sendable {
    public var method: String
    /// The request target, query included.
    public var path: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// How the server answers one request.
public struct WebResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Seconds to wait before answering.
    public var delay: Double = 0
    /// Never answer.
    public var hang = false
    /// Extra bytes (`x`) streamed after `body`, in 64 KiB writes, each after the previous one is on the wire.
    public var streamedBytes = 0

    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func text(_ text: String, status: Int = 200, type: String = "text/plain; charset=utf-8")
        -> WebResponse
    {
        WebResponse(status: status, headers: [("Content-Type", type)], body: Array(text.utf8))
    }

    public static func redirect(to location: String, status: Int = 302) -> WebResponse {
        WebResponse(status: status, headers: [("Location", location)])
    }

    public static func delayed(_ seconds: Double, _ response: WebResponse) -> WebResponse {
        var response = response
        response.delay = seconds
        return response
    }

    public static var hanging: WebResponse {
        var response = WebResponse()
        response.hang = true
        return response
    }

    /// A body of `count` bytes with a `Content-Length`, streamed rather than held in memory.
    public static func large(_ count: Int) -> WebResponse {
        var response = WebResponse(headers: [("Content-Type", "text/plain")])
        response.streamedBytes = count
        return response
    }
}

/// Requests and open connections, shared by the event loop threads and the test.
final class WebRequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [WebRequest] = []
    private var connections: [ObjectIdentifier: any Channel] = [:]
    private var closed = false

    func record(_ request: WebRequest) {
        lock.withLock { recorded.append(request) }
    }

    var requests: [WebRequest] { lock.withLock { recorded } }

    func register(_ channel: any Channel) -> Bool {
        lock.withLock {
            guard !closed else { return false }
            connections[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func unregister(_ channel: any Channel) {
        _ = lock.withLock { connections.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func close() -> [any Channel] {
        lock.withLock {
            closed = true
            return Array(connections.values)
        }
    }
}
