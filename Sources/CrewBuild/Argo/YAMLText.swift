import CrewCore

/// JSON values as block YAML, for Kubernetes manifests people read in git: mappings with sorted keys, sequences of
/// `- ` items, every string double-quoted as JSON quotes it (a JSON string is a YAML scalar, so no value can be
/// read back as another type or break the structure).
enum YAMLText {
    static func render(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let members) where !members.isEmpty:
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                out += pad + scalar(.string(key)) + ":"
                if isBlock(member) {
                    out += "\n"
                    write(member, indent: indent + 2, into: &out)
                } else {
                    out += " " + scalar(member) + "\n"
                }
            }
        case .array(let items) where !items.isEmpty:
            for item in items {
                if isBlock(item) {
                    // The item's first line goes after the dash, the rest indented under it.
                    var nested = ""
                    write(item, indent: indent + 2, into: &nested)
                    out += pad + "- " + nested.dropFirst(indent + 2)
                } else {
                    out += pad + "- " + scalar(item) + "\n"
                }
            }
        default:
            out += pad + scalar(value) + "\n"
        }
    }

    private static func isBlock(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members): return !members.isEmpty
        case .array(let items): return !items.isEmpty
        default: return false
        }
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .object: return "{}"
        case .array: return "[]"
        case .string(let text):
            // Plain keys read better; anything that could be mistaken for another type is quoted.
            if isPlain(text) { return text }
            return value.serialized()
        default: return value.serialized()
        }
    }

    /// A word that YAML reads back as this same string: a letter or `_`, then letters, digits, `_`, `.`, `-`, and
    /// none of YAML 1.1's booleans or null.
    private static func isPlain(_ text: String) -> Bool {
        guard let first = text.utf8.first, isLetter(first) || first == UInt8(ascii: "_") else { return false }
        let allowed = text.utf8.allSatisfy {
            isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "-")
        }
        return allowed && !reserved.contains(text.lowercased())
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    private static let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n"]
}
