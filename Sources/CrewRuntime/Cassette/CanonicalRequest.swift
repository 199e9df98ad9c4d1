import CrewCore
import CrewDocuments
import CrewProviders

/// A chat request as a cassette keeps it (specs/cassette.md): everything that decides the answer, the same for every
/// provider, and nothing of the transport (the base URL, the key, whether the answer streams). Its SHA-256 over the
/// canonical JSON is how a replayed run finds the answer.
struct CanonicalRequest: Sendable {
    let json: JSONValue
    let sha256: String

    init(_ request: ChatRequest, provider: ModelProvider) {
        json = .object(dropping: [
            ("provider", .string(provider.rawValue)),
            ("model", .string(request.model)),
            ("temperature", request.temperature.map(JSONValue.double)),
            ("top_p", request.topP.map(JSONValue.double)),
            ("max_tokens", request.maxTokens.map(JSONValue.int)),
            ("response_schema", request.responseSchema),
            ("tool_choice", request.tools.isEmpty ? nil : .string(request.toolChoice.rawValue)),
            (
                "tools",
                request.tools.isEmpty
                    ? nil
                    : .array(
                        request.tools.map {
                            .object([
                                "name": .string($0.name), "description": .string($0.description),
                                "input_schema": $0.inputSchema,
                            ])
                        })
            ),
            ("messages", .array(request.messages.map(Self.message))),
        ])
        sha256 = Hashing.sha256(json.serialized())
    }

    init(json: JSONValue, sha256: String) {
        self.json = json
        self.sha256 = sha256
    }

    static func message(_ message: ChatMessage) -> JSONValue {
        .object(dropping: [
            ("role", .string(message.role.rawValue)),
            ("content", .string(message.content)),
            (
                "tool_calls",
                message.toolCalls.isEmpty ? nil : .array(message.toolCalls.map(Self.call))
            ),
            ("tool_call_id", message.toolResult.map { .string($0.callID) }),
            ("tool_name", message.toolResult.map { .string($0.name) }),
            ("is_error", message.toolResult.flatMap { $0.isError ? .bool(true) : nil }),
        ])
    }

    static func call(_ call: ToolCall) -> JSONValue {
        .object(dropping: [
            ("id", .string(call.id)), ("name", .string(call.name)), ("arguments", .string(call.arguments)),
            ("signature", call.signature.map(JSONValue.string)),
        ])
    }

    /// The request as lines a person reads in a diff: the settings, then each message under its role.
    var readableLines: [String] {
        var lines: [String] = []
        let settings = ["provider", "model", "temperature", "top_p", "max_tokens", "tool_choice"].compactMap { key in
            json[key].map { "\(key): \($0.stringValue ?? $0.serialized())" }
        }
        lines += settings
        if let schema = json["response_schema"] { lines.append("response_schema: \(schema.serialized())") }
        for tool in json["tools"]?.arrayValue ?? [] {
            lines.append("tool \(tool["name"]?.stringValue ?? ""): \(tool["description"]?.stringValue ?? "")")
        }
        for message in json["messages"]?.arrayValue ?? [] {
            var heading = "[\(message["role"]?.stringValue ?? "")]"
            if let id = message["tool_call_id"]?.stringValue { heading += " result of \(id)" }
            lines.append(heading)
            lines += (message["content"]?.stringValue ?? "").split(separator: "\n", omittingEmptySubsequences: false)
                .map(String.init)
            for call in message["tool_calls"]?.arrayValue ?? [] {
                lines.append(
                    "call \(call["id"]?.stringValue ?? ""): \(call["name"]?.stringValue ?? "")"
                        + "(\(call["arguments"]?.stringValue ?? ""))")
            }
        }
        return lines
    }
}
