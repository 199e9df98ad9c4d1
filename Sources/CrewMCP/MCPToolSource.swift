import CrewCore
import CrewMCPLink
import CrewTools
import MCP

/// The tools of one MCP server (an `mcp` tool entry of the plan), reached over stdio or Streamable HTTP.
public final class MCPToolSource: Sendable {
    /// The plan's name for the server (the `mcp` tool entry).
    public let name: String
    /// The server's tools after `include`/`exclude`, named as the model may call them.
    public let tools: [any AgentTool]
    private let session: MCPSession

    private init(name: String, tools: [any AgentTool], session: MCPSession) {
        self.name = name
        self.tools = tools
        self.session = session
    }

    /// Starts (stdio) or connects to (Streamable HTTP) the server of a plan's `mcp` tool entry, initializes the
    /// session and lists the server's tools, all within `timeout` seconds.
    ///
    /// - Throws: `ToolSetupError` when a reference cannot be resolved, the command does not exist, the server exits,
    ///   does not answer in time or is unreachable, or `include` names a tool the server does not have.
    public static func connect(
        name: String, config: JSONValue, context: ToolContext, timeout: Double
    ) async throws(ToolSetupError) -> MCPToolSource {
        let scrubber = SecretScrubber()
        let settings = try ServerConfig.resolve(name: name, config, context: scrubber.recording(context))
        return try await connect(
            name: name, settings: settings, scrubber: scrubber, crewFolder: context.crewFolder, timeout: timeout)
    }

    /// The same with the references already resolved (by crew, for its MCP host): nothing in `settings` is resolved
    /// again, so a value holding a literal `${` stays as it is. `scrubber` holds the resolved secret values.
    static func connect(
        name: String, settings: ServerConfig, scrubber: SecretScrubber, crewFolder: String, timeout: Double
    ) async throws(ToolSetupError) -> MCPToolSource {
        let session = try MCPSession.open(
            server: name, endpoint: settings.endpoint, scrubber: scrubber, crewFolder: crewFolder, timeout: timeout)
        do {
            let listed = try await Startup.run(session, timeout: timeout)
            let chosen = try ToolSelection.choose(
                listed, include: settings.include, exclude: settings.exclude, server: name)
            let tools = ToolSelection.agentTools(chosen, session: session)
            return MCPToolSource(name: name, tools: tools, session: session)
        } catch {
            await session.close()
            throw error
        }
    }

    /// The server process (stdio only).
    var processID: Int32? { session.processID }

    /// The tools as the MCP host hands them to crew.
    var hostTools: [HostToolInfo] {
        tools.compactMap { ($0 as? MCPTool).map { HostToolInfo(descriptor: $0.descriptor, serverName: $0.serverName) } }
    }

    /// Calls the tool the server knows as `serverName`.
    func call(_ serverName: String, arguments: JSONValue) async throws(ToolFailure) -> String {
        guard let tool = tools.first(where: { ($0 as? MCPTool)?.serverName == serverName }) else {
            throw ToolFailure("MCP server `\(name)` has no tool `\(serverName)` that crew may call")
        }
        return try await tool.call(arguments)
    }

    /// Ends the session; for stdio, stops the server process (SIGTERM, SIGKILL after a grace period) and reaps it.
    /// Safe to call more than once.
    public func close() async {
        await session.close()
    }
}
