import CrewCore
import CrewTools

/// An `mcp` tool entry of the plan with every reference resolved.
package struct ServerConfig: Sendable {
    package enum Endpoint: Sendable {
        case process(command: String, arguments: [String], environment: [String: String])
        case http(url: String, headers: [(name: String, value: String)])
    }

    package var endpoint: Endpoint
    package var include: [String]
    package var exclude: [String]

    package init(endpoint: Endpoint, include: [String] = [], exclude: [String] = []) {
        self.endpoint = endpoint
        self.include = include
        self.exclude = exclude
    }

    /// Reads the plan's entry (see `ToolEncoder`): `command` + `args` + `env`, or `url` + `headers`.
    package static func resolve(name: String, _ config: JSONValue, context: ToolContext) throws(ToolSetupError)
        -> ServerConfig
    {
        let include = try strings(config["include"], key: "include", tool: name)
        let exclude = try strings(config["exclude"], key: "exclude", tool: name)
        if let bridge = config["crewai_bridge"] {
            return ServerConfig(endpoint: try bridgeProcess(bridge, tool: name), include: include, exclude: exclude)
        }
        if let command = config["command"]?.stringValue {
            guard !command.isEmpty else { throw ToolSetupError("MCP tool `\(name)`: `command` is empty") }
            let arguments = try strings(config["args"], key: "args", tool: name).map {
                (source) throws(ToolSetupError) in try context.resolve(source)
            }
            let environment = try pairs(config["env"], tool: name, context: context)
            return ServerConfig(
                endpoint: .process(
                    command: command, arguments: arguments,
                    environment: Dictionary(environment, uniquingKeysWith: { first, _ in first })),
                include: include, exclude: exclude)
        }
        if let url = config["url"]?.stringValue {
            let headers = try pairs(config["headers"], tool: name, context: context)
            return ServerConfig(
                endpoint: .http(url: try context.resolve(url), headers: headers), include: include, exclude: exclude)
        }
        throw ToolSetupError("MCP tool `\(name)` has neither `command` nor `url`")
    }

    /// A crewAI project's Python tools: crew's bridge in the project's interpreter, started in the crew's folder,
    /// which the bridge puts (with its `src/`) on the import path. Bytecode is not written into the project.
    static func bridgeProcess(_ bridge: JSONValue, tool: String) throws(ToolSetupError) -> Endpoint {
        guard let python = bridge["python"]?.stringValue, !python.isEmpty else {
            throw ToolSetupError("MCP tool `\(tool)`: the crewAI bridge names no Python interpreter")
        }
        let specs = try strings(bridge["tools"], key: "crewai_bridge.tools", tool: tool)
        guard !specs.isEmpty else { throw ToolSetupError("MCP tool `\(tool)`: the crewAI bridge has no tools") }
        return .process(
            command: python,
            arguments: ["-c", CrewAIBridgeSource.text, "--root", "."] + specs.flatMap { ["--tool", $0] },
            environment: ["PYTHONDONTWRITEBYTECODE": "1"])
    }

    private static func strings(_ value: JSONValue?, key: String, tool: String) throws(ToolSetupError) -> [String] {
        guard let value, value != .null else { return [] }
        if let single = value.stringValue { return [single] }
        guard let items = value.arrayValue else {
            throw ToolSetupError("MCP tool `\(tool)`: `\(key)` must be a list of strings")
        }
        var out: [String] = []
        for item in items {
            guard let text = item.stringValue else {
                throw ToolSetupError("MCP tool `\(tool)`: `\(key)` must be a list of strings")
            }
            out.append(text)
        }
        return out
    }

    /// A name → template mapping, resolved and sorted by name so that the order is stable.
    private static func pairs(
        _ value: JSONValue?, tool: String, context: ToolContext
    ) throws(ToolSetupError) -> [(name: String, value: String)] {
        guard let value, value != .null else { return [] }
        guard let members = value.objectValue else {
            throw ToolSetupError("MCP tool `\(tool)`: expected a mapping of names to strings")
        }
        var out: [(name: String, value: String)] = []
        for name in members.keys.sorted() {
            guard let source = members[name]?.stringValue else {
                throw ToolSetupError("MCP tool `\(tool)`: the value of `\(name)` must be a string")
            }
            out.append((name, try context.resolve(source)))
        }
        return out
    }
}
