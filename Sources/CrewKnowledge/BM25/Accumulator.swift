import Foundation

/// Exhaustive term-at-a-time scoring into a dense score array, then one pass over it with the top-k heap. When the
/// query's lists cover a good share of the collection (short queries of common words, small collections), this
/// beats MaxScore: adding a posting is a branch-free load-add-store, while MaxScore pays a mispredicted branch per
/// candidate per list. ``BM25Index`` picks between the two by the lists' total length.
enum Accumulator {
    /// Use accumulation when the postings to add are at least this fraction of the documents.
    static let shareThreshold = 0.25

    static func search(_ lists: [PostingCursor], k: Int, scores: inout [Float]) -> [(document: UInt32, score: Float)] {
        guard k > 0, !lists.isEmpty else { return [] }
        scores.withUnsafeMutableBufferPointer { scores in
            for list in lists { add(list, into: scores) }
        }
        var heap = BM25TopK(k: k)
        scores.withUnsafeMutableBufferPointer { scores in collect(scores, into: &heap) }
        return heap.sorted()
    }

    private static func add(_ list: PostingCursor, into scores: UnsafeMutableBufferPointer<Float>) {
        let count = scores.count
        for i in 0..<list.count {
            let document = Int(list.docs[i])
            guard document < count else { continue }  // a damaged posting: skip, never write outside
            scores[document] += list.weight * list.impacts[i]
        }
    }

    /// Offers every scored document to the heap and leaves the array zeroed for the next query.
    private static func collect(_ scores: UnsafeMutableBufferPointer<Float>, into heap: inout BM25TopK) {
        var threshold: Float = 0
        for document in 0..<scores.count {
            let score = scores[document]
            scores[document] = 0
            guard score > threshold else { continue }
            if heap.insert(UInt32(document), score) { threshold = max(0, heap.threshold) }
        }
    }
}

/// Reusable zeroed score arrays, so concurrent searches on one index each get their own without allocating per query.
final class ScratchPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [[Float]] = []
    private let size: Int

    init(size: Int) { self.size = size }

    func take() -> [Float] {
        lock.lock()
        defer { lock.unlock() }
        return free.popLast() ?? [Float](repeating: 0, count: size)
    }

    /// Returns an array (all zeros again) for reuse; keeps at most a few.
    func give(_ scores: [Float]) {
        lock.lock()
        defer { lock.unlock() }
        if free.count < 8 { free.append(scores) }
    }
}
