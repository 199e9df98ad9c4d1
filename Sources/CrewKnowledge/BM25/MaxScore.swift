/// Top-k retrieval with MaxScore (Turtle & Flood 1995), the document-at-a-time member of the WAND family: lists are
/// ordered by their upper bound; once the heap's k-th score exceeds the sum of the smallest bounds, those lists can
/// no longer put a document into the top k alone, so documents are only enumerated from the other ("essential")
/// lists and the non-essential ones are probed by skipping, stopping as soon as the bound says it cannot pay.
/// Results equal exhaustive scoring (bounds are padded against float rounding).
enum MaxScore {
    static func search(_ input: [PostingCursor], k: Int) -> [(document: UInt32, score: Float)] {
        guard k > 0, !input.isEmpty else { return [] }
        var lists = input.sorted { ($0.upperBound, $0.count) < ($1.upperBound, $1.count) }
        // bounds[i]: the most lists 0...i can add to a document together (padded for rounding).
        var bounds = [Float](repeating: 0, count: lists.count)
        var sum: Float = 0
        for (i, list) in lists.enumerated() {
            sum += list.upperBound
            bounds[i] = sum * (1 + 1e-5) + 1e-6
        }
        var heap = BM25TopK(k: k)
        lists.withUnsafeMutableBufferPointer { lists in
            bounds.withUnsafeBufferPointer { bounds in run(lists, bounds, &heap) }
        }
        return heap.sorted()
    }

    private static func run(
        _ lists: UnsafeMutableBufferPointer<PostingCursor>, _ bounds: UnsafeBufferPointer<Float>, _ heap: inout BM25TopK
    ) {
        var essential = 0
        var current = lists.reduce(PostingCursor.end) { min($0, $1.document) }
        while essential < lists.count, current != PostingCursor.end {
            var score: Float = 0
            var next = PostingCursor.end
            for i in essential..<lists.count {
                if lists[i].document == current {
                    score += lists[i].score
                    lists[i].next()
                }
                next = min(next, lists[i].document)
            }
            var i = essential - 1
            while i >= 0, score + bounds[i] > heap.threshold {
                lists[i].advance(to: current)
                if lists[i].document == current { score += lists[i].score }
                i -= 1
            }
            if i < 0, heap.insert(current, score) {
                while essential < lists.count, bounds[essential] <= heap.threshold { essential += 1 }
            }
            current = next
        }
    }
}

/// The best k (document, score) pairs seen so far, in a min-heap whose root is the one to drop next. A document is
/// better when its score is higher, or equal with a lower id; documents arrive in ascending id order, so on a tie
/// the one already held wins.
struct BM25TopK {
    let k: Int
    private var scores: [Float] = []
    private var docs: [UInt32] = []

    init(k: Int) {
        self.k = k
        scores.reserveCapacity(k)
        docs.reserveCapacity(k)
    }

    /// A document must score above this to get in (−∞ until the heap is full).
    var threshold: Float { scores.count < k ? -.infinity : scores[0] }

    /// Offers a document; returns whether the threshold may have changed.
    mutating func insert(_ doc: UInt32, _ score: Float) -> Bool {
        if scores.count < k {
            scores.append(score)
            docs.append(doc)
            siftUp(scores.count - 1)
            return scores.count == k
        }
        guard score > scores[0] else { return false }
        scores[0] = score
        docs[0] = doc
        siftDown(0)
        return true
    }

    /// Best first; ties by ascending document.
    func sorted() -> [(document: UInt32, score: Float)] {
        zip(docs, scores).map { (document: $0, score: $1) }.sorted {
            $0.score != $1.score ? $0.score > $1.score : $0.document < $1.document
        }
    }

    /// Whether entry a should be dropped before entry b.
    private func worse(_ a: Int, _ b: Int) -> Bool {
        scores[a] != scores[b] ? scores[a] < scores[b] : docs[a] > docs[b]
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard worse(child, parent) else { return }
            scores.swapAt(child, parent)
            docs.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var target = parent
            let left = 2 * parent + 1
            if left < scores.count, worse(left, target) { target = left }
            if left + 1 < scores.count, worse(left + 1, target) { target = left + 1 }
            if target == parent { return }
            scores.swapAt(parent, target)
            docs.swapAt(parent, target)
            parent = target
        }
    }
}
