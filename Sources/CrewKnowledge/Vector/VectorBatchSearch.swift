import Foundation

/// Many exact searches at once. One query's scan is bound by how fast one core reads the rows, since every row is
/// read once and used once. A batch reads each tile of rows once and scores it against every query while it sits in
/// the core's cache, as BLAS-backed libraries do for a batch; each query's result is what `exactSearch` gives it.
/// (IVF searches gain nothing from batching: grouping queries by list was measured slower than one at a time.)
extension VectorIndex {
    /// Rows scored against every query of a batch before the next tile is read: 192 KB of float32 rows, which stays
    /// in a core's L2 cache.
    static let batchTileBytes = 192 << 10

    /// Queries handled together: their scratch memory (a few KB each) stays small however
    /// long the batch.
    static let batchQueries = 256

    /// `exactSearch` for each query, best first; a query of the wrong length gets an empty result.
    public func exactSearch(batch queries: [[Float]], k: Int, threads: Int? = nil) -> [[(
        document: UInt32, score: Float
    )]] {
        guard queries.count <= Self.batchQueries else {
            return Self.inChunks(queries) { exactSearch(batch: $0, k: k, threads: threads) }
        }
        guard k > 0, count > 0, !queries.isEmpty else { return queries.map { _ in [] } }
        let k = min(k, count)
        let parts = scanParts(threads: threads)
        guard parts > 1 else { return exactSearch(batch: queries, k: k, rows: 0..<count) }
        let count = self.count
        let found = PartResults<[[(document: UInt32, score: Float)]]>(parts, empty: [])
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            found.store(
                part, exactSearch(batch: queries, k: k, rows: count * part / parts..<count * (part + 1) / parts))
        }
        let byPart = found.all
        return queries.indices.map { query in Self.best(byPart.flatMap { $0[query] }, k: k) }
    }

    /// The k best of `rows` for each query, a tile of rows at a time.
    private func exactSearch(batch queries: [[Float]], k: Int, rows: Range<Int>) -> [[(
        document: UInt32, score: Float
    )]] {
        guard let views = views() else { return queries.map { _ in [] } }
        let valid = queries.indices.filter { queries[$0].count == dimensions }
        let scratches = valid.map { _ in SearchScratch(stride: stride, probes: 0, candidates: 0, k: k) }
        defer { for scratch in scratches { scratch.deallocate() } }
        var factors: [Float] = []
        var tops: [TopList] = []
        for (scratch, query) in zip(scratches, valid) {
            scratch.load(queries[query], stride: stride)
            factors.append(quantizeQuery(scratch, codes: false))
            tops.append(scratch.top)
        }
        let tile = max(VectorKernels.block, Self.batchTileBytes / max(1, stride * storage.width))
        var first = rows.lowerBound
        while first < rows.upperBound {
            let part = first..<min(rows.upperBound, first + tile)
            for i in scratches.indices {
                scan(part, views: views, scratch: scratches[i], factor: factors[i], into: &tops[i])
            }
            first = part.upperBound
        }
        var results = queries.map { _ in [(document: UInt32, score: Float)]() }
        for (i, query) in valid.enumerated() { results[query] = tops[i].results }
        return results
    }

    private static func inChunks(
        _ queries: [[Float]], _ body: ([[Float]]) -> [[(document: UInt32, score: Float)]]
    ) -> [[(document: UInt32, score: Float)]] {
        Swift.stride(from: 0, to: queries.count, by: batchQueries).flatMap { first in
            body(Array(queries[first..<min(queries.count, first + batchQueries)]))
        }
    }
}
