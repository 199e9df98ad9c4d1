import CrewCore

/// The line protocol between crew and its MCP host, `crew-mcp`: one JSON object per line, with a `type`, on the
/// host's stdin (crew to host, `HostRequest`) and stdout (host to crew, `HostReply`). JSON through CrewCore's own
/// parser and writer, so that crew needs no Codable machinery for it.
package enum HostProtocol {
    /// Sent with `connect`; a host speaking another version refuses, so that a `crew-mcp` left over from another
    /// release says so instead of misreading the messages.
    package static let version = 1

    /// Why a line is not a message of the protocol. Never holds the line (it may carry a secret).
    package struct Malformed: Error, Sendable, CustomStringConvertible {
        package var description: String

        package init(_ description: String) {
            self.description = description
        }
    }

    /// The line's JSON object and its `type`.
    static func object(_ line: [UInt8]) throws(Malformed) -> (type: String, message: JSONValue) {
        let message: JSONValue
        do {
            message = try JSONParser.parse(line)
        } catch {
            throw Malformed("a line that is not JSON (\(error))")
        }
        guard let type = message["type"]?.stringValue else { throw Malformed("a JSON line without a `type`") }
        return (type, message)
    }

    static func int(_ message: JSONValue, _ key: String, in type: String) throws(Malformed) -> Int {
        guard let value = message[key]?.intValue else { throw Malformed("`\(type)` without an integer `\(key)`") }
        return value
    }

    static func string(_ message: JSONValue, _ key: String, in type: String) throws(Malformed) -> String {
        guard let value = message[key]?.stringValue else { throw Malformed("`\(type)` without a string `\(key)`") }
        return value
    }

    static func line(_ members: [String: JSONValue]) -> [UInt8] {
        // The writer escapes control characters, so the serialised object is one line.
        Array(JSONValue.object(members).serialized().utf8)
    }
}
