import Foundation

/// A thread that swaps a real folder and a symbolic link into the same place, over and over, as an attacker racing
/// crew's path checks would: `real` is renamed to `spare` and `link` renamed to `real`, then back.
public final class LinkSwapper: @unchecked Sendable {
    let real: String
    let link: String
    let spare: String
    private let lock = NSLock()
    private var running = false
    private var count = 0
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    public init(real: String, link: String, spare: String) {
        self.real = real
        self.link = link
        self.spare = spare
    }

    /// Swaps made so far.
    public var swaps: Int { lock.withLock { count } }

    public func start() {
        lock.withLock { running = true }
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                // real -> spare, link -> real: `real` is now the link. Then back again.
                rename(real, spare)
                rename(link, real)
                rename(real, link)
                rename(spare, real)
                lock.withLock { count += 1 }
            }
            done.signal()
        }
        self.thread = thread
        thread.start()
    }

    /// Stops the thread and leaves the real folder in its place.
    public func stop() {
        lock.withLock { running = false }
        done.wait()
    }
}
