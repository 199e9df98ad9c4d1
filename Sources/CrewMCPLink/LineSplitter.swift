/// Splits a byte stream into newline-delimited messages (stdio framing), dropping `\r` and empty lines.
package struct LineSplitter {
    private var pending: [UInt8] = []
    /// The current line outgrew `maxLineBytes`: its bytes are dropped up to its end.
    private var discarding = false
    private var unreported = false

    package init(maxLineBytes: Int = LineSplitter.maxLineBytes) {
        self.limit = maxLineBytes
    }

    /// The longest line kept: a peer that never ends a line must not use up memory.
    package static let maxLineBytes = 64 * 1024 * 1024
    private let limit: Int

    /// True once for each line that outgrew the limit (and was dropped).
    package mutating func takeOverflow() -> Bool {
        defer { unreported = false }
        return unreported
    }

    package mutating func lines(in chunk: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if discarding {
                discarding = false
            } else {
                pending.append(contentsOf: chunk[start..<newline])
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                if pending.count > limit {
                    unreported = true
                } else if !pending.isEmpty {
                    out.append(pending)
                }
            }
            pending = []
            start = chunk.index(after: newline)
        }
        if !discarding { pending.append(contentsOf: chunk[start...]) }
        if pending.count > limit {
            pending = []
            discarding = true
            unreported = true
        }
        return out
    }
}
