import NIOCore
import NIOHTTP1

/// Serves one connection. NIO's pipelining handler, in front of this one, holds back a kept-alive connection's
/// next request until the current response ends, so this handler deals with one request at a time. Everything runs
/// on the connection's event loop; waits are timers on that loop, never sleeps.
final class ProviderConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: ServerState
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var keepAlive = true
    /// True while this connection's request is counted in the server's `inFlight`.
    private var counted = false
    private var open = true
    /// Pending delays and paced writes, cancelled when the connection closes.
    private var timers: [Scheduled<Void>] = []

    init(state: ServerState) {
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return }
            self.head = nil
            let headers = head.headers.map { (name: $0.name, value: $0.value) }
            let (request, behavior) = state.receive(
                method: head.method.rawValue, path: head.uri, headers: headers, body: body)
            body = []
            counted = true
            keepAlive = head.isKeepAlive
            perform(behavior, request, pace: 0, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        open = false
        timers.forEach { $0.cancel() }
        timers = []
        release()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Carries out a behaviour; `pace` is the gap between streamed events set by an enclosing `.paced`.
    private func perform(_ behavior: Behavior, _ request: RecordedRequest, pace: Double, context: ChannelHandlerContext)
    {
        guard open else { return }
        switch behavior {
        case .delay(let seconds, let next):
            after(seconds, context) { self.perform(next, request, pace: pace, context: context) }
        case .paced(let seconds, let next):
            perform(next, request, pace: seconds, context: context)
        case .hang:
            return
        case .closeConnection:
            release()
            context.close(promise: nil)
        case .cutStream(let chunks, _):
            guard let plan = ResponseBuilder.plan(behavior, for: request) else { return }
            send(plan.cut(afterChunks: chunks), pace: pace, context: context)
        case .reply, .replyJSON, .toolCalls, .status, .malformedJSON, .unstreamed:
            guard let plan = ResponseBuilder.plan(behavior, for: request) else { return }
            send(plan.delivery(), pace: pace, context: context)
        case .endless, .keepAlive, .endlessLine, .trickle, .lingering:
            performHostile(behavior, request, context: context)
        }
    }

    /// The behaviours of a provider that never stops, or never gets on: each must be cut by the client's limits.
    private func performHostile(_ behavior: Behavior, _ request: RecordedRequest, context: ChannelHandlerContext) {
        let streamHead = Delivery(
            status: 200, headers: [("Content-Type", "text/event-stream")], parts: [], streaming: true, complete: false)
        switch behavior {
        case .trickle(let seconds, _):
            guard let plan = ResponseBuilder.plan(behavior, for: request) else { return }
            send(plan.bytewise(), pace: seconds, context: context)
        case .endless:
            guard let plan = ResponseBuilder.plan(behavior, for: request) else { return }
            let (start, repeating) = plan.endless()
            endless(start, repeating: repeating, pace: 0, context: context)
        case .keepAlive(let seconds):
            endless(streamHead, repeating: Array(": keep-alive\n\n".utf8), pace: seconds, context: context)
        case .lingering:
            guard let plan = ResponseBuilder.plan(behavior, for: request) else { return }
            release()
            endless(plan.delivery(), repeating: [], pace: 0, context: context)
        case .endlessLine:
            var start = streamHead
            start.parts = [Array("data: ".utf8)]
            endless(start, repeating: [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 16), pace: 0, context: context)
        default:
            return
        }
    }

    /// Writes `start`, then `repeating` (batched to 64 KiB when unpaced) until the connection closes. Each write
    /// waits for the one before to reach the socket, and the next is started from a fresh event-loop task, so a
    /// client that stops reading stops the server, and the stack never grows.
    private func endless(_ start: Delivery, repeating: [UInt8], pace: Double, context: ChannelHandlerContext) {
        var last = writeHead(start, context: context)
        for part in start.parts { last = writeBody(context.channel.allocator.buffer(bytes: part), context: context) }
        guard !repeating.isEmpty else { return }
        var chunk = repeating
        while pace <= 0 && chunk.count < 1 << 16 { chunk += repeating }
        pump(context.channel.allocator.buffer(bytes: chunk), pace: pace, after: last, context: context)
    }

    private func pump(
        _ chunk: ByteBuffer, pace: Double, after previous: EventLoopFuture<Void>, context: ChannelHandlerContext
    ) {
        previous.assumeIsolated().whenComplete { _ in
            guard self.open, context.channel.isActive else { return }
            let written = self.writeBody(chunk, context: context)
            let next = { self.pump(chunk, pace: pace, after: written, context: context) }
            if pace > 0 { self.after(pace, context, next) } else { context.eventLoop.assumeIsolated().execute(next) }
        }
    }

    private func after(_ seconds: Double, _ context: ChannelHandlerContext, _ body: @escaping () -> Void) {
        let nanoseconds = Int64(max(0, min(seconds, 86_400)) * 1_000_000_000)
        timers.append(context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds), body))
    }

    private func send(_ delivery: Delivery, pace: Double, context: ChannelHandlerContext) {
        let written = writeHead(delivery, context: context)
        write(delivery.parts[...], of: delivery, pace: pace, after: written, context: context)
    }

    private func writeHead(_ delivery: Delivery, context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        timers.removeAll()  // the earlier ones have fired; a kept-alive connection should not collect them
        var headers = HTTPHeaders(delivery.headers)
        if delivery.streaming { headers.add(name: "Transfer-Encoding", value: "chunked") }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let status = HTTPResponseStatus(statusCode: delivery.status)
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        return context.writeAndFlush(wrapOutboundOut(.head(head)))
    }

    /// Writes and flushes one body part, counting its bytes in `ProviderTestServer.bytesSent`.
    private func writeBody(_ buffer: ByteBuffer, context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        state.sent(buffer.readableBytes)
        return context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))))
    }

    /// Writes and flushes each part on its own, so a client sees streamed events arrive one by one.
    private func write(
        _ parts: ArraySlice<[UInt8]>, of delivery: Delivery, pace: Double, after previous: EventLoopFuture<Void>,
        context: ChannelHandlerContext
    ) {
        guard open else { return }
        var parts = parts
        var last = previous
        while let part = parts.popFirst() {
            // A Content-Length body is complete for the client at its last byte, before `.end` is written.
            if parts.isEmpty && delivery.complete && !delivery.streaming { release() }
            last = writeBody(context.channel.allocator.buffer(bytes: part), context: context)
            if pace > 0, !parts.isEmpty {
                let rest = parts
                let written = last
                after(pace, context) { self.write(rest, of: delivery, pace: pace, after: written, context: context) }
                return
            }
        }
        finish(delivery, after: last, context: context)
    }

    /// How long a cut-short response waits, after its last byte is on the wire, before the connection closes.
    /// Clients such as AsyncHTTPClient discard body bytes that arrive in the same read as the close, which would
    /// make the number of chunks a client sees before a cut a matter of timing.
    static let closeGrace = 0.1

    /// Ends the response, or drops the connection once the parts are on the wire when the delivery is cut short.
    private func finish(_ delivery: Delivery, after last: EventLoopFuture<Void>, context: ChannelHandlerContext) {
        release()
        guard delivery.complete else {
            last.assumeIsolated().whenComplete { _ in
                self.after(Self.closeGrace, context) { context.close(promise: nil) }
            }
            return
        }
        let ended = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            ended.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    /// Takes the current request out of `inFlight`, once, just before the byte that completes the response is
    /// written or the connection closes, so a client never sees its answer while the server still counts it.
    private func release() {
        guard counted else { return }
        counted = false
        state.finish()
    }
}
