import CrewTestSupport
import Foundation
import Testing

@testable import CrewKnowledge

/// An exact batch gives each query exactly what a search of that query alone gives: same documents, same scores, same
/// order, ties included.
@Suite struct VectorBatchSearchTests {
    let data = VectorFixture.clustered(count: 3_100, dimensions: 40, clusters: 24, seed: 19)
    var vectors: [[Float]] { Array(data[..<3_000]) + Array(data[..<200]) }  // duplicates: ties
    var queries: [[Float]] { Array(data[3_000...]) + [data[5], [1, 2, 3], data[3_001]] }

    static func same(_ a: [(document: UInt32, score: Float)], _ b: [(document: UInt32, score: Float)]) -> Bool {
        a.map(\.document) == b.map(\.document) && a.map(\.score) == b.map(\.score)
    }

    @Test(arguments: [VectorStorage.float32, .float16, .int8])
    func exactBatchMatchesOneByOne(storage: VectorStorage) throws {
        let folder = TemporaryFolder()
        let index = try VectorFixture.write(VectorFixture.builder(vectors, storage: storage), in: folder)
        for threads in [1, 2, 5] {
            let batch = index.exactSearch(batch: queries, k: 12, threads: threads)
            #expect(batch.count == queries.count)
            for (query, found) in zip(queries, batch) {
                #expect(Self.same(found, index.exactSearch(query, k: 12, threads: 1)))
            }
        }
        #expect(index.exactSearch(batch: queries, k: 12)[queries.count - 2].isEmpty, "wrong length: no hits")
    }

    /// Batches longer than `batchQueries` are split; empty batches, k <= 0 and k past the count are handled.
    @Test func longEmptyAndOddBatches() throws {
        let folder = TemporaryFolder()
        let index = try VectorFixture.write(VectorFixture.builder(vectors), in: folder)
        let many = (0..<(VectorIndex.batchQueries * 2 + 7)).map { data[3_000 + $0 % 100] }
        let batch = index.exactSearch(batch: many, k: 5)
        #expect(batch.count == many.count)
        for (query, found) in zip(many, batch).suffix(300) {
            #expect(Self.same(found, index.exactSearch(query, k: 5)))
        }
        #expect(index.exactSearch(batch: [], k: 5).isEmpty)
        #expect(index.exactSearch(batch: queries, k: 0).allSatisfy { $0.isEmpty })
        #expect(index.exactSearch(batch: queries, k: -1).allSatisfy { $0.isEmpty })
        #expect(index.exactSearch(batch: [data[0]], k: .max)[0].count == vectors.count)
    }
}
