import CrewCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// How crew talks to model providers: HTTP/1.1 over kept-alive connections (TLS for `https`), one request per
/// connection at a time, each answer read on the connection's event loop as its bytes arrive.
///
/// It is not a general HTTP client (tools, MCP and webhooks use AsyncHTTPClient): it sends a request built by a wire
/// format and reads its answer, nothing else. That is what keeps it cheap. A request's head and body leave in one
/// write, and the answer is read with no pool, state machine or request type of a general client in between
/// (Benchmarks/orchestration/README.md, "A transport for providers").
public final class ProviderTransport: Sendable {
    private let group: any EventLoopGroup
    /// Idle connections by `Origin.key`: a string key, since a dictionary keyed by a type of our own made the runtime
    /// scan every conformance in the binary at start.
    private let idle = NIOLockedValueBox<[String: [IdleConnection]]>([:])
    private let tls = NIOLockedValueBox<NIOSSLContext?>(nil)
    /// URLs already read: a run sends its requests to a handful of them, and parsing one cost more than the rest of
    /// the request's head.
    private let targets = NIOLockedValueBox<[String: RequestTarget]>([:])
    /// The most idle connections kept per provider; more are closed as their requests end.
    private let idlePerOrigin: Int
    /// How `https` providers are checked; nil for the default: the system's trust roots, the full chain and the name,
    /// made with the context (a run with no `https` provider makes neither).
    private let tlsConfiguration: TLSConfiguration?
    /// How long an idle connection waits for a request before it is closed.
    private let idleTimeout: TimeAmount

    public init(
        idlePerOrigin: Int = 64, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        tls: TLSConfiguration? = nil,
        idleTimeout: TimeAmount = .seconds(ProviderLimits.idleConnectionSeconds)
    ) {
        self.idlePerOrigin = max(1, idlePerOrigin)
        self.group = group
        tlsConfiguration = tls
        self.idleTimeout = idleTimeout
    }

    /// The connections waiting in the pool now.
    var idleCount: Int { idle.withLockedValue { $0.values.reduce(0) { $0 + $1.count } } }

    /// Closes the idle connections. Requests may still be made: they open new ones.
    public func shutdown() {
        let connections = idle.withLockedValue { pools -> [IdleConnection] in
            defer { pools = [:] }
            return pools.values.flatMap { $0 }
        }
        for connection in connections { connection.channel.close(promise: nil) }
    }

    /// Sends `spec` and reads its answer with `reader`, within `seconds` from now to the answer's last byte.
    /// `message` finds the provider's words in an error body.
    func exchange<Reader: AnswerReader>(
        _ spec: HTTPRequestSpec, seconds: Double, reader: Reader, message: @escaping @Sendable ([UInt8]) -> String?
    ) async throws(ProviderError) -> Reader.Answer {
        let target = try target(spec.url)
        let head = try target.head(spec)
        let deadline = NIODeadline.now() + .nanoseconds(Int64(Seconds.nanoseconds(seconds)))
        // Called from an event loop, `any()` is that loop: the answer is completed where the caller resumes.
        let loop = group.any()
        let exchange = ProviderExchange(reader: reader, answer: loop.makePromise(), message: message)
        let started = NIOLockedValueBox<(any Channel)?>(nil)
        do {
            return try await withTaskCancellationHandler {
                connection(for: target.origin, on: loop, deadline: deadline).whenComplete { result in
                    switch result {
                    case .success(let connection) where exchange.isSettled:
                        connection.handler.value.goIdle()  // cancelled while connecting: nothing is sent
                    case .success(let connection):
                        started.withLockedValue { $0 = connection.channel }
                        connection.handler.value.send(head, body: spec.body, to: exchange, until: deadline)
                    case .failure(let error):
                        exchange.fail(HTTPAttempt.classify(error))
                    }
                }
                return try await exchange.answer.futureResult.get()
            } onCancel: {
                exchange.cancel()
                started.withLockedValue { $0 }?.close(promise: nil)
            }
        } catch let error as ProviderError {
            throw error
        } catch {
            throw HTTPAttempt.classify(error)
        }
    }

    private func target(_ url: String) throws(ProviderError) -> RequestTarget {
        if let known = targets.withLockedValue({ $0[url] }) { return known }
        let parsed = try RequestTarget(url)
        targets.withLockedValue { known in
            if known.count >= 64 { known.removeAll() }  // a bound, for a process that talks to many providers
            known[url] = parsed
        }
        return parsed
    }

