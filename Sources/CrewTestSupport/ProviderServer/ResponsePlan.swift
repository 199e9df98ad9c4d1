import CrewCore

/// The answer's content before it is put into a provider's format.
enum Answer {
    case text(String)
    case json(JSONValue)
    case toolCalls([ScriptedToolCall], text: String)

    /// The full text: the reply text, or the JSON serialised compactly. Tool calls: the text and every call's
    /// arguments, for counting words.
    var text: String {
        switch self {
        case .text(let text): text
        case .json(let value): value.serialized()
        case .toolCalls(let calls, let text): ([text] + calls.map(\.arguments)).joined(separator: " ")
        }
    }

    /// The pieces a stream sends; they concatenate to `text`. Prose splits by words, JSON in fixed-size fragments
    /// (it has no spaces to split on). Tool calls: the text's words (the calls are streamed by each format).
    var pieces: [String] {
        switch self {
        case .text(let text), .toolCalls(_, let text): Answer.words(text)
        case .json: Answer.fragments(text, size: 16)
        }
    }

    /// Word-ish pieces: each starts with the whitespace before its word, so `"a b"` gives `["a", " b"]`.
    static func words(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var sawWord = false
        for character in text {
            if character.isWhitespace && sawWord {
                pieces.append(current)
                current = ""
                sawWord = false
            }
            current.append(character)
            if !character.isWhitespace { sawWord = true }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    static func fragments(_ text: String, size: Int) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return pieces
    }

    static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).count
    }
}

/// Token counts reported in the answer's usage fields.
struct Usage {
    var input: Int
    var output: Int
    var total: Int { input + output }
}

/// One server-sent event of a planned stream.
struct PlannedEvent {
    /// Where the event sits: `cutStream` keeps the opening events and some content, never the finish.
    enum Kind {
        case opening
        case content
        case finish
    }

    var name: String?
    var data: String
    var kind: Kind
}

/// A complete answer, independent of the network faults that may be applied to it.
struct ResponsePlan {
    enum Payload {
        case whole([UInt8])
        case events([PlannedEvent])
    }

    var status: Int
    var headers: [(String, String)]
    var payload: Payload
    /// Gemini ends SSE lines with CRLF; OpenAI and Anthropic with LF.
    var lineEnd = "\n"

    static func json(_ value: JSONValue, status: Int = 200, contentType: String = "application/json") -> ResponsePlan {
        ResponsePlan(
            status: status, headers: [("Content-Type", contentType)], payload: .whole(Array(value.serialized().utf8)))
    }

    static func stream(_ events: [PlannedEvent], contentType: String, lineEnd: String = "\n") -> ResponsePlan {
        let headers = [("Content-Type", contentType), ("Cache-Control", "no-cache")]
        return ResponsePlan(status: 200, headers: headers, payload: .events(events), lineEnd: lineEnd)
    }

    /// The same answer with its JSON broken: the body, or the first content event's data, cut in half.
    func malformed() -> ResponsePlan {
        var copy = self
        switch payload {
        case .whole(let body):
            copy.payload = .whole(Array(body.prefix(max(1, body.count / 2))))
        case .events(var events):
            guard let target = events.firstIndex(where: { $0.kind == .content }) ?? events.indices.first else {
                return copy
            }
            events[target].data = String(events[target].data.prefix(max(1, events[target].data.count / 2)))
            copy.payload = .events(events)
        }
        return copy
    }

    /// The bytes to send, one element per write.
    func delivery() -> Delivery {
        switch payload {
        case .whole(let body):
            return Delivery(status: status, headers: headers + [("Content-Length", "\(body.count)")], parts: [body])
        case .events(let events):
            return Delivery(status: status, headers: headers, parts: events.map(encode), streaming: true)
        }
    }

    /// The bytes to send before the connection is dropped mid-answer.
    func cut(afterChunks limit: Int) -> Delivery {
        var delivery = delivery()
        delivery.complete = false
        switch payload {
        case .whole(let body):
            delivery.parts = [Array(body.prefix(body.count / 2))]
        case .events(let events):
            var kept: [PlannedEvent] = []
            var contents = 0
            for event in events {
                if event.kind == .finish || (event.kind == .content && contents == limit) { break }
                if event.kind == .content { contents += 1 }
                kept.append(event)
            }
            delivery.parts = kept.map(encode)
        }
        return delivery
    }

    /// The start of an answer without end, and the bytes to repeat after it: the opening events then the content
    /// events (a whole body: nothing, then the body), in a chunked body with no length and no end.
    func endless() -> (start: Delivery, repeating: [UInt8]) {
        let start = Delivery(status: status, headers: headers, parts: [], streaming: true, complete: false)
        switch payload {
        case .whole(let body):
            return (start, body)
        case .events(let events):
            var opening = start
            opening.parts = events.filter { $0.kind == .opening }.map(encode)
            return (opening, events.filter { $0.kind == .content }.flatMap(encode))
        }
    }

    /// The same delivery, one byte per write.
    func bytewise() -> Delivery {
        var delivery = delivery()
        delivery.parts = delivery.parts.joined().map { [$0] }
        return delivery
    }

    private func encode(_ event: PlannedEvent) -> [UInt8] {
        let name = event.name.map { "event: \($0)\(lineEnd)" } ?? ""
        return Array((name + "data: \(event.data)\(lineEnd)\(lineEnd)").utf8)
    }
}

/// What the connection handler writes: a head, body parts each written and flushed on their own, and whether the
/// response ends properly or the connection is dropped after the parts.
struct Delivery {
    var status: Int
    var headers: [(String, String)]
    var parts: [[UInt8]]
    /// Streams use chunked transfer encoding.
    var streaming = false
    /// False: close the connection after the parts, without ending the response.
    var complete = true
}
