import CrewCore

/// One request as the test server received it, with the facts tests usually assert on already extracted, whatever
/// the provider's format.
public struct RecordedRequest: Sendable {
    public var method: String
    /// The request target, query string included.
    public var path: String
    /// Headers in arrival order, names as sent.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The parsed body; nil when it is empty or not JSON.
    public var json: JSONValue?
    public var provider: ProviderKind
    /// OpenAI and Anthropic: the body has `"stream": true`. Gemini: the path has `:streamGenerateContent`.
    public var streaming: Bool
    /// The text of the last user message (text parts joined by newlines). Embeddings: the input text(s).
    public var lastUserText: String
    /// OpenAI `system`/`developer` messages, Anthropic `system`, Gemini `systemInstruction`; nil when absent.
    public var systemText: String?
    /// The model named in the body (OpenAI, Anthropic) or the path (Gemini).
    public var model: String?
    /// Arrival number, from 0.
    public var index: Int
    /// The endpoint, which picks the answer's format.
    var route: Route

    /// Derives every field from the raw request, so scripts can be unit-tested without a server.
    public init(method: String, path: String, headers: [(name: String, value: String)], body: [UInt8], index: Int) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.index = index
        let json = body.isEmpty ? nil : try? JSONParser.parse(body)
        self.json = json
        route = Route(method: method, path: path)
        provider = route.provider
        let facts = RequestText.extract(route: route, json: json)
        lastUserText = facts.lastUser
        systemText = facts.system
        switch route {
        case .gemini(let model, let streaming):
            self.model = model
            self.streaming = streaming
        default:
            model = json?["model"]?.stringValue
            self.streaming = json?["stream"]?.boolValue ?? false
        }
    }

    /// The first value of the header called `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// Pulls the user and system text out of each provider's request format.
enum RequestText {
    static func extract(route: Route, json: JSONValue?) -> (lastUser: String, system: String?) {
        guard let json else { return ("", nil) }
        switch route {
        case .openAIChat, .unknown:
            let messages = json["messages"]?.arrayValue ?? []
            let system = messages.filter { ["system", "developer"].contains($0["role"]?.stringValue) }
            return (lastText(messages, role: "user"), joined(system.map { text(of: $0["content"]) }))
        case .anthropicMessages:
            let messages = json["messages"]?.arrayValue ?? []
            return (lastText(messages, role: "user"), json["system"].map { text(of: $0) })
        case .gemini:
            let contents = json["contents"]?.arrayValue ?? []
            let user = contents.last { ($0["role"]?.stringValue ?? "user") == "user" }
            let instruction = json["systemInstruction"] ?? json["system_instruction"]
            return (text(of: user?["parts"]), instruction.map { text(of: $0["parts"] ?? $0) })
        case .openAIEmbeddings:
            return (text(of: json["input"]), nil)
        }
    }

    private static func lastText(_ messages: [JSONValue], role: String) -> String {
        text(of: messages.last { $0["role"]?.stringValue == role }?["content"])
    }

    /// A string, a part with `text`, or an array of those (OpenAI content parts, Anthropic blocks, Gemini parts).
    static func text(of value: JSONValue?) -> String {
        switch value {
        case .string(let s): s
        case .array(let items): items.map { text(of: $0) }.filter { !$0.isEmpty }.joined(separator: "\n")
        case .object(let members): members["text"]?.stringValue ?? ""
        default: ""
        }
    }

    private static func joined(_ texts: [String]) -> String? {
        texts.isEmpty ? nil : texts.joined(separator: "\n")
    }
}
