import CrewCore
import NIOCore
import NIOHTTP1

/// Where a response's parts go, on the connection's event loop.
protocol ResponseSink: AnyObject, Sendable {
    func head(_ head: HTTPResponseHead)
    /// False when the answer wants no more of the body: the connection is then closed.
    func body(_ buffer: ByteBuffer) -> Bool
    func end()
    /// The bytes read so far are handled; more may come.
    func readComplete()
    /// The exchange ended without its response's end (closed, timed out, broken): an answer not settled yet fails.
    func fail(_ error: ProviderError)
}

/// One connection to a provider, carrying one exchange at a time. After a response's last byte, a connection both
/// sides keep alive goes back to the idle pool (`Pool.keep`); any other ending closes it. An idle connection is
/// closed after `idleTimeout`, and one that closes while idle leaves the pool (`Pool.forget`).
///
/// An answer may settle before its response ends (a stream's end mark): the caller resumes then, and the rest is
/// still read here, so that the connection can carry the next request. The deadline covers that rest too: a server
/// that never ends its response loses the connection, not the answer.
final class ProviderConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// Where an idle connection waits, and what it tells when it leaves.
    struct Pool: Sendable {
        let keep: @Sendable (any Channel, NIOLoopBound<ProviderConnection>) -> Void
        let forget: @Sendable (any Channel) -> Void
    }

    private let origin: Origin
    private let pool: Pool
    private let idleTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var sink: (any ResponseSink)?
    private var deadline: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    private var keepAlive = false

    init(origin: Origin, pool: Pool, idleTimeout: TimeAmount) {
        self.origin = origin
        self.pool = pool
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Sends a request whose answer goes to `sink`: head, body and end in one write.
    func send(_ head: HTTPRequestHead, body: [UInt8], to sink: any ResponseSink, until deadline: NIODeadline) {
        guard let context, context.channel.isActive, self.sink == nil else {
            sink.fail(.streamCut)
            return
        }
        self.sink = sink
        idleTimer?.cancel()
        idleTimer = nil
        keepAlive = head.isKeepAlive
        let channel = context.channel
        self.deadline = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            self?.expire()
        }
        var buffer = channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenFailure { [weak self] error in
            self?.abandon(HTTPAttempt.classify(error))
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let sink else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            keepAlive = keepAlive && head.isKeepAlive
            sink.head(head)
        case .body(let buffer):
            if !sink.body(buffer) { abandon(nil) }
        case .end:
            self.sink = nil
            deadline?.cancel()
            deadline = nil
            // Back in the pool before the answer is settled, so that the caller's next request finds it there.
            if keepAlive, context.channel.isActive {
                goIdle()
            } else {
                context.close(promise: nil)
            }
            sink.end()
        }
    }

    /// Puts the connection in the pool, to be closed if no request takes it within `idleTimeout`.
    func goIdle() {
        guard let context else { return }
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: idleTimeout) { [weak self] in
            guard let self, self.sink == nil else { return }
            self.context?.close(promise: nil)
        }
        pool.keep(context.channel, NIOLoopBound(self, eventLoop: context.eventLoop))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        sink?.readComplete()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        if sink == nil { pool.forget(context.channel) }  // closed while idle (by the server, or the idle timeout)
        abandon(.streamCut)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        abandon(HTTPAttempt.classify(error))
    }

    /// The time is up: an answer not settled yet fails with `.timeout`, and the connection is closed.
    private func expire() {
        abandon(.timeout)
    }

    /// Ends the exchange, failing its answer with `error` unless it is settled (nil: the answer has settled itself),
    /// and closes the connection: whatever it was carrying cannot be finished.
    private func abandon(_ error: ProviderError?) {
        deadline?.cancel()
        deadline = nil
        let sink = self.sink
        self.sink = nil
        if let error { sink?.fail(error) }
        context?.close(promise: nil)
    }
}
