import CrewTestSupport
import Foundation
import Testing

@testable import CrewKnowledge

/// A generated corpus, its index file, and a brute-force BM25 to check the index against.
struct BM25Fixture {
    let documents: [String]
    let index: BM25Index
    let bytes: [UInt8]
    let folder = TemporaryFolder()
    /// Per document: term frequencies and length; per term: document frequency (for the reference).
    private let frequencies: [[String: Int]]
    private let lengths: [Int]
    private let documentFrequency: [String: Int]

    init(documents: [String]) throws {
        self.documents = documents
        var builder = BM25Builder()
        for (i, text) in documents.enumerated() { #expect(builder.add(text) == UInt32(i)) }
        bytes = builder.bytes()
        folder.write("bm25.idx", data: Data(bytes))
        index = try BM25Index(path: folder.path + "/bm25.idx")
        let terms = documents.map(Tokenizer.terms)
        lengths = terms.map(\.count)
        frequencies = terms.map { $0.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
        documentFrequency = frequencies.reduce(into: [:]) { df, tf in
            for term in tf.keys { df[term, default: 0] += 1 }
        }
    }

    /// Documents from a skewed vocabulary (word i is drawn with weight 1 / (i + 1)), so lists range from a few
    /// postings to most of the collection. Deterministic.
    static func generated(count: Int, seed: UInt64) -> [String] {
        var random = BM25Random(seed)
        return (0..<count).map { _ in
            (0..<random.next(5...60)).map { _ in word(random.skewed(300)) }.joined(separator: " ")
        }
    }

    static func word(_ i: Int) -> String { "w\(i)" }

    /// Okapi BM25 straight from the definition, in double precision, every document scored.
    func reference(_ query: String, k1: Double = 1.2, b: Double = 0.75) -> [(document: UInt32, score: Double)] {
        let average = max(1, Double(lengths.reduce(0, +)) / Double(max(documents.count, 1)))
        let n = Double(documents.count)
        let queryTerms = Tokenizer.terms(query)
        var results: [(document: UInt32, score: Double)] = []
        for id in documents.indices {
            var score = 0.0
            var matched = false
            for term in queryTerms {
                guard let count = frequencies[id][term] else { continue }
                matched = true
                let tf = Double(count)
                let df = Double(documentFrequency[term] ?? 0)
                let idf: Double = log(1 + (n - df + 0.5) / (df + 0.5))
                let norm: Double = k1 * (1 - b + b * Double(lengths[id]) / average)
                score += idf * tf * (k1 + 1) / (tf + norm)
            }
            if matched { results.append((UInt32(id), score)) }
        }
        return results.sorted { $0.score != $1.score ? $0.score > $1.score : $0.document < $1.document }
    }
}

/// SplitMix64: a tiny seeded generator, so test data is the same on every run and platform.
struct BM25Random {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// 0..<n with weight 1 / (i + 1).
    mutating func skewed(_ n: Int) -> Int {
        let u = Double(next() >> 11) / Double(1 << 53)
        return min(n - 1, Int(exp(u * log(Double(n + 1)))) - 1)
    }
}

/// Checks `actual` against the reference top k: scores equal to 1e-5 (relative above 1), and the same documents,
/// except that documents whose reference scores tie within that tolerance may trade places.
func expectBM25Matches(
    _ actual: [(document: UInt32, score: Float)], _ reference: [(document: UInt32, score: Double)], k: Int,
    _ comment: String
) {
    let expected = Array(reference.prefix(k))
    #expect(actual.count == expected.count, "\(comment)")
    for (got, want) in zip(actual, expected) {
        let tolerance = 1e-5 * max(1, want.score)
        #expect(abs(Double(got.score) - want.score) <= tolerance, "\(comment): \(got) vs \(want)")
        if got.document != want.document {
            let tied = reference.first { $0.document == got.document }.map { abs($0.score - want.score) <= tolerance }
            #expect(tied == true, "\(comment): \(got.document) in place of \(want.document)")
        }
    }
}
