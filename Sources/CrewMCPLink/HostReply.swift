import CrewCore

/// What the MCP host sends crew. Every text in it has been scrubbed of the secrets crew handed over.
package enum HostReply: Sendable, Equatable {
    /// The server is up; these are its tools after `include`/`exclude`, named as the model may call them.
    /// `serverProcessID` is the stdio server's pid (for tests that check nothing outlives the session).
    case ready(tools: [HostToolInfo], serverProcessID: Int32?)
    case setupFailed(message: String)
    case result(id: Int, text: String)
    case failure(id: Int, message: String)
    /// The session and the server are gone; the host exits next.
    case closed

    package var line: [UInt8] {
        switch self {
        case .ready(let tools, let pid):
            var members: [String: JSONValue] = [
                "type": .string("ready"), "protocol": .int(HostProtocol.version), "tools": .array(tools.map(\.json)),
            ]
            if let pid { members["serverProcessID"] = .int(Int(pid)) }
            return HostProtocol.line(members)
        case .setupFailed(let message):
            return HostProtocol.line(["type": .string("setupFailed"), "message": .string(message)])
        case .result(let id, let text):
            return HostProtocol.line(["type": .string("result"), "id": .int(id), "text": .string(text)])
        case .failure(let id, let message):
            return HostProtocol.line(["type": .string("failure"), "id": .int(id), "message": .string(message)])
        case .closed:
            return HostProtocol.line(["type": .string("closed")])
        }
    }

    package init(line: [UInt8]) throws(HostProtocol.Malformed) {
        let (type, message) = try HostProtocol.object(line)
        switch type {
        case "ready":
            var tools: [HostToolInfo] = []
            guard let items = message["tools"]?.arrayValue else {
                throw HostProtocol.Malformed("`ready` without a list of `tools`")
            }
            for item in items { tools.append(try HostToolInfo(item)) }
            let pid = message["serverProcessID"]?.intValue.flatMap { Int32(exactly: $0) }
            self = .ready(tools: tools, serverProcessID: pid)
        case "setupFailed":
            self = .setupFailed(message: try HostProtocol.string(message, "message", in: type))
        case "result":
            self = .result(
                id: try HostProtocol.int(message, "id", in: type),
                text: try HostProtocol.string(message, "text", in: type))
        case "failure":
            self = .failure(
                id: try HostProtocol.int(message, "id", in: type),
                message: try HostProtocol.string(message, "message", in: type))
        case "closed":
            self = .closed
        default:
            throw HostProtocol.Malformed("an unknown reply `\(type)`")
        }
    }
}

/// One tool of the server as the host offers it.
package struct HostToolInfo: Sendable, Equatable {
    /// The name, description and input schema the model sees.
    package var descriptor: ToolDescriptor
    /// The name the server knows the tool by (the descriptor's may have been sanitized).
    package var serverName: String

    package init(descriptor: ToolDescriptor, serverName: String) {
        self.descriptor = descriptor
        self.serverName = serverName
    }

    var json: JSONValue {
        .object([
            "name": .string(descriptor.name), "serverName": .string(serverName),
            "description": .string(descriptor.description), "inputSchema": descriptor.inputSchema,
        ])
    }

    init(_ json: JSONValue) throws(HostProtocol.Malformed) {
        guard let name = json["name"]?.stringValue, let serverName = json["serverName"]?.stringValue else {
            throw HostProtocol.Malformed("`ready` lists a tool without a `name` and a `serverName`")
        }
        let schema = json["inputSchema"] ?? .object(["type": .string("object"), "properties": .object([:])])
        descriptor = ToolDescriptor(
            name: name, description: json["description"]?.stringValue ?? "", inputSchema: schema)
        self.serverName = serverName
    }
}
