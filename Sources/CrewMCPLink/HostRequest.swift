import CrewCore
import CrewTools

/// What crew sends the MCP host. The host serves one server: `connect` once, then any number of `call`s (answered
/// by id, in any order) and `cancel`s, then `close` (or end of file on its stdin).
package enum HostRequest: Sendable {
    /// Start (stdio) or reach (HTTP) the server, initialize, list its tools; answered by `ready` or `setupFailed`.
    case connect(HostConnect)
    /// Call a tool by the name the server knows it by; answered by `result` or `failure` with the same id. `trace`
    /// is the call's trace context, sent on with the call's HTTP requests (empty unless crew propagates it).
    case call(id: Int, tool: String, arguments: JSONValue, trace: [TraceHeader] = [])
    /// Give up a call: the host tells the server and drops the answer.
    case cancel(id: Int)
    /// End the session and the server (SIGTERM, SIGKILL after a grace period, reaped); answered by `closed`.
    case close

    package var line: [UInt8] {
        switch self {
        case .connect(let connect):
            return HostProtocol.line([
                "type": .string("connect"), "protocol": .int(connect.protocolVersion), "name": .string(connect.name),
                "config": connect.config.json, "secrets": .strings(connect.secrets),
                "crewFolder": .string(connect.crewFolder), "timeout": .double(connect.timeout),
            ])
        case .call(let id, let tool, let arguments, let trace):
            var members: [String: JSONValue] = [
                "type": .string("call"), "id": .int(id), "tool": .string(tool), "arguments": arguments,
            ]
            if !trace.isEmpty {
                members["trace"] = .object(Dictionary(trace.map { ($0.name, .string($0.value)) }) { $1 })
            }
            return HostProtocol.line(members)
        case .cancel(let id):
            return HostProtocol.line(["type": .string("cancel"), "id": .int(id)])
        case .close:
            return HostProtocol.line(["type": .string("close")])
        }
    }

    package init(line: [UInt8]) throws(HostProtocol.Malformed) {
        let (type, message) = try HostProtocol.object(line)
        switch type {
        case "connect":
            self = .connect(try HostConnect(message))
        case "call":
            self = .call(
                id: try HostProtocol.int(message, "id", in: type),
                tool: try HostProtocol.string(message, "tool", in: type),
                arguments: message["arguments"] ?? .object([:]), trace: try Self.trace(message))
        case "cancel":
            self = .cancel(id: try HostProtocol.int(message, "id", in: type))
        case "close":
            self = .close
        default:
            throw HostProtocol.Malformed("an unknown request `\(type)`")
        }
    }
}

/// The server a host is to serve, with every reference resolved by crew.
package struct HostConnect: Sendable {
    package var protocolVersion: Int
    /// The plan's name for the server (its `mcp` tool entry).
    package var name: String
    package var config: ServerConfig
    /// The values crew resolved for the server: the host scrubs them from everything it sends back.
    package var secrets: [String]
    /// Where a stdio server starts.
    package var crewFolder: String
    /// Seconds the server has to start and list its tools.
    package var timeout: Double

    package init(
        name: String, config: ServerConfig, secrets: [String], crewFolder: String, timeout: Double,
        protocolVersion: Int = HostProtocol.version
    ) {
        self.protocolVersion = protocolVersion
        self.name = name
        self.config = config
        self.secrets = secrets
        self.crewFolder = crewFolder
        self.timeout = timeout
    }

    init(_ message: JSONValue) throws(HostProtocol.Malformed) {
        protocolVersion = try HostProtocol.int(message, "protocol", in: "connect")
        name = try HostProtocol.string(message, "name", in: "connect")
        guard let config = message["config"] else { throw HostProtocol.Malformed("`connect` without a `config`") }
        do {
            self.config = try ServerConfig(json: config)
        } catch {
            throw HostProtocol.Malformed(error.message)
        }
        var secrets: [String] = []
        for item in message["secrets"]?.arrayValue ?? [] {
            guard let secret = item.stringValue else { throw HostProtocol.Malformed("`secrets` holds a non-string") }
            secrets.append(secret)
        }
        self.secrets = secrets
        crewFolder = message["crewFolder"]?.stringValue ?? ""
        guard let timeout = message["timeout"]?.doubleValue, timeout >= 0 else {
            throw HostProtocol.Malformed("`connect` without a non-negative `timeout`")
        }
        self.timeout = timeout
    }
}

extension HostRequest {
    /// A call's trace headers: names and values that can go on an HTTP request as they are.
    static func trace(_ message: JSONValue) throws(HostProtocol.Malformed) -> [TraceHeader] {
        guard let members = message["trace"]?.objectValue else { return [] }
        var headers: [TraceHeader] = []
        for (name, value) in members.sorted(by: { $0.key < $1.key }) {
            guard let text = value.stringValue, Self.isHeaderText(name), Self.isHeaderText(text) else {
                throw HostProtocol.Malformed("a `call` trace header that cannot be sent")
            }
            headers.append(TraceHeader(name: name, value: text))
        }
        return headers
    }

    private static func isHeaderText(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 512 && text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }
}
