import Foundation

/// Builds a BM25 index in memory: documents are tokenized as they are added; `bytes()` computes every posting's
/// impact (its whole BM25 term score), so a query is a sum over a few posting lists and nothing is scored twice.
///
/// Scoring is Okapi BM25 with Lucene's non-negative idf, `ln(1 + (N - df + 0.5) / (df + 0.5))`, and
/// `tf × (k1 + 1) / (tf + k1 × (1 - b + b × dl / avgdl))`, computed in double precision and stored as `Float`.
/// Output depends only on the documents and their order: terms are written in byte order, never hash order.
public struct BM25Builder {
    public let k1: Float
    public let b: Float
    private var terms = BM25TermTable()
    private var postingTerms: [UInt32] = []
    private var postingDocs: [UInt32] = []
    private var postingFrequencies: [UInt32] = []
    private var documentLengths: [UInt32] = []
    /// Per term: 1 + the last document it was seen in (0: never), and where that document's posting is.
    private var lastDocument: [UInt32] = []
    private var lastPosting: [UInt32] = []

    public init(k1: Float = 1.2, b: Float = 0.75) {
        self.k1 = k1
        self.b = b
    }

    /// Adds a document and returns its id (0, 1, 2, … in the order added).
    @discardableResult
    public mutating func add(_ text: String) -> UInt32 {
        let document = UInt32(documentLengths.count)
        var length: UInt32 = 0
        Tokenizer.forEachTerm(text) { term in
            length += 1
            count(Int(terms.intern(term)), in: document)
        }
        documentLengths.append(length)
        return document
    }

    /// A document's terms, found ahead of `add` (on any thread, many documents at once): their bytes end to end,
    /// and each one's length.
    public struct Terms: Sendable {
        var bytes: [UInt8] = []
        var lengths: [UInt16] = []

        public init(_ text: String) {
            bytes.reserveCapacity(text.utf8.count)
            Tokenizer.forEachTerm(text) { term in
                bytes.append(contentsOf: term)
                lengths.append(UInt16(term.count))
            }
        }
    }

    /// Adds a document whose terms were found ahead; the same index as `add(text)`.
    @discardableResult
    public mutating func add(_ found: Terms) -> UInt32 {
        let document = UInt32(documentLengths.count)
        found.bytes.withUnsafeBufferPointer { all in
            var offset = 0
            for length in found.lengths {
                let term = UnsafeBufferPointer(rebasing: all[offset..<offset + Int(length)])
                count(Int(terms.intern(term)), in: document)
                offset += Int(length)
            }
        }
        documentLengths.append(UInt32(found.lengths.count))
        return document
    }

    private mutating func count(_ term: Int, in document: UInt32) {
        if term == lastDocument.count {
            lastDocument.append(0)
            lastPosting.append(0)
        }
        if lastDocument[term] == document &+ 1 {
            postingFrequencies[Int(lastPosting[term])] += 1
            return
        }
        lastDocument[term] = document &+ 1
        lastPosting[term] = UInt32(postingDocs.count)
        postingTerms.append(UInt32(term))
        postingDocs.append(document)
        postingFrequencies.append(1)
    }

    /// The index file: the shared container holding the sections of ``BM25Format``.
    public func bytes() -> [UInt8] {
        let order = sortedTerms()
        var rank = [UInt32](repeating: 0, count: order.count)
        for (position, term) in order.enumerated() { rank[term] = UInt32(position) }
        let starts = postingStarts(rank: rank)
        let lists = fillPostings(rank: rank, starts: starts)
        var writer = IndexFileWriter(kind: .bm25)
        writer.add(section: BM25Format.Section.meta.rawValue, values: meta())
        addDictionary(order: order, to: &writer)
        writer.add(section: .postingStarts, raw: starts)
        writer.add(section: .postingDocs, raw: lists.docs)
        writer.add(section: .postingImpacts, raw: lists.impacts)
        writer.add(section: .termMaxImpacts, raw: lists.maxImpacts)
        writer.add(section: .documentLengths, raw: documentLengths)
        return writer.bytes()
    }

    private var averageLength: Double {
        let total = documentLengths.reduce(0) { $0 + Int($1) }
        return total == 0 ? 1 : Double(total) / Double(documentLengths.count)
    }

    private func meta() -> [UInt32] {
        [
            BM25Format.version, UInt32(documentLengths.count), UInt32(terms.count), UInt32(postingDocs.count),
            k1.bitPattern, b.bitPattern, Float(averageLength).bitPattern, 0,
        ]
    }

    /// Term ids in ascending byte order of their text.
    private func sortedTerms() -> [Int] {
        terms.arena.withUnsafeBytes { arena in
            terms.starts.withUnsafeBufferPointer { starts in
                (0..<terms.count).sorted { left, right in
                    BM25Format.precedes(
                        UnsafeRawBufferPointer(rebasing: arena[Int(starts[left])..<Int(starts[left + 1])]),
                        UnsafeRawBufferPointer(rebasing: arena[Int(starts[right])..<Int(starts[right + 1])]))
                }
            }
        }
    }

    private func addDictionary(order: [Int], to writer: inout IndexFileWriter) {
        var offsets: [UInt32] = [0]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(terms.arena.count)
        offsets.reserveCapacity(order.count + 1)
        for term in order {
            bytes += terms.bytes(term)
            offsets.append(UInt32(bytes.count))
        }
        writer.add(section: .termOffsets, raw: offsets)
        writer.add(section: BM25Format.Section.termBytes.rawValue, bytes: bytes)
    }

    /// Prefix sums of document frequencies, in sorted-term order.
    private func postingStarts(rank: [UInt32]) -> [UInt32] {
        var starts = [UInt32](repeating: 0, count: rank.count + 1)
        for term in postingTerms { starts[Int(rank[Int(term)]) + 1] += 1 }
        for i in 0..<rank.count { starts[i + 1] += starts[i] }
        return starts
    }

    /// Places each posting in its term's list (a counting sort: documents stay ascending) with its impact.
    private func fillPostings(rank: [UInt32], starts: [UInt32]) -> (
        docs: [UInt32], impacts: [Float], maxImpacts: [Float]
    ) {
        let n = Double(documentLengths.count)
        let k1 = Double(self.k1)
        let average = averageLength
        let lengthNorm = documentLengths.map { k1 * (1 - Double(b) + Double(b) * Double($0) / average) }
        var next = starts
        var docs = [UInt32](repeating: 0, count: postingDocs.count)
        var impacts = [Float](repeating: 0, count: postingDocs.count)
        var maxImpacts = [Float](repeating: 0, count: rank.count)
        let idfs = (0..<rank.count).map { term in
            let df = Double(starts[term + 1] - starts[term])
            return log(1 + (n - df + 0.5) / (df + 0.5))
        }
        for posting in 0..<postingDocs.count {
            let term = Int(rank[Int(postingTerms[posting])])
            let idf = idfs[term]
            let tf = Double(postingFrequencies[posting])
            let document = postingDocs[posting]
            let impact = Float(idf * tf * (k1 + 1) / (tf + lengthNorm[Int(document)]))
            let slot = Int(next[term])
            next[term] += 1
            docs[slot] = document
            impacts[slot] = impact
            maxImpacts[term] = max(maxImpacts[term], impact)
        }
        return (docs, impacts, maxImpacts)
    }
}
