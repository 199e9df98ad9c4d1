import Foundation

/// Independent work on all cores, for the knowledge compiler and exact vector scans: results come back in the items'
/// order, so what is built does not depend on how the work was split (the artifact stays byte-identical).
enum Parallel {
    static let cores = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

    /// `transform` of every item, in order. Fewer than `minimum` items, or one core, stay on the calling thread.
    static func map<T: Sendable, U: Sendable>(
        _ items: [T], minimum: Int = 64, _ transform: @escaping @Sendable (T) -> U
    ) -> [U] {
        guard cores > 1, items.count >= minimum else { return items.map(transform) }
        let stripes = min(items.count, cores * 4)
        let results = Stripes<U>(stripes)
        DispatchQueue.concurrentPerform(iterations: stripes) { stripe in
            let range = items.count * stripe / stripes..<items.count * (stripe + 1) / stripes
            results.store(stripe, items[range].map(transform))
        }
        return results.joined()
    }

    /// Runs `first` and `second` at once and returns both.
    static func both<A: Sendable, B: Sendable>(
        _ first: @escaping @Sendable () -> A, _ second: @escaping @Sendable () -> B
    ) -> (A, B) {
        let a = Stripes<A>(1)
        let b = Stripes<B>(1)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 { a.store(0, [first()]) } else { b.store(0, [second()]) }
        }
        return (a.joined()[0], b.joined()[0])
    }

    /// One slot per stripe; each stripe writes only its own, once, before `concurrentPerform` returns.
    private final class Stripes<U>: @unchecked Sendable {
        private var slots: [[U]]
        private let lock = NSLock()

        init(_ count: Int) { slots = Array(repeating: [], count: count) }

        func store(_ stripe: Int, _ values: [U]) { lock.withLock { slots[stripe] = values } }

        func joined() -> [U] { lock.withLock { slots.flatMap { $0 } } }
    }
}
