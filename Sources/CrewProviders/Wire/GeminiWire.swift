import CrewCore

/// Google's Gemini API (`generateContent`). The key goes in the `x-goog-api-key` header, never in `?key=`, so that
/// URLs can be logged. Streaming uses `alt=sse`: each event is a whole response chunk.
public struct GeminiWire: WireFormat {
    public init() {}

    public func request(_ chat: ChatRequest, endpoint: Endpoint) -> HTTPRequestSpec {
        var headers: [(name: String, value: String)] = []
        if let key = WireSupport.key(endpoint) { headers.append(("x-goog-api-key", key)) }
        headers.append(("Content-Type", "application/json"))
        let method = chat.stream ? ":streamGenerateContent?alt=sse" : ":generateContent"
        let path = "/v1beta/models/" + Self.modelPath(chat.model) + method
        return HTTPRequestSpec(
            method: "POST", url: WireSupport.url(endpoint.baseURL, path), headers: headers,
            body: WireSupport.encode(body(chat)))
    }

    /// The model's name as a path segment: a `models/` prefix (as the API lists names) is dropped, and anything
    /// but unreserved characters is percent-encoded, so a name cannot alter the URL.
    static func modelPath(_ model: String) -> String {
        let name = model.hasPrefix("models/") ? model.dropFirst("models/".count) : Substring(model)
        var out = ""
        for byte in name.utf8 {
            if byte < 0x80, Self.unreserved.contains(Character(Unicode.Scalar(byte))) {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Gemini refuses function declarations together with `responseMimeType: application/json` ("Function calling
    /// with a response mime type: 'application/json' is unsupported", Gemini 2.5; 3 relaxes it but 2.5 is still
    /// served), so a request with both keeps only one:
    /// - `toolChoice: .none` (the agent's last turn, which wants the JSON answer): the schema. Tools and
    ///   `toolConfig` are left out, and the tool history is written as plain text parts, because function parts
    ///   in a request that declares no functions are not something the API promises to accept.
    /// - `toolChoice: .auto`: the tools. The answer is then not constrained; the agent's last `.none` turn is.
    func body(_ chat: ChatRequest) -> JSONValue {
        let functions = Self.sendsFunctions(chat)
        let system = chat.messages.filter { $0.role == .system }.map { JSONValue.object(["text": .string($0.content)]) }
        let config = Self.generationConfig(chat, schema: functions ? nil : chat.responseSchema)
        return .object(dropping: [
            ("contents", .array(Self.contents(chat.messages.filter { $0.role != .system }, functions: functions))),
            ("systemInstruction", system.isEmpty ? nil : .object(["parts": .array(system)])),
            ("generationConfig", config.objectValue?.isEmpty == false ? config : nil),
            (
                "tools",
                functions ? .array([.object(["functionDeclarations": .array(chat.tools.map(Self.declaration))])]) : nil
            ),
            ("toolConfig", functions ? Self.toolConfig(chat.toolChoice) : nil),
        ])
    }

    static func toolConfig(_ choice: ToolChoice) -> JSONValue {
        .object(["functionCallingConfig": .object(["mode": .string(choice.rawValue.uppercased())])])
    }

    /// Whether the request declares its tools (see `body` for when a schema wins).
    static func sendsFunctions(_ chat: ChatRequest) -> Bool {
        !chat.tools.isEmpty && !(chat.responseSchema != nil && chat.toolChoice == .none)
    }

    static func generationConfig(_ chat: ChatRequest, schema: JSONValue?) -> JSONValue {
        .object(dropping: [
            ("temperature", chat.temperature.map(JSONValue.double)),
            ("topP", chat.topP.map(JSONValue.double)),
            ("maxOutputTokens", chat.maxTokens.map(JSONValue.int)),
            ("responseMimeType", schema.map { _ in .string("application/json") }),
            ("responseSchema", schema.map(GeminiSchema.convert)),
        ])
    }

    /// An object schema without properties is left out: Gemini rejects `properties` that is empty for an object.
    static func declaration(_ tool: ToolDefinition) -> JSONValue {
        let parameters = GeminiSchema.convert(tool.inputSchema)
        let hasProperties = parameters["properties"]?.objectValue?.isEmpty == false
        return .object(dropping: [
            ("name", .string(tool.name)), ("description", .string(tool.description)),
            ("parameters", hasProperties || parameters["type"]?.stringValue != "object" ? parameters : nil),
        ])
    }

    /// The turns; consecutive `tool` messages become one user turn. With `functions` false, calls and results are
    /// written as text.
    static func contents(_ messages: [ChatMessage], functions: Bool) -> [JSONValue] {
        var contents: [JSONValue] = []
        var results: [JSONValue] = []
        for message in messages {
            if message.role == .tool {
                results.append(functions ? functionResponse(message) : .object(["text": .string(resultText(message))]))
                continue
            }
            if !results.isEmpty {
                contents.append(content("user", results))
                results = []
            }
            contents.append(
                content(message.role == .assistant ? "model" : "user", parts(message, functions: functions)))
        }
        if !results.isEmpty { contents.append(content("user", results)) }
        return contents
    }

    static func content(_ role: String, _ parts: [JSONValue]) -> JSONValue {
        .object(["role": .string(role), "parts": .array(parts)])
    }

    static func parts(_ message: ChatMessage, functions: Bool) -> [JSONValue] {
        guard !message.toolCalls.isEmpty else { return [.object(["text": .string(message.content)])] }
        let text = message.content.isEmpty ? [] : [JSONValue.object(["text": .string(message.content)])]
        guard functions else {
            let calls = message.toolCalls.map { "[called tool `\($0.name)` with arguments: \($0.arguments)]" }
            return text + [.object(["text": .string(calls.joined(separator: "\n"))])]
        }
        return text + message.toolCalls.map(functionCall)
    }

    /// `args` must be an object: arguments that are not one are sent as `{}`. The call's thought signature goes
    /// back on its part, as Gemini 3 requires.
    static func functionCall(_ call: ToolCall) -> JSONValue {
        let parsed = try? JSONParser.parse(call.arguments)
        let args = parsed?.objectValue != nil ? parsed ?? .object([:]) : .object([:])
        let function: JSONValue = .object(dropping: [
            ("name", .string(call.name)), ("args", args), ("id", providerID(call.id).map(JSONValue.string)),
        ])
        return .object(dropping: [
            ("functionCall", function), ("thoughtSignature", call.signature.map(JSONValue.string)),
        ])
    }

    static func functionResponse(_ message: ChatMessage) -> JSONValue {
        let info = message.toolResult
        let key = info?.isError == true ? "error" : "result"
        let response: JSONValue = .object(dropping: [
            ("name", .string(info?.name ?? "")), ("id", info.flatMap { providerID($0.callID) }.map(JSONValue.string)),
            ("response", .object([key: .string(message.content)])),
        ])
        return .object(["functionResponse": response])
    }

    static func resultText(_ message: ChatMessage) -> String {
        let name = message.toolResult?.name ?? "tool"
        let kind = message.toolResult?.isError == true ? "error from" : "result of"
        return "[\(kind) tool `\(name)`]: \(message.content)"
    }

    /// A call id Gemini gave, or nil for the `call_N` placeholder the client assigns when it gave none: the
    /// placeholder is not sent back, as Gemini matches results to calls by name and order then.
    static func providerID(_ id: String) -> String? {
        guard !id.isEmpty else { return nil }
        let number = id.dropFirst("call_".count)
        let placeholder = id.hasPrefix("call_") && !number.isEmpty && number.allSatisfy { $0.isASCII && $0.isNumber }
        return placeholder ? nil : id
    }

    public func parseResponse(_ body: [UInt8]) throws(ProviderError) -> ChatResponse {
        let json = try WireSupport.object(body, "the response")
        try Self.throwIfError(json)
        guard let candidate = try Self.candidates(json).first else {
            throw .malformed("the response has no candidates")
        }
        var calls = ToolCallAssembler()
        for call in try Self.calls(candidate) { calls.add(call) }
        return ChatResponse(
            text: try Self.text(candidate),
            usage: try Self.usage(json["usageMetadata"]),
            finishReason: try WireSupport.string(candidate["finishReason"], "candidates[0].finishReason"),
            toolCalls: calls.finish())
    }

    /// A chunk yields its text, its finish reason, then its usage (cumulative: the last one is the total). The
    /// chunk with a finish reason is the last.
    public func parseStreamEvent(_ event: SSEEvent) throws(ProviderError) -> StreamStep {
        let json = try WireSupport.object(event.dataBytes, "a stream chunk")
        try Self.throwIfError(json)
        let candidate = try Self.candidates(json).first
        let usage = try Self.usage(json["usageMetadata"])
        guard candidate != nil || usage != nil else { throw .malformed("a stream chunk has no candidates") }
        var events: [StreamEvent] = []
        var reason: String?
        if let candidate {
            let text = try Self.text(candidate)
            if !text.isEmpty { events.append(.delta(text)) }
            events += try Self.calls(candidate).map(StreamEvent.toolCall)
            reason = try WireSupport.string(candidate["finishReason"], "candidates[0].finishReason")
            if let reason { events.append(.finish(reason)) }
        }
        if let usage { events.append(.usage(usage)) }
        return StreamStep(events: events, done: reason != nil)
    }

    public func errorMessage(_ body: [UInt8]) -> String? {
        WireSupport.errorMessage(body)
    }

    /// An error object in a 200 answer, or a prompt blocked before any candidate (not retried: the same prompt
    /// would be blocked again).
    static func throwIfError(_ json: JSONValue) throws(ProviderError) {
        if let error = json["error"], error != .null {
            let code = error["code"]?.intValue ?? 0
            let message = error["message"]?.stringValue ?? error["status"]?.stringValue ?? "unknown error"
            throw .http(status: (400...599).contains(code) ? code : 500, message: message, retryAfter: nil)
        }
        let candidates = json["candidates"]?.arrayValue ?? []
        if candidates.isEmpty, let reason = json["promptFeedback"]?["blockReason"]?.stringValue {
            throw .http(status: 400, message: "blocked: \(reason)", retryAfter: nil)
        }
    }

    static func candidates(_ json: JSONValue) throws(ProviderError) -> [JSONValue] {
        guard let candidates = json["candidates"], candidates != .null else { return [] }
        guard let items = candidates.arrayValue else { throw .malformed("`candidates` is not an array") }
        return items
    }

    /// The text parts, concatenated. Thought summaries (`thought: true`) are not answer text; a candidate stopped
    /// for safety may have no content at all.
    static func text(_ candidate: JSONValue) throws(ProviderError) -> String {
        var text = ""
        for part in try parts(candidate) where part["thought"]?.boolValue != true {
            text += try WireSupport.string(part["text"], "content.parts[].text") ?? ""
        }
        return text
    }

    static func parts(_ candidate: JSONValue) throws(ProviderError) -> [JSONValue] {
        guard let content = candidate["content"], content != .null else { return [] }
        guard let partsValue = content["parts"], partsValue != .null else { return [] }
        guard let parts = partsValue.arrayValue else { throw .malformed("`content.parts` is not an array") }
        return parts
    }

    /// The `functionCall` parts, whole (Gemini never splits one). `id` is kept when given, else left empty for
    /// the client to number; a thought signature on the part travels with the call.
    static func calls(_ candidate: JSONValue) throws(ProviderError) -> [ToolCall] {
        var calls: [ToolCall] = []
        for part in try parts(candidate) {
            guard let function = part["functionCall"], function != .null else { continue }
            guard let name = function["name"]?.stringValue else { throw .malformed("a functionCall has no name") }
            let args = function["args"].flatMap { $0 == .null ? nil : $0 } ?? .object([:])
            calls.append(
                ToolCall(
                    id: try WireSupport.string(function["id"], "functionCall.id") ?? "", name: name,
                    arguments: args.serialized(),
                    signature: try WireSupport.string(part["thoughtSignature"], "parts[].thoughtSignature")))
        }
        return calls
    }

    /// Output counts the candidates' tokens plus the thinking tokens, which are billed as output: OpenAI's
    /// `completion_tokens` and Anthropic's `output_tokens` count reasoning too, so the three agree.
    static func usage(_ value: JSONValue?) throws(ProviderError) -> TokenUsage? {
        guard let value, value != .null else { return nil }
        guard value.objectValue != nil else { throw .malformed("`usageMetadata` is not an object") }
        let input = try WireSupport.int(value["promptTokenCount"], "usageMetadata.promptTokenCount")
        let output = try WireSupport.int(value["candidatesTokenCount"], "usageMetadata.candidatesTokenCount")
        let thoughts = try WireSupport.int(value["thoughtsTokenCount"], "usageMetadata.thoughtsTokenCount")
        return TokenUsage(input: input ?? 0, output: (output ?? 0) + (thoughts ?? 0))
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

/// Gemini's `responseSchema` is an OpenAPI 3.0 subset that rejects the JSON Schema keywords it does not know
/// (`$schema`, `additionalProperties`, `$defs`, `title`, ...). This keeps only the keywords it accepts, inlines local
/// `$ref`s (their `$defs` are dropped), and writes `type: [T, "null"]` as `type: T, nullable: true`. A reference
/// back into itself (a recursive schema, which Gemini cannot express) becomes `{}`.
enum GeminiSchema {
    static let kept: Set<String> = [
        "type", "properties", "required", "items", "enum", "description", "format", "nullable", "minimum", "maximum",
        "minItems", "maxItems", "anyOf", "propertyOrdering",
    ]
    static let maxDepth = 64

    static func convert(_ schema: JSONValue) -> JSONValue {
        convert(schema, root: schema, expanding: [], depth: 0)
    }

    static func convert(_ schema: JSONValue, root: JSONValue, expanding: Set<String>, depth: Int) -> JSONValue {
        guard depth < maxDepth, var members = schema.objectValue else { return .object([:]) }
        if let ref = members.removeValue(forKey: "$ref")?.stringValue {
            guard !expanding.contains(ref) else { return .object([:]) }
            if let target = resolve(ref, in: root)?.objectValue {
                let merged = target.merging(members) { _, sibling in sibling }
                return convert(.object(merged), root: root, expanding: expanding.union([ref]), depth: depth + 1)
            }
        }
        var out: [String: JSONValue] = [:]
        for (key, value) in members where kept.contains(key) {
            switch key {
            case "properties":
                out[key] = .object(
                    (value.objectValue ?? [:]).mapValues {
                        convert($0, root: root, expanding: expanding, depth: depth + 1)
                    })
            case "items": out[key] = convert(value, root: root, expanding: expanding, depth: depth + 1)
            case "anyOf":
                out[key] = .array(
                    (value.arrayValue ?? []).map { convert($0, root: root, expanding: expanding, depth: depth + 1) })
            default: out[key] = value
            }
        }
        normalizeType(members["type"], into: &out)
        return .object(out)
    }

    /// `type: ["string", "null"]` (JSON Schema) is `type: "string", nullable: true` (OpenAPI); several non-null
    /// types become an `anyOf`.
    static func normalizeType(_ type: JSONValue?, into out: inout [String: JSONValue]) {
        guard let types = type?.arrayValue?.compactMap(\.stringValue) else { return }
        let concrete = types.filter { $0 != "null" }
        out["type"] = nil
        if concrete.count < types.count { out["nullable"] = .bool(true) }
        if concrete.count == 1 {
            out["type"] = .string(concrete[0])
        } else if concrete.count > 1, out["anyOf"] == nil {
            out["anyOf"] = .array(concrete.map { .object(["type": .string($0)]) })
        }
    }

    /// A local JSON pointer (`#/$defs/Name`, `#/definitions/Name`, `#`) in the root schema.
    static func resolve(_ ref: String, in root: JSONValue) -> JSONValue? {
        guard ref.hasPrefix("#") else { return nil }
        var node = root
        for token in ref.dropFirst().split(separator: "/") {
            let key = String(token).replacing("~1", with: "/").replacing("~0", with: "~")
            guard let next = node[key] else { return nil }
            node = next
        }
        return node
    }
}
