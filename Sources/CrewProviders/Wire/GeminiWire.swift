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

    func body(_ chat: ChatRequest) -> JSONValue {
        let system = chat.messages.filter { $0.role == .system }.map { JSONValue.object(["text": .string($0.content)]) }
        let contents = chat.messages.filter { $0.role != .system }.map { message -> JSONValue in
            .object([
                "role": .string(message.role == .assistant ? "model" : "user"),
                "parts": .array([.object(["text": .string(message.content)])]),
            ])
        }
        let config = Self.generationConfig(chat)
        return .object(dropping: [
            ("contents", .array(contents)),
            ("systemInstruction", system.isEmpty ? nil : .object(["parts": .array(system)])),
            ("generationConfig", config.objectValue?.isEmpty == false ? config : nil),
        ])
    }

    static func generationConfig(_ chat: ChatRequest) -> JSONValue {
        .object(dropping: [
            ("temperature", chat.temperature.map(JSONValue.double)),
            ("topP", chat.topP.map(JSONValue.double)),
            ("maxOutputTokens", chat.maxTokens.map(JSONValue.int)),
            ("responseMimeType", chat.responseSchema.map { _ in .string("application/json") }),
            ("responseSchema", chat.responseSchema.map(GeminiSchema.convert)),
        ])
    }

    public func parseResponse(_ body: [UInt8]) throws(ProviderError) -> ChatResponse {
        let json = try WireSupport.object(body, "the response")
        try Self.throwIfError(json)
        guard let candidate = try Self.candidates(json).first else {
            throw .malformed("the response has no candidates")
        }
        return ChatResponse(
            text: try Self.text(candidate),
            usage: try Self.usage(json["usageMetadata"]),
            finishReason: try WireSupport.string(candidate["finishReason"], "candidates[0].finishReason"))
    }

    /// A chunk yields its text, its finish reason, then its usage (cumulative: the last one is the total). The
    /// chunk with a finish reason is the last.
    public func parseStreamEvent(_ event: SSEEvent) throws(ProviderError) -> StreamStep {
        let json = try WireSupport.object(Array(event.data.utf8), "a stream chunk")
        try Self.throwIfError(json)
        let candidate = try Self.candidates(json).first
        let usage = try Self.usage(json["usageMetadata"])
        guard candidate != nil || usage != nil else { throw .malformed("a stream chunk has no candidates") }
        var events: [StreamEvent] = []
        var reason: String?
        if let candidate {
            let text = try Self.text(candidate)
            if !text.isEmpty { events.append(.delta(text)) }
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
        guard let content = candidate["content"], content != .null else { return "" }
        guard let partsValue = content["parts"], partsValue != .null else { return "" }
        guard let parts = partsValue.arrayValue else { throw .malformed("`content.parts` is not an array") }
        var text = ""
        for part in parts where part["thought"]?.boolValue != true {
            text += try WireSupport.string(part["text"], "content.parts[].text") ?? ""
        }
        return text
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
