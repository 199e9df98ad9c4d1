import CCrewKernels

/// Swift entry points to the C scoring kernels (`Sources/CCrewKernels`): AVX2 + FMA + F16C when the CPU has them,
/// portable SIMD otherwise. Rows are padded to whole 16-component blocks (`VectorFormat.lane`), as the kernels need.
enum VectorKernels {
    /// Rows scored per kernel call when the caller walks a long range: 1 KB of scores stays in L1.
    static let block = 256

    /// True when the wide (AVX2) kernels run on this CPU.
    static var wide: Bool { crew_kernels_wide() != 0 }

    /// Quantizes a float32 query to int16 for the int8 kernels; returns the factor that turns the int32 dot
    /// products back into float scores (0 when the query is all zeros or not finite).
    static func quantize(
        _ query: UnsafePointer<Float>, into out: UnsafeMutablePointer<Int16>, stride: Int
    ) -> Float {
        var largest: Float = 0
        for i in 0..<stride { largest = max(largest, abs(query[i])) }
        guard largest > 0, largest.isFinite else {
            out.update(repeating: 0, count: stride)
            return 0
        }
        let scale = Float(crew_query_i16_limit(stride)) / largest
        for i in 0..<stride { out[i] = Int16((query[i] * scale).rounded()) }
        return 1 / scale
    }
}

extension VectorIndex {
    /// Calls `body(score, row)` for every row in `rows`, scored by the float32 kernel a block at a time (used where
    /// every score is needed: k-means assignment, probe calibration).
    static func scanFloat32(
        _ rows: Range<Int>, query: UnsafeRawPointer, rows base: UnsafeRawPointer, stride: Int,
        _ body: (Float, Int) -> Void
    ) {
        let q = query.assumingMemoryBound(to: Float.self)
        let vectors = base.assumingMemoryBound(to: Float.self)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: VectorKernels.block) { scores in
            guard let out = scores.baseAddress else { return }
            var first = rows.lowerBound
            while first < rows.upperBound {
                let n = min(VectorKernels.block, rows.upperBound - first)
                crew_scores_f32(q, vectors + first * stride, stride, n, out)
                for i in 0..<n { body(out[i], first + i) }
                first += n
            }
        }
    }
}

/// The k best (score, row) pairs seen so far, best first. Ties go to the smaller document id so results are
/// deterministic. Insertion into a sorted array: k is small (tens), and most candidates fail the threshold test.
struct TopK {
    let k: Int
    private(set) var scores: [Float] = []
    private(set) var items: [UInt32] = []
    /// The score a candidate must beat once the list is full.
    private(set) var threshold: Float = -.infinity

    init(k: Int) {
        self.k = max(0, k)
        scores.reserveCapacity(self.k + 1)
        items.reserveCapacity(self.k + 1)
    }

    @inline(__always)
    mutating func offer(_ score: Float, _ item: UInt32) {
        guard score >= threshold, k > 0 else { return }
        insert(score, item)
    }

    private mutating func insert(_ score: Float, _ item: UInt32) {
        var position = scores.count
        while position > 0, Self.better(score, item, than: scores[position - 1], items[position - 1]) {
            position -= 1
        }
        guard position < k else { return }
        scores.insert(score, at: position)
        items.insert(item, at: position)
        if scores.count > k {
            scores.removeLast()
            items.removeLast()
        }
        if scores.count == k, let last = scores.last { threshold = last }
    }

    @inline(__always)
    static func better(_ score: Float, _ item: UInt32, than other: Float, _ otherItem: UInt32) -> Bool {
        score > other || (score == other && item < otherItem)
    }

    var results: [(document: UInt32, score: Float)] {
        zip(items, scores).map { (document: $0, score: $1) }
    }
}
