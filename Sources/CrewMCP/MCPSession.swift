import CrewCore
import CrewMCPLink
import CrewTools
import Foundation
import MCP

/// One connection to one MCP server: the SDK's client over one of crew's transports, the server process if there
/// is one, and what is known about how the connection ended.
actor MCPSession {
    let server: String
    let end: ServerEnd
    let scrubber: SecretScrubber
    private let client = Client(name: "crew", version: CrewVersion.current)
    private let transport: any Transport
    /// The close under way or done: a second `close` waits for it instead of returning while the server still runs.
    private var closing: Task<Void, Never>?

    /// How long a server gets to exit after SIGTERM before it is killed.
    static let shutdownGrace = 2.0

    private init(server: String, transport: any Transport, scrubber: SecretScrubber, end: ServerEnd) {
        self.server = server
        self.transport = transport
        self.scrubber = scrubber
        self.end = end
    }

    /// Spawns the server process (stdio) or prepares the HTTP client; nothing is sent yet.
    static func open(
        server: String, endpoint: ServerConfig.Endpoint, scrubber: SecretScrubber, crewFolder: String,
        timeout: Double
    ) throws(ToolSetupError) -> MCPSession {
        let end = ServerEnd(server: server)
        switch endpoint {
        case .process(let command, let arguments, let environment):
            // The host's own environment is already the minimal one crew gave it; the server gets the same names.
            let process = try ChildProcess.spawn(
                command: command, arguments: arguments, environment: ChildEnvironment(declared: environment),
                directory: crewFolder)
            let transport = ProcessTransport(server: server, process: process, scrubber: scrubber, end: end)
            return MCPSession(server: server, transport: transport, scrubber: scrubber, end: end)
        case .http(let url, let headers):
            guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https" else {
                throw ToolSetupError("MCP tool `\(server)`: `url` is not an http(s) URL")
            }
            let transport = HTTPTransport(
                server: server, url: url, headers: headers, scrubber: scrubber, end: end, connectTimeout: timeout)
            return MCPSession(server: server, transport: transport, scrubber: scrubber, end: end)
        }
    }

    /// Initializes the session and lists the server's tools, following `nextCursor`.
    func start() async throws -> [Tool] {
        try await client.connect(transport: transport)
        var tools: [Tool] = []
        var cursor: String?
        var seen: Set<String> = []
        repeat {
            let page = try await client.listTools(cursor: cursor)
            tools += page.tools
            cursor = page.nextCursor
            // A server that hands out the same cursor again would keep crew listing forever.
            if let next = cursor, !seen.insert(next).inserted { break }
        } while cursor != nil
        return tools
    }

    /// Calls a tool; cancelling the calling task ends the wait at once and tells the server (`notifications/cancelled`).
    func call(_ tool: String, arguments: [String: Value]) async throws -> CallTool.Result {
        let request = try await client.send(CallTool.request(.init(name: tool, arguments: arguments)))
        let client = self.client
        return try await PromptWait.value(of: request) {
            Task { try? await client.cancelRequest(request.requestID, reason: "cancelled by crew") }
        }
    }

    /// Stops the session once start-up took too long: whatever waits on the server fails with `reason`.
    func abort(_ reason: String) async {
        end.fail(reason)
        await close()
    }

    /// Ends the session and, for stdio, the server process (SIGTERM, then SIGKILL after a grace period), reaping it.
    /// Every caller returns only once that is done: a start cancelled by crew closes the session from two places
    /// (`abort` and the failed start), and the host must not exit, leaving the server behind, before both end.
    func close() async {
        if let closing { return await closing.value }
        let task = Task { await shutDown() }
        closing = task
        await task.value
    }

    private func shutDown() async {
        await client.disconnect()
        if let process = transport as? ProcessTransport {
            await process.shutDown(grace: Self.shutdownGrace)
        } else {
            await transport.disconnect()
        }
    }

    /// The server process, for stdio.
    nonisolated var processID: Int32? {
        (transport as? ProcessTransport)?.processID
    }

    /// The server's recent stderr (stdio only), secrets removed.
    var stderrText: String {
        (transport as? ProcessTransport)?.stderrText() ?? ""
    }
}
