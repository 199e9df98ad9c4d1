import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a pipe as data arrives, without holding a thread: a dispatch read source on a non-blocking descriptor.
/// `onData` and then `onEnd` (once, at end of file or on `stop`) run on the reader's serial queue. Owns the
/// descriptor and closes it when done.
package final class PipeReader: @unchecked Sendable {
    private let fd: Int32
    private let queue: DispatchQueue
    private let source: any DispatchSourceRead
    private var ended = false  // Touched only on `queue`.

    package init(
        fd: Int32, label: String, onData: @escaping @Sendable ([UInt8]) -> Void, onEnd: @escaping @Sendable () -> Void
    ) {
        self.fd = fd
        queue = DispatchQueue(label: label)
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        // The handlers hold the reader until the source is cancelled, which always happens (end of file or `stop`).
        source.setEventHandler {
            self.drain(onData: onData)
        }
        source.setCancelHandler { [fd] in
            close(fd)
            onEnd()
        }
    }

    package func start() {
        source.resume()
    }

    /// Ends reading; `onEnd` runs once the source is torn down.
    package func stop() {
        source.cancel()
    }

    private func drain(onData: @Sendable ([UInt8]) -> Void) {
        guard !ended else { return }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                onData(Array(buffer[..<count]))
                continue
            }
            if count < 0, errno == EINTR { continue }
            if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { return }
            ended = true  // End of file, or an error that reading again will not fix.
            source.cancel()
            return
        }
    }
}
