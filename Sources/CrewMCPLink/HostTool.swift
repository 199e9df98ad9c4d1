import CrewCore
import CrewTools

/// One tool of the server, as an agent tool. The tools of a server share its host; closing any of them closes it
/// (the run closes every tool when it ends).
struct HostTool: AgentTool {
    let descriptor: ToolDescriptor
    /// The name the server knows the tool by.
    let serverName: String
    let link: HostLink

    func call(_ arguments: JSONValue) async throws(ToolFailure) -> String {
        switch await link.call(serverName, arguments: arguments) {
        case .text(let text): return text
        case .failure(let message): throw ToolFailure(message)
        case .cancelled: throw ToolFailure("The call to MCP tool `\(serverName)` was cancelled.")
        }
    }

    func close() async {
        await link.close()
    }
}
