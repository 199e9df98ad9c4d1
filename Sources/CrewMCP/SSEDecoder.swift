/// Server-sent events, incrementally: the `data` of each event whose type is `message` (or unset), which is how a
/// Streamable HTTP server frames JSON-RPC messages in a `text/event-stream` answer.
struct SSEDecoder {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var event = ""
    private var lastWasCR = false

    mutating func feed(_ bytes: some Sequence<UInt8>) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for byte in bytes {
            // Lines end with \n, \r or \r\n.
            if byte == UInt8(ascii: "\n"), lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = byte == UInt8(ascii: "\r")
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if let message = endLine() { out.append(message) }
            } else {
                line.append(byte)
            }
        }
        return out
    }

    /// A line ended; returns an event's data when the line was the blank one that dispatches it.
    private mutating func endLine() -> [UInt8]? {
        defer { line = [] }
        guard !line.isEmpty else { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let field = String(decoding: line[..<colon], as: UTF8.self)
        var value = colon < line.endIndex ? line[line.index(after: colon)...] : []
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        switch field {
        case "data":
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        case "event":
            event = String(decoding: value, as: UTF8.self)
        default:
            break  // id, retry: resuming a stream is not supported.
        }
        return nil
    }

    private mutating func dispatch() -> [UInt8]? {
        defer {
            data = []
            hasData = false
            event = ""
        }
        guard hasData, !data.isEmpty, event.isEmpty || event == "message" else { return nil }
        return data
    }
}
