/// A JSON document with a deterministic serialisation: object keys sorted by their UTF-8 bytes,
/// integers kept as integers, no escaped slashes. Build artifacts are written through this type so that
/// the same input always gives the same bytes.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The serialised document. `pretty` indents by two spaces with one key per line.
    public func serialized(pretty: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(256)
        write(to: &out, pretty: pretty, indent: 0)
        return out
    }

    func write(to out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += JSONValue.format(d)
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items): writeArray(items, to: &out, pretty: pretty, indent: indent)
        case .object(let members): writeObject(members, to: &out, pretty: pretty, indent: indent)
        }
    }

    private func writeArray(_ items: [JSONValue], to out: inout String, pretty: Bool, indent: Int) {
        guard !items.isEmpty else { return out += "[]" }
        out += "["
        for (i, item) in items.enumerated() {
            if i > 0 { out += "," }
            if pretty { JSONValue.newline(&out, indent + 1) }
            item.write(to: &out, pretty: pretty, indent: indent + 1)
        }
        if pretty { JSONValue.newline(&out, indent) }
        out += "]"
    }

    private func writeObject(_ members: [String: JSONValue], to out: inout String, pretty: Bool, indent: Int) {
        guard !members.isEmpty else { return out += "{}" }
        out += "{"
        let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for (i, key) in keys.enumerated() {
            if i > 0 { out += "," }
            if pretty { JSONValue.newline(&out, indent + 1) }
            JSONValue.writeString(key, to: &out)
            out += pretty ? ": " : ":"
            members[key]!.write(to: &out, pretty: pretty, indent: indent + 1)
        }
        if pretty { JSONValue.newline(&out, indent) }
        out += "}"
    }

    private static func newline(_ out: inout String, _ indent: Int) {
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    /// Shortest round-trip form; integral values keep a trailing `.0` so the type survives a round trip.
    static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        return d.description
    }

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension JSONValue {
    /// An object from pairs whose value may be absent; absent values are left out rather than written as null.
    public static func object(dropping pairs: [(String, JSONValue?)]) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for (key, value) in pairs {
            if let value { members[key] = value }
        }
        return .object(members)
    }

    public static func strings(_ items: [String]) -> JSONValue {
        .array(items.map { .string($0) })
    }
}
