import CrewCore
import Foundation
import MCP

/// Between crew's `JSONValue` and the SDK's `Value`, through their JSON text so that both keep their own rules
/// (the SDK encodes `data:` URLs, crew keeps integers apart from doubles).
enum ValueBridge {
    static func jsonValue(_ value: Value) -> JSONValue? {
        guard let data = try? JSONEncoder().encode(value) else { return nil }
        return try? JSONParser.parse([UInt8](data))
    }

    static func arguments(_ value: JSONValue) throws(ToolFailureReason) -> [String: Value] {
        guard case .object = value else { throw ToolFailureReason("the arguments must be a JSON object") }
        do {
            return try JSONDecoder().decode([String: Value].self, from: Data(value.serialized().utf8))
        } catch {
            throw ToolFailureReason("the arguments could not be encoded for the MCP server")
        }
    }
}

/// A reason without the server's name, which the caller adds.
struct ToolFailureReason: Error {
    var text: String

    init(_ text: String) {
        self.text = text
    }
}
