/// Splits a byte stream into newline-delimited messages (stdio framing), dropping `\r` and empty lines.
package struct LineSplitter {
    private var pending: [UInt8] = []

    package init() {}

    /// The longest line kept: a server that never ends a line must not use up memory.
    package static let maxLineBytes = 64 * 1024 * 1024

    package var isOverflowing: Bool { pending.count > Self.maxLineBytes }

    package mutating func lines(in chunk: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            pending.append(contentsOf: chunk[start..<newline])
            if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
            if !pending.isEmpty { out.append(pending) }
            pending = []
            start = chunk.index(after: newline)
        }
        pending.append(contentsOf: chunk[start...])
        return out
    }
}
