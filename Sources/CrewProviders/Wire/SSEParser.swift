import Foundation

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
///   `ProviderError.tooLarge`; the parser is then reset, and the stream should be abandoned. Comment lines count
///   too: a comment that never ends is a line that never ends.
public struct SSEParser: Sendable {
    /// The longest line, and the most data one event may carry (`ProviderLimits.maxEventBytes`).
    public static let maxBytes = ProviderLimits.maxEventBytes

    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var eventType: [UInt8] = []
    private var lastEventID = ""
    private var afterCR = false
    private var atStart = true

    public init() {}

    /// Consumes the next chunk of the stream and returns the events it completed, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(ProviderError) -> [SSEEvent] {
        // Read where the bytes lie (a NIO buffer's storage): copying every part of a stream first cost as much as
        // splitting it into lines.
        var events: [SSEEvent] = []
        var failure: ProviderError?
        let read: Void? = bytes.withContiguousStorageIfAvailable { chunk in
            do throws(ProviderError) { try feed(chunk, into: &events) } catch { failure = error }
        }
        if read == nil {
            try Array(bytes).withUnsafeBufferPointer { (chunk) throws(ProviderError) in try feed(chunk, into: &events) }
        }
        if let failure { throw failure }
        return events
    }

    private mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, into events: inout [SSEEvent])
        throws(ProviderError)
    {
        var position = 0
        while position < chunk.count {
            position = try consume(chunk, from: position, into: &events)
        }
    }

    /// Ends the stream. A trailing event without its blank line is incomplete, so it is discarded, never returned
    /// (WHATWG). The parser is reset and may read a new stream.
    public mutating func finish() -> [SSEEvent] {
        self = SSEParser()
        return []
    }

    /// Takes the bytes from `position` through the next line end (or to the chunk's end), and says where it
    /// stopped. A line that lies whole in the chunk is read where it lies; the start of one that goes on in the next
    /// chunk is kept, a whole run of bytes at once (a byte at a time, a large answer took seconds).
    private mutating func consume(
        _ chunk: UnsafeBufferPointer<UInt8>, from position: Int, into events: inout [SSEEvent]
    ) throws(ProviderError) -> Int {
        if afterCR {
            afterCR = false
            if chunk[position] == Self.lf { return position + 1 }
        }
        guard let end = Self.lineEnd(in: chunk, from: position) else {
            try extendLine(chunk[position...])
            return chunk.count
        }
        afterCR = chunk[end] == Self.cr
        if line.isEmpty {
            guard end - position <= Self.maxBytes else {  // the same bound as a line that spans chunks
                self = SSEParser()
                throw .tooLarge(.eventLine, limit: Self.maxBytes)
            }
            try endLine(chunk[position..<end], into: &events)
        } else {
            try extendLine(chunk[position..<end])
            var whole: [UInt8] = []
            swap(&whole, &line)  // so that reading it leaves `self` free to change
            try whole.withUnsafeBufferPointer { (whole) throws(ProviderError) in try endLine(whole[...], into: &events)
            }
            whole.removeAll(keepingCapacity: true)
            if line.isEmpty { line = whole }
        }
        return end + 1
    }

    private mutating func extendLine(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) throws(ProviderError) {
        guard line.count + bytes.count <= Self.maxBytes else {
            self = SSEParser()
            throw .tooLarge(.eventLine, limit: Self.maxBytes)
        }
        line += bytes
    }

    /// The index of the first CR or LF at or after `position`.
    private static func lineEnd(in buffer: UnsafeBufferPointer<UInt8>, from position: Int) -> Int? {
        guard let base = buffer.baseAddress, position < buffer.count else { return nil }
        let start = base + position
        let count = buffer.count - position
        let lf = memchr(start, Int32(lf), count).map { start.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
        // A CR counts only before the LF, so the bytes are searched for it no further than for the LF.
        let cr = memchr(start, Int32(cr), lf ?? count).map {
            start.distance(to: $0.assumingMemoryBound(to: UInt8.self))
        }
        return (cr ?? lf).map { position + $0 }
    }

    private mutating func endLine(_ line: Slice<UnsafeBufferPointer<UInt8>>, into events: inout [SSEEvent])
        throws(ProviderError)
    {
        var text = line
        if atStart {
            atStart = false
            if text.starts(with: Self.byteOrderMark) { text = text.dropFirst(Self.byteOrderMark.count) }
        }
        if text.isEmpty {
            if let event = dispatch() { events.append(event) }
        } else if text.first != Self.colon {
            try process(text)
        }
    }

    /// Applies one `field: value` line (or a bare `field` line, whose value is empty).
    private mutating func process(_ text: Slice<UnsafeBufferPointer<UInt8>>) throws(ProviderError) {
        var field = text
        var value = text[text.endIndex...]
        if let colon = text.firstIndex(of: Self.colon) {
            field = text[..<colon]
            value = text[(colon + 1)...]
            if value.first == Self.space { value = value.dropFirst() }
        }
        // Compared as bytes: a string made of each line's field name cost more than the rest of the line.
        if field.elementsEqual(Self.dataField) {
            try appendData(value)
        } else if field.elementsEqual(Self.eventField) {
            eventType = Array(value)
        } else if field.elementsEqual(Self.idField), !value.contains(0) {
            lastEventID = String(decoding: value, as: UTF8.self)
        }  // `retry` and unknown fields are ignored
    }

    private mutating func appendData(_ value: Slice<UnsafeBufferPointer<UInt8>>) throws(ProviderError) {
        guard data.count + value.count < Self.maxBytes else {
            self = SSEParser()
            throw .tooLarge(.eventData, limit: Self.maxBytes)
        }
        if data.isEmpty { data.reserveCapacity(value.count + 1) }
        data += value
        data.append(Self.lf)
    }

    /// The event the buffers describe, if it has data; the buffers (but not the last event ID) are then cleared.
    /// The data's buffer becomes the event's, without a copy.
    private mutating func dispatch() -> SSEEvent? {
        defer { eventType.removeAll() }
        guard !data.isEmpty else { return nil }
        var bytes: [UInt8] = []
        swap(&bytes, &data)
        bytes.removeLast()
        return SSEEvent(
            event: eventType.isEmpty ? nil : String(decoding: eventType, as: UTF8.self), dataBytes: bytes,
            id: lastEventID.isEmpty ? nil : lastEventID)
    }

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")
    private static let colon = UInt8(ascii: ":")
    private static let space = UInt8(ascii: " ")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let dataField = Array("data".utf8)
    private static let eventField = Array("event".utf8)
    private static let idField = Array("id".utf8)
}
