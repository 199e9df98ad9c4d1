import Foundation

/// The last bytes a server wrote to stderr: kept for error messages instead of spilling onto crew's terminal.
package final class StderrTail: @unchecked Sendable {
    private let lock = NSLock()
    private let capacity: Int
    private var bytes: [UInt8] = []
    private var ended = false

    package init(capacity: Int = 16 * 1024) {
        self.capacity = capacity
    }

    package func append(_ chunk: some Collection<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        bytes.append(contentsOf: chunk)
        if bytes.count > capacity { bytes.removeFirst(bytes.count - capacity) }
    }

    /// The server closed its stderr (usually: it exited), so the tail is complete.
    package func markEnded() {
        lock.lock()
        defer { lock.unlock() }
        ended = true
    }

    package var hasEnded: Bool {
        lock.lock()
        defer { lock.unlock() }
        return ended
    }

    /// The last `lines` non-empty lines, at most `maxCharacters` long in all; empty when the server wrote nothing.
    package func text(lines: Int = 12, maxCharacters: Int = 2000) -> String {
        lock.lock()
        let copy = bytes
        lock.unlock()
        let all = String(decoding: copy, as: UTF8.self).split(whereSeparator: \.isNewline)
        var text = all.suffix(lines).joined(separator: "\n")
        if text.count > maxCharacters { text = "…" + text.suffix(maxCharacters) }
        return text
    }
}
