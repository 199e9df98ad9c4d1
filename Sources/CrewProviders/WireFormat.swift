import CrewCore

/// One server-sent event. Its data is kept as the bytes that arrived: a wire format parses them as JSON, so a
/// string made of them for every streamed piece would only be taken apart again.
public struct SSEEvent: Sendable, Hashable {
    public var event: String?
    public var dataBytes: [UInt8]
    public var id: String?

    public var data: String {
        get { String(decoding: dataBytes, as: UTF8.self) }
        set { dataBytes = Array(newValue.utf8) }
    }

    public init(event: String? = nil, data: String, id: String? = nil) {
        self.init(event: event, dataBytes: Array(data.utf8), id: id)
    }

    public init(event: String? = nil, dataBytes: [UInt8], id: String? = nil) {
        self.event = event
        self.dataBytes = dataBytes
        self.id = id
    }

    /// Events are equal when their text is: invalid UTF-8 reads as U+FFFD, as it would in a browser.
    public static func == (lhs: SSEEvent, rhs: SSEEvent) -> Bool {
        lhs.event == rhs.event && lhs.id == rhs.id && lhs.data == rhs.data
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(event)
        hasher.combine(data)
        hasher.combine(id)
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
