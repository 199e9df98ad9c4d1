import CCrewKernels

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
    /// Candidates re-ranked per requested result when the file has int8 search codes (see `hasSearchCodes`).
    /// Measured on the 100k × 384 benchmark: 2 keeps the recall of a float32 scan (1 loses 0.1–0.2 points), and each
    /// extra candidate costs a scattered read of its float32 row.
    public static let defaultRerank = 2
    let stride: Int
    let mapped: MappedIndex

    public init(path: String, prefetch: Bool = false) throws(MappedIndex.LoadError) {
        mapped = try MappedIndex(path: path, expecting: .vectors)
        let header = try Self.readHeader(mapped)
        (dimensions, stride, count, storage, lists, defaultProbes) = header
        try checkSections()
        if prefetch { mapped.prefetch() }
    }

    /// True when an IVF search scans int8 codes of the float32 rows and re-ranks the best candidates exactly.
    public var hasSearchCodes: Bool { views()?.codes != nil }

    /// The `probes` lists whose centroids best match the query are scanned (all rows for an exact index). With
    /// search codes, the lists' int8 codes are scanned and the `k × rerank` best rows re-scored in float32.
    public func search(_ query: [Float], k: Int, probes: Int? = nil, rerank: Int? = nil)
        -> [(document: UInt32, score: Float)]
    {
        guard lists > 0 else { return exactSearch(query, k: k) }
        guard query.count == dimensions, k > 0, count > 0, let views = views() else { return [] }
        let k = min(k, count)
        let wanted = min(lists, max(1, probes ?? defaultProbes))
        let candidates = views.codes == nil ? 0 : min(count, k * max(1, rerank ?? Self.defaultRerank))
        let scratch = SearchScratch(stride: stride, probes: wanted, candidates: candidates, k: k)
        defer { scratch.deallocate() }
        scratch.load(query, stride: stride)
        var probeList = scratch.probes
        nearestLists(scratch, views: views, into: &probeList)
        var top = scratch.top
        let factor = quantizeQuery(scratch, codes: views.codes != nil)
        if let codes = views.codes, let codeScales = views.codeScales {
            var pool = scratch.candidates
            for list in 0..<probeList.count {
                let rows = listRows(Int(probeList.ids[list]), views)
                scanCodes(rows, codes, codeScales, scratch, factor: factor, into: &pool)
            }
            rescore(pool, views: views, scratch: scratch, into: &top)
        } else {
            for list in 0..<probeList.count {
                let rows = listRows(Int(probeList.ids[list]), views)
                scan(rows, views: views, scratch: scratch, factor: factor, into: &top)
            }
        }
        return top.results
    }

    /// Scores every vector: the reference result, and the right choice for small collections.
    public func exactSearch(_ query: [Float], k: Int) -> [(document: UInt32, score: Float)] {
        guard query.count == dimensions, k > 0, count > 0, let views = views() else { return [] }
        let scratch = SearchScratch(stride: stride, probes: 0, candidates: 0, k: min(k, count))
        defer { scratch.deallocate() }
        scratch.load(query, stride: stride)
        var top = scratch.top
        let factor = quantizeQuery(scratch, codes: false)
        scan(0..<count, views: views, scratch: scratch, factor: factor, into: &top)
        return top.results
    }

    /// Asks the kernel to read the whole file ahead: after a cold start, queries then page in at disk speed.
    public func prefetch() { mapped.prefetch() }

    /// Pointers into the mapping (sizes were checked at load).
    struct Views {
        var vectors: UnsafeRawPointer
        var ids: UnsafePointer<UInt32>
        var scales: UnsafePointer<Float>?
        var centroids: UnsafePointer<Float>?
        var starts: UnsafeRawPointer
        var codes: UnsafePointer<Int8>?
        var codeScales: UnsafePointer<Float>?
    }

    func views() -> Views? {
        guard let vectors = mapped.section(VectorFormat.Section.vectors)?.baseAddress,
            let ids = mapped.section(VectorFormat.Section.ids)?.baseAddress
        else { return nil }
        func floats(_ id: UInt32) -> UnsafePointer<Float>? {
            mapped.section(id)?.baseAddress?.assumingMemoryBound(to: Float.self)
        }
        let starts = mapped.section(VectorFormat.Section.listStarts)?.baseAddress ?? ids
        var views = Views(
            vectors: vectors, ids: ids.assumingMemoryBound(to: UInt32.self),
            scales: floats(VectorFormat.Section.scales),
            centroids: floats(VectorFormat.Section.centroids), starts: starts)
        if storage == .float32, lists > 0, let codeScales = floats(VectorFormat.Section.codeScales) {
            views.codes = mapped.section(VectorFormat.Section.codes)?.baseAddress?.assumingMemoryBound(to: Int8.self)
            views.codeScales = views.codes == nil ? nil : codeScales
        }
        return views
    }

    /// The rows of IVF list `list`.
    private func listRows(_ list: Int, _ views: Views) -> Range<Int> {
        let first = Int(views.starts.load(fromByteOffset: list * 4, as: UInt32.self))
        let end = Int(views.starts.load(fromByteOffset: list * 4 + 4, as: UInt32.self))
        return first..<end
    }

    /// Fills `probes` with the lists whose centroids score best: one matrix–vector product a block at a time, and
    /// a partial selection (no sort of all lists).
    private func nearestLists(_ scratch: SearchScratch, views: Views, into probes: inout TopList) {
        guard let centroids = views.centroids else { return }
        var first = 0
        while first < lists {
            let n = min(VectorKernels.block, lists - first)
            crew_scores_f32(scratch.query, centroids + first * stride, stride, n, scratch.scores)
            probes.offer(scratch.scores, ids: nil, firstID: first, n: n)
            first += n
        }
    }
}
