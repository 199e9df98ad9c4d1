import CrewCore
import Foundation

/// Tool calls and their results in a few words, for the terminal: the record keeps them whole.
enum ToolText {
    /// `search_notes("http caching")`, or `fetch(url: "https://…", method: "GET")` with several arguments.
    static func call(_ tool: String, arguments: String, limit: Int = 60) -> String {
        "\(tool)(\(shorten(summary(arguments), to: max(8, limit - tool.count - 2))))"
    }

    static func summary(_ arguments: String) -> String {
        guard let value = try? JSONParser.parse(arguments), case .object(let members) = value else {
            return oneLine(arguments)
        }
        if members.count == 1, let only = members.values.first { return literal(only) }
        return members.keys.sorted().map { "\($0): \(literal(members[$0] ?? .null))" }.joined(separator: ", ")
    }

    /// `1.2k chars`.
    static func size(_ chars: Int) -> String {
        chars < 1000 ? "\(chars) chars" : String(format: "%.1fk chars", Double(chars) / 1000)
    }

    /// The first line of `text`, at most `limit` characters.
    static func excerpt(_ text: String, limit: Int = 80) -> String {
        let first = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return shorten(first, to: limit)
    }

    /// `text` on one line, at most `limit` characters.
    static func flat(_ text: String, limit: Int) -> String {
        shorten(oneLine(text), to: limit)
    }

    static func shorten(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(0, limit - 1))) + "…"
    }

    private static func literal(_ value: JSONValue) -> String {
        if case .string(let text) = value { return "\"\(oneLine(text))\"" }
        return oneLine(value.serialized())
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
