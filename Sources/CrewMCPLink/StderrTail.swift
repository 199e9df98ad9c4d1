import Foundation

/// The last bytes a server wrote to stderr: kept for error messages instead of spilling onto crew's terminal.
package final class StderrTail: @unchecked Sendable {
    // `@unchecked`: the `var`s are only touched under `lock`.
    private let lock = NSLock()
    private let capacity: Int
    private var bytes: [UInt8] = []
    /// Bytes were dropped from the front, so the first line is only the end of one.
    private var trimmed = false
    private var ended = false

    /// The most bytes kept. Far more than `text` shows, so that the line shown is never one the trim cut into.
    package static let defaultCapacity = 16 * 1024

    package init(capacity: Int = StderrTail.defaultCapacity) {
        self.capacity = capacity
    }

    package func append(_ chunk: some Collection<UInt8>) {
        lock.lock()
        defer { lock.unlock() }
        bytes.append(contentsOf: chunk)
        if bytes.count > capacity {
            bytes.removeFirst(bytes.count - capacity)
            trimmed = true
        }
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
    /// `scrub` sees everything kept before anything is cut, so that no cut leaves part of a secret behind.
    package func text(lines: Int = 12, maxCharacters: Int = 2000, scrub: (String) -> String) -> String {
        lock.lock()
        var copy = bytes
        let trimmed = trimmed
        lock.unlock()
        // A secret the trim cut into sits on that first partial line, where `scrub` cannot recognise it.
        if trimmed, let newline = copy.firstIndex(of: UInt8(ascii: "\n")) { copy.removeSubrange(...newline) }
        let all = scrub(String(decoding: copy, as: UTF8.self)).split(whereSeparator: \.isNewline)
        var text = all.suffix(lines).joined(separator: "\n")
        if text.count > maxCharacters { text = "…" + text.suffix(maxCharacters) }
        return text
    }
}
