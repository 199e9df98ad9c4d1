import AsyncHTTPClient
import CrewCore
import CrewMCPLink
import Foundation
import Logging
import MCP
import NIOCore
import NIOHTTP1

/// MCP over Streamable HTTP: every message is a POST; the answer is JSON or a `text/event-stream` carrying the
/// response; the `Mcp-Session-Id` the server hands out at initialization goes with every later request. Written on
/// AsyncHTTPClient because the SDK's `HTTPClientTransport` on Linux hands a whole event stream to the client as one
/// message, which the client cannot decode, so the request waits forever.
actor HTTPTransport: Transport {
    nonisolated let logger = Logger(label: "crew.mcp.http", factory: { _ in SwiftLogNoOpLogHandler() })

    private let server: String
    private let url: String
    private let headers: [(name: String, value: String)]
    private let scrubber: SecretScrubber
    private let end: ServerEnd
    private let http: HTTPClient
    private nonisolated let ledger = RequestLedger()
    private nonisolated let messages: AsyncThrowingStream<Data, any Error>
    private nonisolated let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var sessionID: String?
    private var protocolVersion: String?
    private var readers: [UUID: Task<Void, Never>] = [:]
    private var isOpen = true

    /// The largest answer read: a server must not use up crew's memory.
    static let maxBodyBytes = 64 * 1024 * 1024

    init(
        server: String, url: String, headers: [(name: String, value: String)], scrubber: SecretScrubber,
        end: ServerEnd, connectTimeout: Double
    ) {
        self.server = server
        self.url = url
        self.headers = headers
        self.scrubber = scrubber
        self.end = end
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .milliseconds(Int64(min(max(connectTimeout, 0.1), 10) * 1000))
        // A refused connection fails the request at once (the model hears about it) instead of being retried
        // until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        (messages, continuation) = AsyncThrowingStream.makeStream(of: Data.self, throwing: (any Error).self)
    }

    func connect() async throws {}

    nonisolated func receive() -> AsyncThrowingStream<Data, any Error> {
        messages
    }

    func send(_ data: Data) async throws {
        guard isOpen else { throw TransportFailure(description: end.message ?? "the connection is closed") }
        ledger.sent(data)
        let requestID = RequestLedger.requestID(of: data)
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request(body: data, method: .POST), deadline: .distantFuture)
        } catch {
            throw failure("could not be reached: \(Self.describe(error))", requestID)
        }
        if let id = response.headers.first(name: "mcp-session-id"), !id.isEmpty { sessionID = id }
        guard (200..<300).contains(response.status.code) else {
            throw failure(await statusMessage(response), requestID)
        }
        try await read(response, answering: requestID)
    }

    /// Ends the session: a DELETE tells the server (best effort), then everything still waiting is answered.
    func disconnect() async {
        guard isOpen else { return }
        isOpen = false
        end.markClosed()
        for reader in readers.values { reader.cancel() }
        readers = [:]
        if sessionID != nil {
            _ = try? await http.execute(request(body: nil, method: .DELETE), timeout: .seconds(1))
        }
        let reason = end.message ?? "MCP server `\(server)` was shut down"
        for response in ledger.failAll(reason) { continuation.yield(response) }
        continuation.finish(throwing: TransportFailure(description: reason))
        try? await http.shutdown()
    }

    private func request(body: Data?, method: HTTPMethod) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        // The trace context of the tool call this request belongs to, when crew propagates it.
        for header in OutgoingTrace.headers where !request.headers.contains(name: header.name) {
            request.headers.add(name: header.name, value: header.value)
        }
        request.headers.replaceOrAdd(name: "Accept", value: "application/json, text/event-stream")
        if let body {
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if let sessionID { request.headers.replaceOrAdd(name: "Mcp-Session-Id", value: sessionID) }
        if let protocolVersion { request.headers.replaceOrAdd(name: "MCP-Protocol-Version", value: protocolVersion) }
        return request
    }

    /// A JSON answer is read now; an event stream is read in the background, so that a long tool call does not hold
    /// up the messages sent after it.
    private func read(_ response: HTTPClientResponse, answering requestID: JSONValue?) async throws {
        let type = response.headers.first(name: "content-type")?.lowercased() ?? ""
        if type.hasPrefix("text/event-stream") {
            let key = UUID()
            readers[key] = Task { await self.readEvents(response.body, answering: requestID, key: key) }
            return
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            throw failure("sent an answer that could not be read: \(Self.describe(error))", requestID)
        }
        guard body.readableBytes > 0 else {
            if let requestID, let answer = ledger.fail(requestID, "MCP server `\(server)` sent an empty answer") {
                continuation.yield(answer)
            }
            return
        }
        deliver(Array(body.readableBytesView), answering: requestID)
    }

    private func readEvents(_ body: HTTPClientResponse.Body, answering requestID: JSONValue?, key: UUID) async {
        var decoder = SSEDecoder()
        var problem = "ended its event stream without answering"
        do {
            for try await chunk in body {
                for message in decoder.feed(chunk.readableBytesView) { deliver(message, answering: requestID) }
            }
        } catch {
            problem = "broke off its event stream: \(Self.describe(error))"
        }
        readers[key] = nil
        if let requestID, isOpen, let answer = ledger.fail(requestID, "MCP server `\(server)` \(problem)") {
            continuation.yield(answer)
        }
    }

    private func deliver(_ bytes: [UInt8], answering requestID: JSONValue?) {
        guard let message = try? JSONParser.parse(bytes) else {
            let preview = scrubber.scrub(String(decoding: bytes.prefix(200), as: UTF8.self))
            let reason = "MCP server `\(server)` sent an answer that is not JSON-RPC: \(preview)"
            if let requestID, let answer = ledger.fail(requestID, reason) { continuation.yield(answer) }
            return
        }
        if let version = message["result"]?["protocolVersion"]?.stringValue, message["result"]?["serverInfo"] != nil {
            protocolVersion = version
        }
        ledger.received(message)
        continuation.yield(Data(bytes))
    }

    private func statusMessage(_ response: HTTPClientResponse) async -> String {
        let code = response.status.code
        if code == 404, sessionID != nil {
            sessionID = nil
            return "ended the session (HTTP 404)"
        }
        var message = "answered HTTP \(code) \(response.status.reasonPhrase)"
        if let body = try? await response.body.collect(upTo: 64 * 1024), body.readableBytes > 0 {
            let text = String(decoding: body.readableBytesView.prefix(500), as: UTF8.self)
            message += ": " + text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return message
    }

    /// The error for a request that failed; the request is no longer waiting.
    private func failure(_ what: String, _ requestID: JSONValue?) -> TransportFailure {
        if let requestID { _ = ledger.fail(requestID, "") }
        return TransportFailure(description: scrubber.scrub("MCP server `\(server)` \(what)"))
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "the connection timed out"
            case .remoteConnectionClosed: return "the server closed the connection"
            case .cancelled: return "the request was cancelled"
            default: return "\(error)"
            }
        }
        return "\(error)"
    }
}
