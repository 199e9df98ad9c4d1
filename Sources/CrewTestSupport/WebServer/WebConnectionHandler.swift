import NIOCore
import NIOHTTP1

/// Serves one connection of the web test server, one request at a time (NIO's pipelining handler holds back the
/// next); delays are timers on the connection's event loop.
final class WebConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let log: WebRequestLog
    private let handler: @Sendable (WebRequest) -> WebResponse
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var open = true
    private var timer: Scheduled<Void>?
    static let chunkSize = 64 * 1024

    init(log: WebRequestLog, handler: @escaping @Sendable (WebRequest) -> WebResponse) {
        self.log = log
        self.handler = handler
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
            let request = WebRequest(
                method: head.method.rawValue, path: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                body: body)
            log.record(request)
            let response = handler(request)
            guard !response.hang else { return }
            guard response.delay > 0 else { return send(response, context: context) }
            let nanoseconds = Int64(min(response.delay, 3600) * 1_000_000_000)
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) {
                self.send(response, context: context)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        open = false
        timer?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func send(_ response: WebResponse, context: ChannelHandlerContext) {
        guard open else { return }
        var headers = HTTPHeaders(response.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count + response.streamedBytes))
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))),
                promise: nil)
        }
        stream(remaining: response.streamedBytes, context: context)
    }

    /// Writes the streamed part one chunk at a time, so a client that stops reading stops the server too.
    private func stream(remaining: Int, context: ChannelHandlerContext) {
        guard open else { return }
        guard remaining > 0 else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        let size = min(remaining, Self.chunkSize)
        let buffer = context.channel.allocator.buffer(repeating: UInt8(ascii: "x"), count: size)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer)))).assumeIsolated().whenSuccess {
            self.stream(remaining: remaining - size, context: context)
        }
    }
}
