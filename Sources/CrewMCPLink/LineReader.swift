import Foundation

/// Reads newline-delimited messages from a pipe as they arrive (a `PipeReader` and a `LineSplitter`). `onLine`,
/// `onOverflow` (once for each line that grew past `LineSplitter.maxLineBytes`; the line is dropped, not kept) and
/// then `onEnd` run on the reader's serial queue.
/// Owns the descriptor.
package final class LineReader: Sendable {
    private let reader: PipeReader

    package init(
        fd: Int32, label: String, onLine: @escaping @Sendable ([UInt8]) -> Void,
        onOverflow: @escaping @Sendable () -> Void, onEnd: @escaping @Sendable () -> Void
    ) {
        let splitter = LockedSplitter()
        reader = PipeReader(
            fd: fd, label: label,
            onData: { chunk in
                for line in splitter.lines(in: chunk) { onLine(line) }
                if splitter.takeOverflow() { onOverflow() }
            },
            onEnd: onEnd)
    }

    package func start() {
        reader.start()
    }

    /// Stops reading; `onEnd` runs once the reader is torn down.
    package func stop() {
        reader.stop()
    }
}

/// The splitter, touched only from the reader's serial queue; the lock makes that checkable.
private final class LockedSplitter: @unchecked Sendable {
    // `@unchecked`: `splitter` is only touched under `lock`.
    private let lock = NSLock()
    private var splitter = LineSplitter()

    func lines(in chunk: [UInt8]) -> [[UInt8]] {
        lock.lock()
        defer { lock.unlock() }
        return splitter.lines(in: chunk)
    }

    func takeOverflow() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return splitter.takeOverflow()
    }
}
