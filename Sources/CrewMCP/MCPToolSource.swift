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
        let session = try MCPSession.open(
            server: name, endpoint: settings.endpoint, scrubber: scrubber, crewFolder: context.crewFolder,
            timeout: timeout)
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

    /// Ends the session; for stdio, stops the server process (SIGTERM, SIGKILL after a grace period) and reaps it.
    /// Safe to call more than once.
    public func close() async {
        await session.close()
    }
}
