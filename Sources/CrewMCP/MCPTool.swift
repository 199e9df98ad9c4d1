import CrewCore
import CrewMCPLink
import CrewTools
import MCP

/// One tool of an MCP server, as an agent tool. The tools of a server share its session; closing any of them closes
/// the session (the run closes every tool when it ends).
struct MCPTool: AgentTool {
    let descriptor: ToolDescriptor
    /// The name the server knows the tool by (the descriptor's may have been sanitized).
    let serverName: String
    let session: MCPSession

    func call(_ arguments: JSONValue) async throws(ToolFailure) -> String {
        let server = session.server
        let values: [String: Value]
        do {
            values = try ValueBridge.arguments(arguments)
        } catch {
            throw ToolFailure("MCP tool `\(serverName)` of server `\(server)`: \(error.text)")
        }
        let result: CallTool.Result
        do {
            result = try await session.call(serverName, arguments: values)
        } catch {
            throw ToolFailure(session.scrubber.scrub(CallError.message(error, tool: serverName, session: session)))
        }
        let text = session.scrubber.scrub(ResultText.render(result))
        if result.isError == true {
            throw ToolFailure(text.isEmpty ? "MCP tool `\(serverName)` reported an error without a message" : text)
        }
        return text
    }

    func close() async {
        await session.close()
    }
}

/// Words for a call that got no result.
enum CallError {
    static func message(_ error: any Error, tool: String, session: MCPSession) -> String {
        if error is CancellationError {
            return "The call to MCP tool `\(tool)` was cancelled."
        }
        // A dead server explains every error that follows: say how it ended rather than "connection closed".
        if let ended = session.end.failure ?? session.end.message {
            return "The call to MCP tool `\(tool)` failed: \(ended)"
        }
        return "The call to MCP tool `\(tool)` of server `\(session.server)` failed: \(describe(error))"
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let failure as TransportFailure:
            return failure.description
        case MCPError.serverError(_, let message):
            return message
        case let error as MCPError:
            return error.errorDescription ?? "\(error)"
        case is DecodingError:
            return "the server's answer does not have the form MCP requires"
        default:
            // The SDK's TypeMismatchError (an answer of the wrong shape) is internal; name it in words.
            return String(describing: type(of: error)) == "TypeMismatchError"
                ? "the server's answer does not have the form MCP requires" : "\(error)"
        }
    }
}
