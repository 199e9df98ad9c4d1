import CrewCore
import Foundation

/// The requests sent to a server and not answered yet. The SDK's `Client` leaves a request waiting forever when the
/// connection ends without its response, so the transports answer every outstanding request themselves (with a
/// JSON-RPC error saying what happened) before they end the message stream.
final class RequestLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var outstanding: [JSONValue] = []

    /// Notes a message crew sends: a request's id is now outstanding; a `notifications/cancelled` gives one up.
    func sent(_ data: Data) {
        guard let message = try? JSONParser.parse([UInt8](data)) else { return }
        lock.lock()
        defer { lock.unlock() }
        for item in message.arrayValue ?? [message] {
            if let id = item["id"], item["method"] != nil {
                outstanding.append(id)
            } else if item["method"]?.stringValue == "notifications/cancelled", let id = item["params"]?["requestId"] {
                outstanding.removeAll { $0 == id }
            }
        }
    }

    /// Notes a message the server sends: a response settles its request.
    func received(_ message: JSONValue) {
        lock.lock()
        defer { lock.unlock() }
        for item in message.arrayValue ?? [message] where item["method"] == nil {
            if let id = item["id"] { outstanding.removeAll { $0 == id } }
        }
    }

    /// Whether the request with this id is still waiting.
    func isOutstanding(_ id: JSONValue) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return outstanding.contains(id)
    }

    /// JSON-RPC error responses for every outstanding request (and forgets them).
    func failAll(_ message: String) -> [Data] {
        lock.lock()
        let ids = outstanding
        outstanding = []
        lock.unlock()
        return ids.map { Self.errorResponse(id: $0, message: message) }
    }

    /// A JSON-RPC error response for one request (and forgets it), or nil when it was answered already.
    func fail(_ id: JSONValue, _ message: String) -> Data? {
        lock.lock()
        defer { lock.unlock() }
        guard let index = outstanding.firstIndex(of: id) else { return nil }
        outstanding.remove(at: index)
        return Self.errorResponse(id: id, message: message)
    }

    /// The id of a request message, nil for notifications and responses.
    static func requestID(of data: Data) -> JSONValue? {
        guard let message = try? JSONParser.parse([UInt8](data)), message["method"] != nil else { return nil }
        return message["id"]
    }

    /// A server-defined error code (the -32000…-32099 range) so that the SDK hands the message through unchanged.
    static let failureCode = -32099

    private static func errorResponse(id: JSONValue, message: String) -> Data {
        let response = JSONValue.object([
            "jsonrpc": .string("2.0"), "id": id,
            "error": .object(["code": .int(failureCode), "message": .string(message)]),
        ])
        return Data(response.serialized().utf8)
    }
}
