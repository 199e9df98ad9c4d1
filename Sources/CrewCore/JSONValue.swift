/// A JSON document with a deterministic serialisation: object keys sorted by their UTF-8 bytes,
/// integers kept as integers, no escaped slashes. Build artifacts are written through this type so that
/// the same input always gives the same bytes.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The serialised document. `pretty` indents by two spaces with one key per line.
    public func serialized(pretty: Bool = false) -> String {
        var writer = JSONWriter(capacity: 4096, pretty: pretty)
        defer { writer.release() }
        writer.value(self, indent: 0)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Appends the compact serialisation to `out`, for writers that put many documents in one buffer.
    public func append(to out: inout [UInt8]) {
        var writer = JSONWriter(capacity: 1024, pretty: false)
        defer { writer.release() }
        writer.value(self, indent: 0)
        out.append(contentsOf: writer.bytes)
    }

    /// Appends the compact serialisation of the object whose members are `members` (their keys distinct), the same
    /// bytes as `.object` of them, without making its dictionary: for a writer that has the pairs already (a run
    /// event's line, its fields and three more).
    public static func appendObject(_ members: [(key: String, value: JSONValue)], to out: inout [UInt8]) {
        var writer = JSONWriter(capacity: 512, pretty: false)
        defer { writer.release() }
        writer.object(JSONWriter.sorted(members), indent: 0)
        out.append(contentsOf: writer.bytes)
    }
}

extension JSONValue {
    /// An object from pairs whose value may be absent; absent values are left out rather than written as null.
    public static func object(dropping pairs: [(String, JSONValue?)]) -> JSONValue {
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            if let value { members[key] = value }
        }
        return .object(members)
    }

    public static func strings(_ items: [String]) -> JSONValue {
        .array(items.map { .string($0) })
    }
}
