/// A `.vectors` index file, memory-mapped: loading checks the container and this kind's section sizes against
/// count × dimensions (no vector is read, so loading takes microseconds whatever the size); searches read rows
/// straight from the mapping. Scores are cosine similarities, best first; ties go to the smaller document id.
///
/// A query whose length is not `dimensions`, or `k <= 0`, returns an empty result (never a crash): a model change
/// between `crew build` and `crew run` shows up as "no results", and `dimensions` tells the caller why.
public final class VectorIndex: Sendable {
    public let count: Int
    public let dimensions: Int
    public let storage: VectorStorage
    /// IVF lists; 0 for an exact index.
    public let lists: Int
    /// Lists scanned when `search` is not told `probes`, chosen at build time.
    public let defaultProbes: Int
    let stride: Int
    let mapped: MappedIndex

    public init(path: String, prefetch: Bool = false) throws(MappedIndex.LoadError) {
        mapped = try MappedIndex(path: path, expecting: .vectors)
        let header = try Self.readHeader(mapped)
        (dimensions, stride, count, storage, lists, defaultProbes) = header
        try checkSections()
        if prefetch { mapped.prefetch() }
    }

    /// The `probes` lists whose centroids best match the query are scanned (all rows for an exact index).
    public func search(_ query: [Float], k: Int, probes: Int? = nil) -> [(document: UInt32, score: Float)] {
        guard lists > 0 else { return exactSearch(query, k: k) }
        guard let padded = prepared(query, k: k), let views = views() else { return [] }
        let wanted = min(lists, max(1, probes ?? defaultProbes))
        var top = TopK(k: min(k, count))
        padded.withUnsafeBytes { query in
            guard let query = query.baseAddress else { return }
            for list in nearestLists(query, views: views, probes: wanted) {
                let offset = Int(list) * 4
                let first = Int(views.starts.load(fromByteOffset: offset, as: UInt32.self))
                let end = Int(views.starts.load(fromByteOffset: offset + 4, as: UInt32.self))
                scan(first..<end, query: query, views: views, into: &top)
            }
        }
        return top.results
    }

    /// Scores every vector: the reference result, and the right choice for small collections.
    public func exactSearch(_ query: [Float], k: Int) -> [(document: UInt32, score: Float)] {
        guard let padded = prepared(query, k: k), let views = views() else { return [] }
        var top = TopK(k: min(k, count))
        padded.withUnsafeBytes { query in
            guard let query = query.baseAddress else { return }
            scan(0..<count, query: query, views: views, into: &top)
        }
        return top.results
    }

    /// Asks the kernel to read the whole file ahead: after a cold start, queries then page in at disk speed.
    public func prefetch() { mapped.prefetch() }

    /// The normalized query, zero-padded to `stride`; nil when it cannot be answered.
    private func prepared(_ query: [Float], k: Int) -> [Float]? {
        guard query.count == dimensions, k > 0, count > 0 else { return nil }
        return normalized(query) + [Float](repeating: 0, count: stride - dimensions)
    }

    /// Pointers into the mapping (sizes were checked at load).
    struct Views {
        var vectors: UnsafeRawPointer
        var ids: UnsafeRawPointer
        var scales: UnsafeRawPointer?
        var centroids: UnsafeRawPointer?
        var starts: UnsafeRawPointer
    }

    func views() -> Views? {
        guard let vectors = mapped.section(VectorFormat.Section.vectors)?.baseAddress,
            let ids = mapped.section(VectorFormat.Section.ids)?.baseAddress
        else { return nil }
        let scales = mapped.section(VectorFormat.Section.scales)?.baseAddress
        let centroids = mapped.section(VectorFormat.Section.centroids)?.baseAddress
        let starts = mapped.section(VectorFormat.Section.listStarts)?.baseAddress ?? ids
        return Views(vectors: vectors, ids: ids, scales: scales, centroids: centroids, starts: starts)
    }

    func nearestLists(_ query: UnsafeRawPointer, views: Views, probes: Int) -> [UInt32] {
        guard let centroids = views.centroids else { return [] }
        var top = TopK(k: probes)
        Self.scanFloat32(0..<lists, query: query, rows: centroids, stride: stride) { top.offer($0, UInt32($1)) }
        return top.results.map(\.document)
    }

    /// Calls `body(score, row)` for every row in `rows`, four rows per pass (1.5× faster than one at a time when the
    /// rows come from cache: each query block is loaded once for four rows).
    @inline(__always)
    static func scanFloat32(
        _ rows: Range<Int>, query: UnsafeRawPointer, rows base: UnsafeRawPointer, stride: Int,
        _ body: (Float, Int) -> Void
    ) {
        let blocks = stride / VectorFormat.lane
        let rowBytes = stride &* 4
        var row = rows.lowerBound
        while row &+ 3 < rows.upperBound {
            let scores = VectorKernels.dotFloat32x4(query, base + row &* rowBytes, rowBytes: rowBytes, blocks: blocks)
            for i in 0..<4 { body(scores[i], row &+ i) }
            row &+= 4
        }
        while row < rows.upperBound {
            body(VectorKernels.dotFloat32(query, base + row &* rowBytes, blocks: blocks), row)
            row &+= 1
        }
    }

    /// Scores `rows` (in file order) and offers each to `top` under its document id.
    private func scan(_ rows: Range<Int>, query: UnsafeRawPointer, views: Views, into top: inout TopK) {
        let blocks = stride / VectorFormat.lane
        let rowBytes = stride * storage.width
        let base = views.vectors
        switch storage {
        case .float32:
            Self.scanFloat32(rows, query: query, rows: base, stride: stride) { score, row in
                if score >= top.threshold {
                    top.offer(score, views.ids.load(fromByteOffset: row &* 4, as: UInt32.self))
                }
            }
        case .float16:
            for row in rows {
                let score = VectorKernels.dotFloat16(query, base + row &* rowBytes, blocks: blocks)
                if score >= top.threshold {
                    top.offer(score, views.ids.load(fromByteOffset: row &* 4, as: UInt32.self))
                }
            }
        case .int8:
            guard let scales = views.scales else { return }
            for row in rows {
                let scale = scales.load(fromByteOffset: row &* 4, as: Float.self)
                let score = VectorKernels.dotInt8(query, base + row &* rowBytes, blocks: blocks) * scale
                if score >= top.threshold {
                    top.offer(score, views.ids.load(fromByteOffset: row &* 4, as: UInt32.self))
                }
            }
        }
    }
}
