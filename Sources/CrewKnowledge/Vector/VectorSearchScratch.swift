import CCrewKernels

/// A best-first list of at most `capacity` (score, id) pairs in caller-owned memory, filled by `crew_top_offer`:
/// candidates below the current k-th best cost one comparison, and nothing is allocated.
struct TopList {
    let scores: UnsafeMutablePointer<Float>
    let ids: UnsafeMutablePointer<UInt32>
    let capacity: Int
    private(set) var count = 0

    init(_ scores: UnsafeMutablePointer<Float>, _ ids: UnsafeMutablePointer<UInt32>, capacity: Int) {
        (self.scores, self.ids, self.capacity) = (scores, ids, capacity)
    }

    /// Offers n scores; candidate j's id is ids[j], or firstID + j when `ids` is nil.
    mutating func offer(
        _ candidates: UnsafePointer<Float>, ids candidateIDs: UnsafePointer<UInt32>?, firstID: Int, n: Int
    ) {
        count = crew_top_offer(
            scores, ids, count, capacity, candidates, candidateIDs, UInt32(truncatingIfNeeded: firstID), n)
    }

    var results: [(document: UInt32, score: Float)] {
        (0..<count).map { (document: ids[$0], score: scores[$0]) }
    }
}

/// One query's working memory, carved out of a single allocation: the normalized query (float32 and, for the int8
/// kernels, int16), the int8 weights of the 4-bit code kernel, a block of scores, and the top lists of probes,
/// re-rank candidates and results.
struct SearchScratch {
    let query: UnsafeMutablePointer<Float>
    let query16: UnsafeMutablePointer<Int16>
    /// 2 × code row bytes entries (see `crew_scores_u4`).
    let weights: UnsafeMutablePointer<Int8>
    let scores: UnsafeMutablePointer<Float>
    let probes: TopList
    let candidates: TopList
    let top: TopList
    /// Room for `candidates.capacity` scores or document ids while re-ranking.
    let rerankScores: UnsafeMutablePointer<Float>
    let rerankIDs: UnsafeMutablePointer<UInt32>
    private let memory: UnsafeMutableRawPointer

    init(stride: Int, probes: Int, candidates: Int, k: Int) {
        // Each part is rounded up to 8 elements, so every part starts 16-byte aligned.
        let fourByteParts = [stride, VectorKernels.block, probes, probes, candidates, candidates, k, k]
        let bytes =
            (fourByteParts + [candidates, candidates]).reduce(0) { $0 + ($1 + 7) / 8 * 32 } + (stride + 7) / 8 * 16
            + 2 * VectorFormat.codeRowBytes(stride: stride)
        memory = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        var cursor = memory
        func take<T>(_ n: Int, _ type: T.Type) -> UnsafeMutablePointer<T> {
            let part = cursor.bindMemory(to: T.self, capacity: n)
            cursor += (n + 7) / 8 * 8 * MemoryLayout<T>.stride
            return part
        }
        query = take(stride, Float.self)
        query16 = take(stride, Int16.self)
        weights = take(2 * VectorFormat.codeRowBytes(stride: stride), Int8.self)
        scores = take(VectorKernels.block, Float.self)
        self.probes = TopList(take(probes, Float.self), take(probes, UInt32.self), capacity: probes)
        self.candidates = TopList(take(candidates, Float.self), take(candidates, UInt32.self), capacity: candidates)
        top = TopList(take(k, Float.self), take(k, UInt32.self), capacity: k)
        rerankScores = take(candidates, Float.self)
        rerankIDs = take(candidates, UInt32.self)
    }

    func deallocate() { memory.deallocate() }

    /// Writes the query scaled to unit length and zero-padded to `stride`; a zero or non-finite query becomes zeros
    /// (every score 0, as for a zero vector at build time).
    func load(_ vector: [Float], stride: Int) {
        var sum: Float = 0
        for value in vector { sum += value * value }
        let scale = sum > 0 && sum.isFinite ? 1 / sum.squareRoot() : 0
        query.update(repeating: 0, count: stride)
        for (i, value) in vector.enumerated() { query[i] = scale == 0 ? 0 : value * scale }
    }

    /// Writes the weights of the 4-bit code kernel for one list's ranges (lows, then steps) and returns the
    /// kernel's factor and offset for it (see `crew_u4_weights`), so that scores of different lists compare.
    func loadWeights(ranges: UnsafePointer<Float>, stride: Int) -> (factor: Float, offset: Float) {
        var factor: Float = 0
        let offset = crew_u4_weights(query, ranges, ranges + stride, stride, weights, &factor)
        return (factor, offset)
    }
}
