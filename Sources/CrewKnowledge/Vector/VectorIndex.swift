import CCrewKernels
import Foundation

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
    /// Candidates re-ranked per requested result when the file has search codes (see `hasSearchCodes`). Each extra
    /// candidate costs a scattered read of its float32 row. On the 100k × 384 benchmark 2 already keeps the recall of
    /// a float32 scan; on low-dimensional isotropic clusters (the tests' data) 2 loses about 1.4 points of recall@10
    /// and 3 keeps it, for about 8 % fewer queries a second than 2.
    public static let defaultRerank = 3
    let stride: Int
    let mapped: MappedIndex

    public init(path: String, prefetch: Bool = false) throws(MappedIndex.LoadError) {
        mapped = try MappedIndex(path: path, expecting: .vectors)
        let header = try Self.readHeader(mapped)
        (dimensions, stride, count, storage, lists, defaultProbes) = header
        try checkSections()
        if prefetch { mapped.prefetch() }
    }

    /// True when an IVF search scans 4-bit codes of the float32 rows and re-ranks the best candidates exactly.
    public var hasSearchCodes: Bool { views()?.codes != nil }

    /// The `probes` lists whose centroids best match the query are scanned (all rows for an exact index). With
    /// search codes, the lists' 4-bit codes are scanned and the `k × rerank` best rows re-scored in float32.
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
        let factor = quantizeQuery(scratch, codes: views.centroidCodes != nil)
        var probeList = scratch.probes
        nearestLists(scratch, views: views, factor: factor, into: &probeList)
        var top = scratch.top
        if let codes = views.codes, let ranges = views.codeRanges {
            var pool = scratch.candidates
            for probe in 0..<probeList.count {
                let list = Int(probeList.ids[probe])
                let (factor, offset) = scratch.loadWeights(ranges: ranges + list * 2 * stride, stride: stride)
                scanCodes(listRows(list, views), codes, scratch, factor: factor, offset: offset, into: &pool)
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

    /// Scores every vector: the reference result, and the right choice for small collections. A scan of more than
    /// `VectorIndex.parallelScanBytes` is split over the cores: one core reads only about 10 GB/s from this kind of
    /// machine's memory. Each part keeps its own top k and the parts are merged, so the result does not depend on
    /// the split. `threads` overrides the choice (1: the calling thread only).
    public func exactSearch(_ query: [Float], k: Int, threads: Int? = nil) -> [(document: UInt32, score: Float)] {
        guard query.count == dimensions, k > 0, count > 0 else { return [] }
        let k = min(k, count)
        let parts = scanParts(threads: threads)
        guard parts > 1 else { return exactSearch(query, k: k, rows: 0..<count) }
        let count = self.count
        let found = PartResults<[(document: UInt32, score: Float)]>(parts, empty: [])
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            found.store(part, exactSearch(query, k: k, rows: count * part / parts..<count * (part + 1) / parts))
        }
        return Self.best(found.all.flatMap { $0 }, k: k)
    }

    /// How many parts an exact scan is split into: `threads` when given, else one below `parallelScanBytes` and
    /// every core above.
    func scanParts(threads: Int?) -> Int {
        let automatic = count * stride * storage.width < Self.parallelScanBytes ? 1 : Parallel.cores
        return min(max(1, threads ?? automatic), count)
    }

    /// The k best of the parts' hits, best first, ties to the smaller document id.
    static func best(_ hits: [(document: UInt32, score: Float)], k: Int) -> [(document: UInt32, score: Float)] {
        let sorted = hits.sorted { $0.score > $1.score || ($0.score == $1.score && $0.document < $1.document) }
        return Array(sorted.prefix(k))
    }

    /// Below this many bytes of vectors an exact scan stays on the calling thread (it takes about a millisecond).
    public static let parallelScanBytes = 8 << 20

    /// The k best of `rows`.
    private func exactSearch(_ query: [Float], k: Int, rows: Range<Int>) -> [(document: UInt32, score: Float)] {
        guard let views = views() else { return [] }
        let scratch = SearchScratch(stride: stride, probes: 0, candidates: 0, k: k)
        defer { scratch.deallocate() }
        scratch.load(query, stride: stride)
        var top = scratch.top
        let factor = quantizeQuery(scratch, codes: false)
        scan(rows, views: views, scratch: scratch, factor: factor, into: &top)
        return top.results
    }

    /// Asks the kernel to read the whole file ahead: after a cold start, queries then page in at disk speed.
    public func prefetch() { mapped.prefetch() }

    /// Asks the kernel to read ahead, in the background, what every search reads: for IVF the centroids (or their
    /// codes), list starts, ids and search codes, not the float32 rows, of which a search reads only a few dozen
    /// (with codes, about a ninth of the file); for an exact index the whole file. Worth it when something else
    /// takes time before the first query (embedding the query does).
    public func prefetchSearchSections() {
        let section = VectorFormat.Section.self
        guard lists > 0 else { return mapped.prefetch() }
        let centroids = views()?.centroidCodes == nil ? [section.centroids] : [section.centroidCodes]
        let rows = hasSearchCodes ? [section.codes, section.codeRanges] : []
        mapped.prefetch(sections: centroids + [section.centroidScales, section.listStarts, section.ids] + rows)
    }

    /// Pointers into the mapping (sizes were checked at load).
    struct Views {
        var vectors: UnsafeRawPointer
        var ids: UnsafePointer<UInt32>
        var scales: UnsafePointer<Float>?
        var centroids: UnsafePointer<Float>?
        var starts: UnsafeRawPointer
        var codes: UnsafePointer<UInt8>?
        /// Per list: lows then steps, `stride` each.
        var codeRanges: UnsafePointer<Float>?
        var centroidCodes: UnsafePointer<Int8>?
        var centroidScales: UnsafePointer<Float>?
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
        guard lists > 0 else { return views }
        // Load checks guarantee each pair is whole or absent.
        if storage == .float32, let ranges = floats(VectorFormat.Section.codeRanges) {
            views.codes = mapped.section(VectorFormat.Section.codes)?.baseAddress?.assumingMemoryBound(to: UInt8.self)
            views.codeRanges = views.codes == nil ? nil : ranges
        }
        if let scales = floats(VectorFormat.Section.centroidScales) {
            views.centroidCodes = mapped.section(VectorFormat.Section.centroidCodes)?.baseAddress?
                .assumingMemoryBound(to: Int8.self)
            views.centroidScales = views.centroidCodes == nil ? nil : scales
        }
        return views
    }

    /// The rows of IVF list `list`.
    private func listRows(_ list: Int, _ views: Views) -> Range<Int> {
        let first = Int(views.starts.load(fromByteOffset: list * 4, as: UInt32.self))
        let end = Int(views.starts.load(fromByteOffset: list * 4 + 4, as: UInt32.self))
        return first..<end
    }

    /// Fills `probes` with the lists whose centroids score best: one matrix–vector product a block at a time (over
    /// the int8 centroid codes when the file has them; `factor` is the int16 query's), and a partial selection.
    private func nearestLists(_ scratch: SearchScratch, views: Views, factor: Float, into probes: inout TopList) {
        guard let centroids = views.centroids else { return }
        var first = 0
        while first < lists {
            let n = min(VectorKernels.block, lists - first)
            if let codes = views.centroidCodes, let scales = views.centroidScales {
                crew_scores_i8(
                    scratch.query16, factor, codes + first * stride, scales + first, stride, n, scratch.scores)
            } else {
                crew_scores_f32(scratch.query, centroids + first * stride, stride, n, scratch.scores)
            }
            probes.offer(scratch.scores, ids: nil, firstID: first, n: n)
            first += n
        }
    }
}

/// What each part of a split scan found: each part writes only its own slot, and `all` is read after every part
/// has finished, so the slots need no lock.
final class PartResults<Slot>: @unchecked Sendable {
    private var slots: UnsafeMutableBufferPointer<Slot>

    init(_ parts: Int, empty: Slot) {
        slots = .allocate(capacity: parts)
        slots.initialize(repeating: empty)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func store(_ part: Int, _ result: Slot) {
        slots[part] = result
    }

    var all: [Slot] { Array(slots) }
}
