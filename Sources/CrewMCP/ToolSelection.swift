import CrewCore
import CrewTools
import MCP

/// Which of a server's tools the agents get (`include`/`exclude`), and under which names.
enum ToolSelection {
    static func choose(
        _ tools: [Tool], include: [String], exclude: [String], server: String
    ) throws(ToolSetupError) -> [Tool] {
        let names = Set(tools.map(\.name))
        let missing = include.filter { !names.contains($0) }
        guard missing.isEmpty else {
            let list = missing.map { "`\($0)`" }.joined(separator: ", ")
            let available = tools.map(\.name).sorted().joined(separator: ", ")
            throw ToolSetupError(
                "MCP server `\(server)` has no tool \(list) (from `include`); it has: \(available.isEmpty ? "none" : available)"
            )
        }
        return tools.filter { (include.isEmpty || include.contains($0.name)) && !exclude.contains($0.name) }
    }

    /// Agent tools with names the model APIs accept, made unique when sanitizing makes two alike.
    static func agentTools(_ tools: [Tool], session: MCPSession) -> [any AgentTool] {
        var taken: Set<String> = []
        return tools.map { tool in
            let name = uniqueName(ToolName.sanitize(tool.name), taken: &taken)
            let descriptor = ToolDescriptor(
                name: name, description: tool.description ?? tool.title ?? "",
                inputSchema: schema(tool.inputSchema))
            return MCPTool(descriptor: descriptor, serverName: tool.name, session: session)
        }
    }

    private static func uniqueName(_ name: String, taken: inout Set<String>) -> String {
        var candidate = name
        var counter = 2
        while taken.contains(candidate) {
            let suffix = "_\(counter)"
            candidate = String(name.prefix(ToolName.maxLength - suffix.count)) + suffix
            counter += 1
        }
        taken.insert(candidate)
        return candidate
    }

    /// The tool's input schema; an object schema without properties when the server's is missing or not an object.
    private static func schema(_ value: Value) -> JSONValue {
        guard let json = ValueBridge.jsonValue(value), case .object = json else {
            return .object(["type": .string("object"), "properties": .object([:])])
        }
        return json
    }
}
