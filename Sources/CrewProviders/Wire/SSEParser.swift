/// An incremental Server-Sent Events parser following the WHATWG "event stream interpretation" rules, so that a
/// provider's stream is read the same way a browser would read it, whatever the chunk boundaries.
///
/// - Lines end with LF, CRLF or CR; a chunk may end anywhere, even between the CR and LF of one line ending or
///   inside a multi-byte UTF-8 character (lines are kept as bytes and decoded once complete).
/// - A leading byte order mark is skipped; lines starting with `:` are comments; one space after the field's colon
///   is removed; `data` lines are joined with "\n"; a blank line dispatches the event; an event without `data` is
///   not dispatched.
/// - `event` is nil when the event named no type (WHATWG's default type, `message`). `id` is the stream's last event
///   ID, which persists across events until another `id` field changes it; nil while it is empty.
/// - At the end of the stream the pending event, if any, is discarded: a stream cut mid-event yields no half event.
/// - Memory is bounded: a line, or the data of one event, longer than `maxBytes` makes `feed` throw
///   `ProviderError.malformed`; the parser is then reset, and the stream should be abandoned.
public struct SSEParser: Sendable {
    /// The longest line, and the most data one event may carry: 8 MiB.
    public static let maxBytes = 8 << 20

    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var eventType: [UInt8] = []
    private var lastEventID = ""
    private var afterCR = false
    private var atStart = true

    public init() {}

    /// Consumes the next chunk of the stream and returns the events it completed, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(ProviderError) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            try consume(byte, into: &events)
        }
        return events
    }

    /// Ends the stream. A trailing event without its blank line is incomplete, so it is discarded, never returned
    /// (WHATWG). The parser is reset and may read a new stream.
    public mutating func finish() -> [SSEEvent] {
        self = SSEParser()
        return []
    }

    private mutating func consume(_ byte: UInt8, into events: inout [SSEEvent]) throws(ProviderError) {
        if afterCR {
            afterCR = false
            if byte == Self.lf { return }
        }
        switch byte {
        case Self.cr:
            afterCR = true
            try endLine(into: &events)
        case Self.lf:
            try endLine(into: &events)
        default:
            guard line.count < Self.maxBytes else {
                self = SSEParser()
                throw .malformed("a server-sent event line is longer than \(Self.maxBytes >> 20) MiB")
            }
            line.append(byte)
        }
    }

    private mutating func endLine(into events: inout [SSEEvent]) throws(ProviderError) {
        var start = 0
        if atStart {
            atStart = false
            if line.starts(with: Self.byteOrderMark) { start = Self.byteOrderMark.count }
        }
        let text = line[start...]
        defer { line.removeAll(keepingCapacity: true) }
        if text.isEmpty {
            if let event = dispatch() { events.append(event) }
        } else if text.first != Self.colon {
            try process(text)
        }
    }

    /// Applies one `field: value` line (or a bare `field` line, whose value is empty).
    private mutating func process(_ text: ArraySlice<UInt8>) throws(ProviderError) {
        var field = text
        var value: ArraySlice<UInt8> = []
        if let colon = text.firstIndex(of: Self.colon) {
            field = text[..<colon]
            value = text[(colon + 1)...]
            if value.first == Self.space { value = value.dropFirst() }
        }
        switch String(decoding: field, as: UTF8.self) {
        case "event": eventType = Array(value)
        case "data": try appendData(value)
        case "id" where !value.contains(0): lastEventID = String(decoding: value, as: UTF8.self)
        default: break  // `retry` and unknown fields are ignored
        }
    }

    private mutating func appendData(_ value: ArraySlice<UInt8>) throws(ProviderError) {
        guard data.count + value.count < Self.maxBytes else {
            self = SSEParser()
            throw .malformed("a server-sent event carries more than \(Self.maxBytes >> 20) MiB of data")
        }
        data += value
        data.append(Self.lf)
    }

    /// The event the buffers describe, if it has data; the buffers (but not the last event ID) are then cleared.
    private mutating func dispatch() -> SSEEvent? {
        defer {
            data.removeAll(keepingCapacity: true)
            eventType.removeAll()
        }
        guard !data.isEmpty else { return nil }
        return SSEEvent(
            event: eventType.isEmpty ? nil : String(decoding: eventType, as: UTF8.self),
            data: String(decoding: data.dropLast(), as: UTF8.self),
            id: lastEventID.isEmpty ? nil : lastEventID
        )
    }

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")
    private static let colon = UInt8(ascii: ":")
    private static let space = UInt8(ascii: " ")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
}
