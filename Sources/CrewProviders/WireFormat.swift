import CrewCore

/// One server-sent event.
public struct SSEEvent: Sendable, Hashable {
    public var event: String?
    public var data: String
    public var id: String?

    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// What a stream parser learned from one event.
public struct StreamStep: Sendable, Hashable {
    public var events: [StreamEvent]
    /// True when the provider marked the end of the answer (`[DONE]`, `message_stop`, a final finish reason).
    public var done: Bool

    public init(events: [StreamEvent], done: Bool) {
        self.events = events
        self.done = done
    }
}

/// A provider's request and response formats, as pure functions: no I/O, so each is tested on bytes.
public protocol WireFormat: Sendable {
    /// The HTTP request for `chat`. Keys go in headers, never in the URL.
    func request(_ chat: ChatRequest, endpoint: Endpoint) -> HTTPRequestSpec
    /// Reads a whole (non-streamed) answer.
    func parseResponse(_ body: [UInt8]) throws(ProviderError) -> ChatResponse
    /// Reads one event of a streamed answer.
    func parseStreamEvent(_ event: SSEEvent) throws(ProviderError) -> StreamStep
    /// The provider's error message from an error response body, if it has one.
    func errorMessage(_ body: [UInt8]) -> String?
    /// The tool a structured answer arrives as a call of (Anthropic's `output`), for a wire format that answers so;
    /// nil for the others. The stream reader, which sees the call's name first, turns its pieces into answer text.
    var answerTool: String? { get }
}

extension WireFormat {
    public var answerTool: String? { nil }
}
