import CrewCore
import CrewTestSupport
import Foundation
import NIOCore
import NIOSSL
import Testing

@testable import CrewProviders

/// The connections under `HTTPChatClient`: kept alive between requests, one request at a time each, never reused
/// once the server has closed them or while a response is unfinished, and nothing sent when a header would break
/// the request's framing.
@Suite struct ProviderTransportTests {
    /// A client on its own transport, against a server answering by `script` (behind `tls` when given); both are
    /// shut down after.
    static func withClient(
        baseURL: ((ProviderTestServer) -> String)? = nil, key: String = "k", timeout: Double = 10,
        transport: ProviderTransport = ProviderTransport(), tls: NIOSSLContext? = nil,
        script: @escaping @Sendable (RecordedRequest) -> Behavior = { _ in .reply() },
        _ body: (ProviderTestServer, HTTPChatClient) async throws -> Void
    ) async throws {
        let server = try await ProviderTestServer.start(tls: tls, script: script)
        let client = HTTPChatClient(
            endpoint: Endpoint(
                provider: .openai, baseURL: baseURL?(server) ?? server.baseURL, apiKey: Secret(key), keySource: nil),
            wire: OpenAIWire(), transport: transport, retry: RetryPolicy(maxRetries: 0), limiter: nil,
            timeout: timeout)
        defer { transport.shutdown() }
        do {
            try await body(server, client)
        } catch {
            try? await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }

    static func ask(_ client: HTTPChatClient, stream: Bool = true) async throws -> ChatResponse {
        try await client.complete(
            ChatRequest(model: "m", messages: [ChatMessage(.user, "Hi")], stream: stream), observe: { _ in })
    }

    @Test(arguments: [true, false])
    func requestsOneAfterAnotherShareOneConnection(stream: Bool) async throws {
        try await Self.withClient { server, client in
            for _ in 0..<5 { _ = try await Self.ask(client, stream: stream) }
            #expect(server.requests.count == 5)
            // A streamed answer is whole at its end mark, and the caller may ask again before the response's last
            // chunk frees the connection: the next request then opens a second one, and the two take turns.
            #expect(server.acceptedConnections <= (stream ? 2 : 1))
        }
    }

    @Test func concurrentRequestsEachHaveAConnectionThenReuseThem() async throws {
        try await Self.withClient(script: { _ in .delay(seconds: 0.2, then: .reply()) }) { server, client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { _ = try await Self.ask(client) } }
                try await group.waitForAll()
            }
            #expect(server.maxInFlight == 4 && server.acceptedConnections == 4)
            for _ in 0..<4 { _ = try await Self.ask(client) }
            #expect(server.acceptedConnections == 4, "idle connections are reused")
        }
    }

    @Test func aConnectionTheServerClosedIsNotReused() async throws {
        let transport = ProviderTransport()
        try await Self.withClient(transport: transport) { server, client in
            _ = try await Self.ask(client, stream: false)
            #expect(await eventually { transport.idleCount == 1 })
            await server.closeConnections()
            #expect(await eventually { server.openConnections == 0 })
            #expect(await eventually { transport.idleCount == 0 }, "a connection closed while idle leaves the pool")
            try await Task.sleep(nanoseconds: 50_000_000)  // the client reads the close on its event loop
            let answer = try await Self.ask(client)
            #expect(answer.text.hasPrefix("echo: "), "no retry was needed: maxRetries is 0")
            #expect(server.acceptedConnections == 2)
        }
    }

    @Test func anIdleConnectionIsClosedAfterItsTimeout() async throws {
        let transport = ProviderTransport(idleTimeout: .milliseconds(200))
        try await Self.withClient(transport: transport) { server, client in
            _ = try await Self.ask(client, stream: false)
            #expect(server.openConnections == 1 && transport.idleCount == 1)
            #expect(await eventually { server.openConnections == 0 && transport.idleCount == 0 })
            _ = try await Self.ask(client, stream: false)
            #expect(server.acceptedConnections == 2)
        }
    }

    @Test func aResponseThatNeverEndsKeepsItsConnectionOutOfThePool() async throws {
        let first = LockedFlag(true)  // requests come one after another
        let script: @Sendable (RecordedRequest) -> Behavior = { _ in
            defer { first.value = false }
            return first.value ? .lingering(of: .reply()) : .reply()
        }
        try await Self.withClient(timeout: 1, script: script) { server, client in
            _ = try await Self.ask(client)  // read whole at its end mark, while the response stays open
            _ = try await Self.ask(client)
            #expect(server.acceptedConnections == 2, "the lingering connection was not taken for the next request")
            #expect(await eventually { server.openConnections == 1 }, "the deadline closes the lingering one")
        }
    }

    @Test func aCancelledRequestEndsAtOnceAndClosesItsConnection() async throws {
        try await Self.withClient(script: { _ in .hang }) { server, client in
            let asking = Task { try await Self.ask(client) }
            #expect(await eventually { server.inFlight == 1 })
            let started = Date()
            asking.cancel()
            await #expect(throws: ProviderError.cancelled) { _ = try await asking.value }
            #expect(Date().timeIntervalSince(started) < 1)
            #expect(await eventually { server.inFlight == 0 && server.openConnections == 0 })
        }
    }

    @Test func aHeaderThatWouldBreakTheRequestIsNotSent() async throws {
        try await Self.withClient(key: "k\r\nX-Injected: yes") { server, client in
            await #expect {
                _ = try await Self.ask(client)
            } throws: { error in
                guard case .connection(let text)? = error as? ProviderError else { return false }
                return text.contains("`Authorization`") && !text.contains("Injected")
            }
            #expect(server.requests.isEmpty && server.acceptedConnections == 0)
        }
    }

    @Test func tlsToAServerThatSpeaksPlainHTTPFailsClearly() async throws {
        let started = Date()
        try await Self.withClient(baseURL: { "https://127.0.0.1:\($0.port)" }) { _, client in
            await #expect {
                _ = try await Self.ask(client)
            } throws: { error in
                guard case .connection(let text)? = error as? ProviderError else { return false }
                return text.contains("TLS")
            }
        }
        #expect(Date().timeIntervalSince(started) < 5, "a failed handshake does not wait for the deadline")
    }

    @Test func aURLThatIsNotHTTPIsRefusedWithoutItsQuery() async throws {
        try await Self.withClient(baseURL: { _ in "ftp://example.com/v1?key=secret" }) { _, client in
            await #expect {
                _ = try await Self.ask(client)
            } throws: { error in
                guard case .connection(let text)? = error as? ProviderError else { return false }
                return text.contains("ftp://example.com") && !text.contains("secret")
            }
        }
    }
}
