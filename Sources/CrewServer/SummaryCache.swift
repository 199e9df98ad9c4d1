import CrewCore
import CrewKit
import Foundation

/// The serialized summaries of runs as last listed, so that a page of runs that have not changed is not built and
/// written again for every request. A summary is reused only while its index entry and queue position are equal to
/// what it was made from; the bytes come from the one JSON writer (`JSONValue.serialized`).
final class SummaryCache: @unchecked Sendable {
    private struct Item {
        var entry: RunEntry
        var position: Int?
        var bytes: [UInt8]
    }

    private let lock = NSLock()
    private var items: [String: Item] = [:]
    private var order: [String] = []
    private var start = 0
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The summary of `entry` (already adjusted for a crash) at queue `position`, made by `make` when not cached.
    func bytes(_ entry: RunEntry, position: Int?, make: () -> JSONValue) -> [UInt8] {
        if let item = lock.withLock({ items[entry.id] }), item.entry == entry, item.position == position {
            return item.bytes
        }
        let bytes = Array(make().serialized().utf8)
        lock.withLock {
            if items.updateValue(Item(entry: entry, position: position, bytes: bytes), forKey: entry.id) == nil {
                order.append(entry.id)
            }
            // Oldest first out; the order array is compacted once half of it is gone.
            while items.count > capacity, start < order.count {
                items[order[start]] = nil
                start += 1
            }
            if start > capacity {
                order.removeFirst(start)
                start = 0
            }
        }
        return bytes
    }
}
