import CrewCore
import CrewTools

/// The tools of one MCP server (an `mcp` tool entry of the plan), reached over stdio or Streamable HTTP.
public final class MCPToolSource: Sendable {
    public let name: String
    public let tools: [any AgentTool]

    init(name: String, tools: [any AgentTool]) {
        self.name = name
        self.tools = tools
    }
}
