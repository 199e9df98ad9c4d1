import Foundation

/// A BM25 index read straight from its memory-mapped file: loading checks the container header and that every
/// section has the size the meta section implies, nothing more, so it costs the same for ten documents or a million.
/// Offsets inside sections are checked when a query uses them, so a damaged file gives wrong or empty results, never
/// a read outside the mapping.
public final class BM25Index: Sendable {
    private let file: MappedIndex
    let view: BM25View
    private let scratch: ScratchPool

    public init(path: String) throws(MappedIndex.LoadError) {
        file = try MappedIndex(path: path, expecting: .bm25)
        view = try BM25View(file)
        scratch = ScratchPool(size: view.documentCount)
    }

    public var documentCount: Int { view.documentCount }

    /// The `k` best documents for `query`, best first (ties: lower id first); documents that match no query term
    /// are never returned, so there may be fewer than `k`. Long lists relative to the collection are summed
    /// exhaustively (``Accumulator``), short ones go through ``MaxScore``; both give the same ranking.
    public func search(_ query: String, k: Int) -> [(document: UInt32, score: Float)] {
        guard k > 0 else { return [] }
        let lists = cursors(for: query)
        let postings = lists.reduce(0) { $0 + $1.count }
        if Double(postings) >= Accumulator.shareThreshold * Double(documentCount) {
            return searchAccumulating(lists, k: k)
        }
        return searchMaxScore(lists, k: k)
    }

    /// One cursor per distinct known query term, weighted by how often the query repeats it, in term order.
    func cursors(for query: String) -> [PostingCursor] {
        var weights: [Int: Float] = [:]
        Tokenizer.forEachTerm(query) { term in
            if let id = view.lookup(term) { weights[id, default: 0] += 1 }
        }
        return weights.sorted { $0.key < $1.key }.compactMap { view.cursor(term: $0.key, weight: $0.value) }
    }

    func searchMaxScore(_ lists: [PostingCursor], k: Int) -> [(document: UInt32, score: Float)] {
        // A damaged posting could name a document past the end; callers index arrays with these ids.
        MaxScore.search(lists, k: min(k, documentCount)).filter { Int($0.document) < documentCount }
    }

    func searchAccumulating(_ lists: [PostingCursor], k: Int) -> [(document: UInt32, score: Float)] {
        var scores = scratch.take()
        defer { scratch.give(scores) }
        return Accumulator.search(lists, k: min(k, documentCount), scores: &scores)
    }
}

/// Typed views of the sections; valid as long as the `MappedIndex` that owns the mapping lives.
struct BM25View: @unchecked Sendable {
    let documentCount: Int
    let termCount: Int
    let termOffsets: UnsafeBufferPointer<UInt32>
    let termBytes: UnsafeRawBufferPointer
    let postingStarts: UnsafeBufferPointer<UInt32>
    let postingDocs: UnsafeBufferPointer<UInt32>
    let postingImpacts: UnsafeBufferPointer<Float>
    let maxImpacts: UnsafeBufferPointer<Float>

    init(_ file: MappedIndex) throws(MappedIndex.LoadError) {
        func fail(_ problem: String) -> MappedIndex.LoadError { .init(path: file.path, problem: problem) }
        guard let meta = file.values(BM25Format.Section.meta.rawValue, as: UInt32.self),
            meta.count == BM25Format.metaCount
        else { throw fail("BM25 meta section missing or damaged") }
        guard meta[0] == BM25Format.version else { throw fail("BM25 layout version \(meta[0]), this crew reads 1") }
        documentCount = Int(meta[1])
        termCount = Int(meta[2])
        let postings = Int(meta[3])
        func u32(_ section: BM25Format.Section, _ count: Int) throws(MappedIndex.LoadError) -> UnsafeBufferPointer<
            UInt32
        > {
            guard let values = file.values(section.rawValue, as: UInt32.self), values.count == count else {
                throw fail("BM25 section \(section) missing or of the wrong size")
            }
            return values
        }
        func f32(_ section: BM25Format.Section, _ count: Int) throws(MappedIndex.LoadError) -> UnsafeBufferPointer<
            Float
        > {
            guard let values = file.floats(section.rawValue), values.count == count else {
                throw fail("BM25 section \(section) missing or of the wrong size")
            }
            return values
        }
        termOffsets = try u32(.termOffsets, termCount + 1)
        postingStarts = try u32(.postingStarts, termCount + 1)
        postingDocs = try u32(.postingDocs, postings)
        postingImpacts = try f32(.postingImpacts, postings)
        maxImpacts = try f32(.termMaxImpacts, termCount)
        _ = try u32(.documentLengths, documentCount)
        guard let bytes = file.section(BM25Format.Section.termBytes.rawValue) else { throw fail("BM25 terms missing") }
        termBytes = bytes
    }

    /// Term `index`'s bytes; empty when its offsets are damaged.
    func term(_ index: Int) -> UnsafeRawBufferPointer {
        let start = Int(termOffsets[index])
        let end = Int(termOffsets[index + 1])
        guard start <= end, end <= termBytes.count else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: termBytes[start..<end])
    }

    /// Binary search of the sorted term table, in place.
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let key = UnsafeRawBufferPointer(bytes)
        var low = 0
        var high = termCount
        while low < high {
            let middle = (low + high) / 2
            let candidate = term(middle)
            if BM25Format.precedes(candidate, key) {
                low = middle + 1
            } else if BM25Format.precedes(key, candidate) {
                high = middle
            } else {
                return middle
            }
        }
        return nil
    }

    /// A cursor over term `index`'s postings; nil for an empty or damaged list.
    func cursor(term index: Int, weight: Float) -> PostingCursor? {
        let start = Int(postingStarts[index])
        let end = Int(postingStarts[index + 1])
        guard start < end, end <= postingDocs.count, let docs = postingDocs.baseAddress,
            let impacts = postingImpacts.baseAddress
        else { return nil }
        return PostingCursor(
            docs: docs + start, impacts: impacts + start, count: end - start, weight: weight,
            upperBound: weight * maxImpacts[index])
    }
}
