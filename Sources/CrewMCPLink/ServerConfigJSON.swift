import CrewCore
import CrewTools

/// The resolved configuration as crew hands it to the MCP host. Every value is final: crew resolved the references
/// (so that the run's secret ledger knows each value), and a `${` in a value is literal text, never resolved again.
extension ServerConfig {
    package var json: JSONValue {
        var members: [String: JSONValue] = ["include": .strings(include), "exclude": .strings(exclude)]
        switch endpoint {
        case .process(let command, let arguments, let environment):
            members["command"] = .string(command)
            members["args"] = .strings(arguments)
            members["env"] = .object(environment.mapValues(JSONValue.string))
        case .http(let url, let headers):
            members["url"] = .string(url)
            // A list, not an object: the order of the headers is kept as crew sends them.
            members["headers"] = .array(
                headers.map { .object(["name": .string($0.name), "value": .string($0.value)]) })
        }
        return .object(members)
    }

    /// Reads `json`. The errors name the key, never a value (values may be secrets).
    package init(json: JSONValue) throws(ToolSetupError) {
        let include = try Self.strings(json["include"], key: "include")
        let exclude = try Self.strings(json["exclude"], key: "exclude")
        if let command = json["command"]?.stringValue {
            let environment = try Self.environment(json["env"])
            let endpoint = Endpoint.process(
                command: command, arguments: try Self.strings(json["args"], key: "args"), environment: environment)
            self.init(endpoint: endpoint, include: include, exclude: exclude)
        } else if let url = json["url"]?.stringValue {
            let endpoint = Endpoint.http(url: url, headers: try Self.headers(json["headers"]))
            self.init(endpoint: endpoint, include: include, exclude: exclude)
        } else {
            throw Self.malformed("it has neither `command` nor `url`")
        }
    }

    private static func strings(_ value: JSONValue?, key: String) throws(ToolSetupError) -> [String] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else { throw malformed("`\(key)` is not a list of strings") }
        var out: [String] = []
        for item in items {
            guard let text = item.stringValue else { throw malformed("`\(key)` is not a list of strings") }
            out.append(text)
        }
        return out
    }

    private static func environment(_ value: JSONValue?) throws(ToolSetupError) -> [String: String] {
        guard let value, value != .null else { return [:] }
        guard let members = value.objectValue else { throw malformed("`env` is not a mapping of strings") }
        var out: [String: String] = [:]
        for (name, item) in members {
            guard let text = item.stringValue else { throw malformed("`env.\(name)` is not a string") }
            out[name] = text
        }
        return out
    }

    private static func headers(_ value: JSONValue?) throws(ToolSetupError) -> [(name: String, value: String)] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else { throw malformed("`headers` is not a list") }
        var out: [(name: String, value: String)] = []
        for item in items {
            guard let name = item["name"]?.stringValue, let text = item["value"]?.stringValue else {
                throw malformed("`headers` holds an entry without a string `name` and `value`")
            }
            out.append((name, text))
        }
        return out
    }

    private static func malformed(_ what: String) -> ToolSetupError {
        ToolSetupError("the MCP host got a server configuration it cannot read: \(what)")
    }
}
