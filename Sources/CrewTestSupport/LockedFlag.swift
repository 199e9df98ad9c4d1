import Foundation

/// A flag a test flips while a server script reads it from other threads.
public final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag: Bool

    public init(_ flag: Bool) { self.flag = flag }

    public var value: Bool {
        get { lock.withLock { flag } }
        set { lock.withLock { flag = newValue } }
    }
}
