import CrewCore
import CrewProviders

/// The `mock` provider: for testing a crew's wiring without any API. It answers with the task's scripted reply,
/// or else with a deterministic echo of the prompt (for a task with an output schema: the smallest JSON value that
/// matches it). It never touches the network.
public struct MockClient: ChatClient {
    public let reply: String?
    public let task: String

    public init(reply: String?, task: String) {
        self.reply = reply
        self.task = task
    }

    public func complete(_ request: ChatRequest, observe: @escaping @Sendable (ClientEvent) -> Void)
        async throws(ProviderError) -> ChatResponse
    {
        if Task.isCancelled { throw .cancelled }
        observe(.request(attempt: 1))
        let text = reply ?? answer(request)
        for word in text.split(separator: " ", omittingEmptySubsequences: false) { observe(.delta(String(word) + " ")) }
        let input = request.messages.reduce(0) { $0 + Self.words($1.content) }
        return ChatResponse(text: text, usage: TokenUsage(input: input, output: Self.words(text)), finishReason: "stop")
    }

    private func answer(_ request: ChatRequest) -> String {
        if let schema = request.responseSchema { return SchemaExample.minimal(schema).serialized() }
        let prompt = request.messages.last { $0.role == .user }?.content ?? ""
        return "[mock answer for task `\(task)`]\n\n" + prompt
    }

    static func words(_ text: String) -> Int {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).count
    }
}

/// The smallest value that matches a schema: required properties only, minimum lengths, the first enum value.
enum SchemaExample {
    static func minimal(_ schema: JSONValue, depth: Int = 0) -> JSONValue {
        guard depth < 32, case .object(let s) = schema else { return .null }
        if let constant = s["const"] { return constant }
        if let first = s["enum"]?.arrayValue?.first { return first }
        if let first = (s["anyOf"] ?? s["oneOf"])?.arrayValue?.first { return minimal(first, depth: depth + 1) }
        let type = s["type"]?.stringValue ?? s["type"]?.arrayValue?.first?.stringValue ?? "object"
        switch type {
        case "object":
            var members: [String: JSONValue] = [:]
            let properties = s["properties"]?.objectValue ?? [:]
            for name in (s["required"]?.arrayValue ?? []).compactMap(\.stringValue) {
                members[name] = minimal(properties[name] ?? .object([:]), depth: depth + 1)
            }
            return .object(members)
        case "array":
            let count = s["minItems"]?.intValue ?? 0
            return .array(Array(repeating: minimal(s["items"] ?? .object([:]), depth: depth + 1), count: count))
        case "string": return .string(String(repeating: "x", count: s["minLength"]?.intValue ?? 0))
        case "integer": return .int(s["minimum"]?.intValue ?? 0)
        case "number": return .double(s["minimum"]?.doubleValue ?? 0)
        case "boolean": return .bool(false)
        default: return .null
        }
    }
}
