import CrewCore

/// A tool call the test server sends (`Behavior.toolCalls`).
public struct ScriptedToolCall: Sendable, Hashable {
    /// The call's id; nil lets the server make one up (OpenAI `call_R_N`, Anthropic `toolu_R_N`, for request R
    /// and call N from 1) or, for Gemini, send none, as Gemini often does.
    public var id: String?
    public var name: String
    /// The arguments as raw text, sent unchanged where the format allows it, so a test can send broken JSON.
    public var arguments: String
    /// Gemini only: a `thoughtSignature` on the call's part, which the client must send back with the call.
    public var signature: String?
    /// Streams (OpenAI, Anthropic): send the arguments in fragments of this many characters instead of three, e.g.
    /// megabytes in many small deltas, as a model writing a long argument does.
    public var fragmentSize: Int?

    public init(
        id: String? = nil, name: String, arguments: String, signature: String? = nil, fragmentSize: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.arguments = arguments
        self.signature = signature
        self.fragmentSize = fragmentSize
    }

    /// The id to send for call `number` (from 0) of request `request`.
    func id(prefix: String, request: RecordedRequest, number: Int) -> String {
        id ?? "\(prefix)_\(request.index)_\(number + 1)"
    }

    /// The arguments as a JSON object for formats that carry one (Anthropic, Gemini): `{}` when they are not one.
    var argumentsObject: JSONValue {
        guard let value = try? JSONParser.parse(arguments), value.objectValue != nil else { return .object([:]) }
        return value
    }

    /// Fragments that concatenate to the arguments, so a stream can be cut inside them: up to three, or pieces of
    /// `fragmentSize` characters.
    var fragments: [String] {
        if let fragmentSize { return Answer.fragments(arguments, size: max(1, fragmentSize)) }
        let characters = Array(arguments)
        guard !characters.isEmpty else { return [] }
        let size = max(1, (characters.count + 2) / 3)
        return stride(from: 0, to: characters.count, by: size).map {
            String(characters[$0..<min($0 + size, characters.count)])
        }
    }
}

/// One tool result found in a recorded request, whatever the provider's format.
public struct RecordedToolResult: Sendable, Hashable {
    /// OpenAI `tool_call_id`, Anthropic `tool_use_id`, Gemini `functionResponse.id` (nil when absent).
    public var callID: String?
    /// Gemini `functionResponse.name`; nil for the others, whose results name no tool.
    public var name: String?
    /// The result text. Gemini: `response.result` or `response.error`, JSON text when it is not a string.
    public var content: String
    /// Anthropic `is_error`; Gemini an `error` response; OpenAI, which has no flag, content starting `Error: `.
    public var isError: Bool

    public init(callID: String?, name: String?, content: String, isError: Bool) {
        self.callID = callID
        self.name = name
        self.content = content
        self.isError = isError
    }
}

extension RecordedRequest {
    /// The names of the tools the request offers, in its order (Anthropic's includes `output` when it asks for
    /// structured output).
    public var offeredTools: [String] {
        let tools = json?["tools"]?.arrayValue ?? []
        switch provider {
        case .anthropic: return tools.compactMap { $0["name"]?.stringValue }
        case .gemini:
            return tools.flatMap { $0["functionDeclarations"]?.arrayValue ?? [] }.compactMap { $0["name"]?.stringValue }
        default: return tools.compactMap { $0["function"]?["name"]?.stringValue }
        }
    }

    /// The tool calls of the assistant turns in the history, in order. Anthropic and Gemini arguments are the
    /// serialized input object; Gemini calls keep their `thoughtSignature`.
    public var historyToolCalls: [ScriptedToolCall] {
        switch provider {
        case .anthropic:
            return turns(role: "assistant", in: "messages", parts: "content").filter {
                $0["type"]?.stringValue == "tool_use"
            }.map {
                ScriptedToolCall(
                    id: $0["id"]?.stringValue, name: $0["name"]?.stringValue ?? "",
                    arguments: ($0["input"] ?? .null).serialized())
            }
        case .gemini:
            return turns(role: "model", in: "contents", parts: "parts").compactMap { part in
                part["functionCall"].map {
                    ScriptedToolCall(
                        id: $0["id"]?.stringValue, name: $0["name"]?.stringValue ?? "",
                        arguments: ($0["args"] ?? .null).serialized(), signature: part["thoughtSignature"]?.stringValue)
                }
            }
        default:
            return turns(role: "assistant", in: "messages", parts: "tool_calls").map {
                ScriptedToolCall(
                    id: $0["id"]?.stringValue, name: $0["function"]?["name"]?.stringValue ?? "",
                    arguments: $0["function"]?["arguments"]?.stringValue ?? "")
            }
        }
    }

    /// Every tool result the request sends back, in order.
    public var toolResults: [RecordedToolResult] {
        switch provider {
        case .anthropic:
            return turns(role: "user", in: "messages", parts: "content").filter {
                $0["type"]?.stringValue == "tool_result"
            }.map {
                RecordedToolResult(
                    callID: $0["tool_use_id"]?.stringValue, name: nil, content: RequestText.text(of: $0["content"]),
                    isError: $0["is_error"]?.boolValue ?? false)
            }
        case .gemini:
            return turns(role: "user", in: "contents", parts: "parts").compactMap { part in
                part["functionResponse"].map(Self.geminiResult)
            }
        default:
            return (json?["messages"]?.arrayValue ?? []).filter { $0["role"]?.stringValue == "tool" }.map {
                let content = RequestText.text(of: $0["content"])
                return RecordedToolResult(
                    callID: $0["tool_call_id"]?.stringValue, name: nil, content: content,
                    isError: content.hasPrefix("Error: "))
            }
        }
    }

    private static func geminiResult(_ response: JSONValue) -> RecordedToolResult {
        let error = response["response"]?["error"]
        let value = error ?? response["response"]?["result"] ?? response["response"] ?? .null
        return RecordedToolResult(
            callID: response["id"]?.stringValue, name: response["name"]?.stringValue,
            content: value.stringValue ?? value.serialized(), isError: error != nil)
    }

    /// The elements of `parts` (an array) of the turns in `list` whose role is `role` (Gemini's user turns may
    /// omit the role).
    private func turns(role: String, in list: String, parts: String) -> [JSONValue] {
        (json?[list]?.arrayValue ?? []).filter { ($0["role"]?.stringValue ?? "user") == role }.flatMap {
            $0[parts]?.arrayValue ?? []
        }
    }
}
