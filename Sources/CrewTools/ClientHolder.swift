import AsyncHTTPClient
import CrewCore
import Foundation
import NIOCore
import NIOHTTP1

/// The `http` tool's one `HTTPClient`, created on first use (a tool that is set up but never called, or never
/// closed because the run stopped during setup, then holds nothing to shut down) and shut down by `close()`.
final class ClientHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var client: HTTPClient?
    private var closed = false
    private let addressGuard: AddressGuard

    init(addressGuard: AddressGuard) {
        self.addressGuard = addressGuard
    }

    /// What one request brought back: the result and, for a redirect, the `Location`.
    struct Exchange {
        var result: HTTPResult
        var location: String?
    }

    private func current() throws(ToolFailure) -> HTTPClient {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { throw ToolFailure("the tool has been closed") }
        if let client { return client }
        let made = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration())
        client = made
        return made
    }

    private func configuration() -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(60)),
            decompression: .disabled)
        // A refused connection must fail the request at once, not be retried until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        // No client span per request: the global tracer it would use is never bootstrapped, yet each request paid
        // for a no-op span (about 40 K instructions); a call's `traceparent` is crew's own header.
        configuration.tracing.tracer = nil
        let addressGuard = addressGuard
        configuration.http1_1ConnectionDebugInitializer = { addressGuard.verify($0) }
        configuration.http2ConnectionDebugInitializer = { addressGuard.verify($0) }
        return configuration
    }

    func shutdown() async {
        let client = lock.withLock { () -> HTTPClient? in
            closed = true
            defer { self.client = nil }
            return self.client
        }
        try? await client?.shutdown()
    }

    /// One request, no redirect followed; the body is read up to `cap` bytes and the rest is never downloaded.
    func fetch(url: HTTPURL, method: String, body: String?, headers: [(name: String, value: String)], cap: Int)
        async throws(ToolFailure) -> Exchange
    {
        let client = try current()
        var request = HTTPClientRequest(url: url.description)
        request.method = HTTPMethod(rawValue: method)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if !request.headers.contains(name: "user-agent") { request.headers.add(name: "User-Agent", value: "crew") }
        if let body {
            if !request.headers.contains(name: "content-type") {
                let isJSON = (try? JSONParser.parse(body)) != nil
                request.headers.add(
                    name: "Content-Type", value: isJSON ? "application/json" : "text/plain; charset=utf-8")
            }
            request.body = .bytes(ByteBuffer(string: body))
        }
        do {
            let response = try await client.execute(request, timeout: .minutes(10))
            let location = response.headers.first(name: "location")
            let (bytes, truncated) = try await Self.read(response.body, cap: location == nil ? cap : 0)
            let result = HTTPResult(
                status: Int(response.status.code), reason: response.status.reasonPhrase,
                contentType: response.headers.first(name: "content-type"), body: bytes, truncated: truncated,
                announcedLength: response.headers.first(name: "content-length").flatMap { Int($0) })
            return Exchange(result: result, location: location)
        } catch {
            throw Self.failure(error, url: url)
        }
    }

    private static func read(_ body: HTTPClientResponse.Body, cap: Int) async throws -> ([UInt8], Bool) {
        var bytes: [UInt8] = []
        for try await buffer in body {
            let room = cap - bytes.count
            guard buffer.readableBytes <= room else {
                bytes += buffer.readableBytesView.prefix(room)
                // Leaving the loop drops the body stream, which cancels the request and closes the connection.
                return (bytes, true)
            }
            bytes += buffer.readableBytesView
        }
        return (bytes, false)
    }

    /// Words for the model; HTTP client errors never hold header values, and the URL holds no secrets.
    static func failure(_ error: any Error, url: HTTPURL) -> ToolFailure {
        if let failure = error as? ToolFailure { return failure }
        if error is AddressRefused {
            return ToolFailure("refused \(url): the connection reached an address this tool may not use")
        }
        if error is CancellationError || Task.isCancelled { return ToolFailure("the request to \(url) was cancelled") }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled: return ToolFailure("the request to \(url) was cancelled")
            case .connectTimeout: return ToolFailure("timed out connecting to \(url.host)")
            case .readTimeout, .deadlineExceeded: return ToolFailure("\(url.host) stopped responding")
            default: break
            }
        }
        return ToolFailure("the request to \(url) failed: \(error)")
    }
}