    /// An idle connection to `origin`, one on `loop` first; else a new one on `loop`.
    private func connection(for origin: Origin, on loop: any EventLoop, deadline: NIODeadline)
        -> EventLoopFuture<IdleConnection>
    {
        if let kept = takeIdle(origin, preferring: loop) {
            return kept.channel.eventLoop.makeSucceededFuture(kept)
        }
        let context: NIOSSLContext?
        do {
            context = origin.secure ? try sslContext() : nil
        } catch {
            return loop.makeFailedFuture(error)
        }
        let pool = ProviderConnection.Pool(
            keep: { [weak self] channel, handler in
                self?.keepIdle(IdleConnection(channel: channel, handler: handler), for: origin)
            },
            forget: { [weak self] channel in self?.forget(channel, of: origin) })
        let handler = ProviderConnection(origin: origin, pool: pool, idleTimeout: idleTimeout)
        let timeout = max(deadline - .now(), .milliseconds(1))
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let context {
                        try pipeline.addHandler(
                            NIOSSLClientHandler(context: context, serverHostname: origin.serverName))
                    }
                    // The encoder and decoder alone: headers are checked before anything is sent
                    // (`RequestTarget.head`), so NIO's own check (a handler more, and a pass over every request's
                    // headers) is left out, and so is `addHTTPClientHandlers`' list of removable handlers, whose
                    // casts scanned the binary's conformances at every start.
                    try pipeline.addHandler(HTTPRequestEncoder())
                    try pipeline.addHandler(
                        ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .fireError)))
                    try pipeline.addHandler(handler)
                }
            }
        // An address needs no resolver, and no race between address families.
        let connected =
            origin.address.map { bootstrap.connect(to: $0) }
            ?? bootstrap.connect(host: origin.host, port: origin.port)
        return connected.map { channel in
            IdleConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: loop))
        }
    }

    private func takeIdle(_ origin: Origin, preferring loop: any EventLoop) -> IdleConnection? {
        idle.withLockedValue { pools -> IdleConnection? in
            guard var pool = pools[origin.key] else { return nil }
            defer { pools[origin.key] = pool.isEmpty ? nil : pool }
            pool.removeAll { !$0.channel.isActive }
            let index = pool.lastIndex { $0.channel.eventLoop === loop } ?? pool.indices.last
            return index.map { pool.remove(at: $0) }
        }
    }

    private func forget(_ channel: any Channel, of origin: Origin) {
        idle.withLockedValue { pools in
            guard var pool = pools[origin.key] else { return }
            pool.removeAll { $0.channel === channel }
            pools[origin.key] = pool.isEmpty ? nil : pool
        }
    }

    private func keepIdle(_ connection: IdleConnection, for origin: Origin) {
        let kept = idle.withLockedValue { pools -> Bool in
            guard pools[origin.key, default: []].count < idlePerOrigin else { return false }
            pools[origin.key, default: []].append(connection)
            return true
        }
        if !kept { connection.channel.close(promise: nil) }
    }

    /// One TLS context for every provider: it holds the system's trust roots, which are costly to load.
    private func sslContext() throws -> NIOSSLContext {
        try tls.withLockedValue { kept in
            if let kept { return kept }
            var configuration = tlsConfiguration ?? .makeClientConfiguration()
            configuration.applicationProtocols = ["http/1.1"]
            let made = try NIOSSLContext(configuration: configuration)
            kept = made
            return made
        }
    }
}

/// A kept-alive connection between two requests.
struct IdleConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<ProviderConnection>
}

/// Where a provider listens; connections are kept per origin.
struct Origin: Sendable {
    let secure: Bool
    let host: String
    let port: Int
    /// Scheme, host and port, one string for each origin.
    let key: String
    /// The host when it is an IP address: connected to as it is.
    let address: SocketAddress?
    /// The `Host` header: an IPv6 address in brackets, and the port when it is not the scheme's. Made once: each
    /// request sends it, and finding the colon through Foundation's `contains` cost 4.7 K instructions a request.
    let hostHeader: String

    init(secure: Bool, host: String, port: Int) {
        self.secure = secure
        self.host = host
        self.port = port
        key = "\(secure ? "https" : "http")://[\(host)]:\(port)"
        let name = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        hostHeader = port == (secure ? 443 : 80) ? name : "\(name):\(port)"
        address = try? SocketAddress(ipAddress: host, port: port)
    }

    /// The name sent for SNI and checked against the certificate; nil for an address, which the certificate's IP
    /// names are checked against instead.
    var serverName: String? {
        host.utf8.contains(UInt8(ascii: ":")) || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
    }
}

/// A request's origin and target (path and query), read from its URL once.
struct RequestTarget: Sendable {
    let origin: Origin
    let path: String

    init(_ text: String) throws(ProviderError) {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", var host = url.host, !host.isEmpty
        else {
            throw .connection("`\(Self.shown(text))` is not an http or https URL")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let secure = scheme == "https"
        origin = Origin(secure: secure, host: host, port: url.port ?? (secure ? 443 : 80))
        let query = url.percentEncodedQuery.map { "?" + $0 } ?? ""
        path = (url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath) + query
    }

    /// The request's head. A header that would break the request's framing (a line break in a key read from the
    /// environment, say) is refused before anything is sent; the error names the header, never its value.
    func head(_ spec: HTTPRequestSpec) throws(ProviderError) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.reserveCapacity(spec.headers.count + 2)
        headers.add(name: "Host", value: origin.hostHeader)
        for header in spec.headers {
            guard Self.isToken(header.name), Self.isFieldValue(header.value) else {
                throw .connection(
                    "the request header `\(String(header.name.prefix(64)))` holds a line break or a control "
                        + "character; check the key or the value it is read from")
            }
            headers.add(name: header.name, value: header.value)
        }
        headers.add(name: "Content-Length", value: String(spec.body.count))
        return HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: spec.method), uri: path, headers: headers)
    }

    /// A header name: RFC 9110's token characters.
    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy(isTokenByte)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Visible characters, spaces, tabs and any non-ASCII byte; no CR, LF, NUL or other control character.
    private static func isFieldValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F || $0 == 0x09 }
    }

    /// A URL as an error shows it: without its query, where a key could be.
    private static func shown(_ url: String) -> String {
        String(url.prefix { $0 != "?" }.prefix(200))
    }
}
