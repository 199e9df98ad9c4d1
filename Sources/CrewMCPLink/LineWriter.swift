import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes newline-terminated messages to a pipe, in order, on a serial queue of its own: a blocking write never
/// holds a thread of Swift's cooperative pool. Owns the descriptor once `close` is called.
package final class LineWriter: Sendable {
    private let fd: Int32
    private let queue: DispatchQueue

    package init(fd: Int32, label: String) {
        self.fd = fd
        queue = DispatchQueue(label: label)
    }

    /// Queues one message (a newline is added) and returns at once; `done` gets errno when the write failed.
    /// Messages are written in the order they are queued.
    package func enqueue(_ message: [UInt8], done: (@Sendable (Int32?) -> Void)? = nil) {
        queue.async { [fd] in
            let failure = Self.writeAll(message + [UInt8(ascii: "\n")], to: fd)
            done?(failure)
        }
    }

    /// Writes one message; errno when it could not be written.
    package func write(_ message: [UInt8]) async -> Int32? {
        await withCheckedContinuation { continuation in
            enqueue(message) { continuation.resume(returning: $0) }
        }
    }

    /// Waits until everything queued so far is written (or failed).
    package func flush() {
        queue.sync {}
    }

    /// Closes the descriptor after everything queued so far (the reader sees end of file).
    package func close() {
        queue.async { [fd] in
            _ = systemClose(fd)
        }
    }

    /// Writes everything, blocking; returns errno on failure.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }
}

// The class's own `write` and `close` hide the C functions of the same names.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(fd, buffer, count)
    #else
        Darwin.write(fd, buffer, count)
    #endif
}

private func systemClose(_ fd: Int32) -> Int32 {
    #if canImport(Glibc)
        Glibc.close(fd)
    #else
        Darwin.close(fd)
    #endif
}
