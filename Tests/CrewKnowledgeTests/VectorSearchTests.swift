import CrewCore
import CrewTestSupport
import Foundation
import Testing

@testable import CrewKnowledge

/// Deterministic clustered vectors (a Gaussian mixture) and a brute-force reference to check search against.
enum VectorFixture {
    static func clustered(count: Int, dimensions: Int, clusters: Int, seed: UInt64) -> [[Float]] {
        var random = VectorRandom(seed: seed)
        let centers = (0..<clusters).map { _ in gaussian(dimensions, &random) }
        return (0..<count).map { _ in
            let center = centers[Int(random.next() % UInt64(clusters))]
            return zip(center, gaussian(dimensions, &random)).map { $0 + 0.5 * $1 }
        }
    }

    /// Box–Muller normals from the seeded generator.
    static func gaussian(_ count: Int, _ random: inout VectorRandom) -> [Float] {
        (0..<count).map { _ in
            let u = max(Double(random.next() >> 11) / Double(1 << 53), 1e-12)
            let v = Double(random.next() >> 11) / Double(1 << 53)
            return Float((-2 * log(u)).squareRoot() * cos(2 * .pi * v))
        }
    }

    /// Cosine similarity in Double, all vectors, best first, ties to the smaller id.
    static func bruteForce(_ vectors: [[Float]], _ query: [Float], k: Int) -> [(document: UInt32, score: Float)] {
        let q = unit(query)
        let scored = vectors.enumerated().map { (id, vector) in
            (document: UInt32(id), score: Float(zip(unit(vector), q).reduce(0) { $0 + $1.0 * $1.1 }))
        }
        return Array(
            scored.sorted { $0.score > $1.score || ($0.score == $1.score && $0.document < $1.document) }.prefix(k))
    }

    static func unit(_ vector: [Float]) -> [Double] {
        let norm = vector.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        return vector.map { norm > 0 ? Double($0) / norm : 0 }
    }

    static func write(_ builder: VectorIndexBuilder, in folder: TemporaryFolder, name: String = "v.idx") throws
        -> VectorIndex
    {
        folder.write(name, data: Data(builder.bytes()))
        return try VectorIndex(path: folder.path + "/" + name)
    }

    static func builder(_ vectors: [[Float]], storage: VectorStorage = .float32, kind: VectorIndexKind = .exact)
        -> VectorIndexBuilder
    {
        var builder = VectorIndexBuilder(dimensions: vectors.first?.count ?? 0, storage: storage, kind: kind)
        for vector in vectors { builder.add(vector) }
        return builder
    }
}

@Suite struct VectorSearchTests {
    let vectors: [[Float]]
    let queries: [[Float]]

    init() {
        let all = VectorFixture.clustered(count: 1_520, dimensions: 40, clusters: 12, seed: 7)
        vectors = Array(all[..<1_500])
        queries = Array(all[1_500...])
    }

    @Test func exactFloat32MatchesBruteForce() throws {
        let folder = TemporaryFolder()
        let index = try VectorFixture.write(VectorFixture.builder(vectors), in: folder)
        #expect(index.count == 1_500 && index.dimensions == 40 && index.lists == 0)
        for query in queries {
            let found = index.exactSearch(query, k: 10)
            let expected = VectorFixture.bruteForce(vectors, query, k: 10)
            #expect(found.map(\.document) == expected.map(\.document))
            for (a, b) in zip(found, expected) { #expect(abs(a.score - b.score) <= 1e-5) }
            #expect(index.search(query, k: 10).map(\.document) == found.map(\.document))
        }
    }

    /// A scan split over threads gives the one-thread result, ties included (duplicated rows score alike).
    @Test(arguments: [VectorStorage.float32, .int8])
    func splitScansMatchOneThread(storage: VectorStorage) throws {
        let folder = TemporaryFolder()
        let index = try VectorFixture.write(
            VectorFixture.builder(vectors + vectors[..<300], storage: storage, kind: .exact), in: folder)
        for query in queries.prefix(20) + [vectors[7]] {
            let one = index.exactSearch(query, k: 25, threads: 1)
            for threads in [2, 3, 7, 5_000] {
                let split = index.exactSearch(query, k: 25, threads: threads)
                #expect(split.map(\.document) == one.map(\.document) && split.map(\.score) == one.map(\.score))
            }
        }
        #expect(index.exactSearch(vectors[7], k: 2, threads: 4).map(\.document) == [7, 1_500 + 7])
    }

    /// Quantized scores stay within a documented tolerance of the exact score of the same document: float16
    /// 2e-3, int8 1e-2 (rounding error of at most half a step per component, summed over unit vectors).
    @Test(arguments: [(VectorStorage.float16, Float(2e-3)), (VectorStorage.int8, Float(1e-2))])
    func quantizedScoresStayWithinTolerance(storage: VectorStorage, tolerance: Float) throws {
        let folder = TemporaryFolder()
        let index = try VectorFixture.write(VectorFixture.builder(vectors, storage: storage), in: folder)
        #expect(index.storage == storage)
        var overlap = 0
        for query in queries {
            let found = index.exactSearch(query, k: 10)
            let exact = VectorFixture.bruteForce(vectors, query, k: vectors.count)
            let truth = Dictionary(uniqueKeysWithValues: exact.map { ($0.document, $0.score) })
            for hit in found { #expect(abs(hit.score - (truth[hit.document] ?? 9)) <= tolerance) }
            overlap += Set(found.map(\.document)).intersection(exact.prefix(10).map(\.document)).count
        }
        #expect(Double(overlap) / Double(queries.count * 10) >= 0.9)
    }

    @Test func ivfRecallAtDefaultProbes() throws {
        let all = VectorFixture.clustered(count: 6_100, dimensions: 32, clusters: 40, seed: 3)
        let data = Array(all[..<6_000])
        let folder = TemporaryFolder()
        let index = try VectorFixture.write(VectorFixture.builder(data, kind: .ivf(lists: 77)), in: folder)
        #expect(index.lists == 77 && index.defaultProbes >= 1)
        var hits = 0
        let sample = Array(all[6_000...])
        for query in sample {
            let exact = Set(index.exactSearch(query, k: 10).map(\.document))
            hits += index.search(query, k: 10).filter { exact.contains($0.document) }.count
        }
        #expect(Double(hits) / 1_000 >= 0.95)
        let everyList = index.search(sample[0], k: 10, probes: 77).map(\.document)
        #expect(everyList == index.exactSearch(sample[0], k: 10).map(\.document))
    }

    @Test func autoPicksExactForSmallCollections() throws {
        var builder = VectorFixture.builder(vectors, kind: .auto)
        #expect(builder.resolvedLists == 0)
        builder = VectorIndexBuilder(dimensions: 2)
        for i in 0..<VectorFormat.ivfThreshold { builder.add([1, Float(i)]) }
        #expect(builder.resolvedLists == 100)
        builder = VectorIndexBuilder(dimensions: 4, kind: .ivf(lists: 10))
        builder.add([1, 0, 0, 0])
        #expect(builder.resolvedLists == 1)
    }

    @Test func badQueriesGiveEmptyResults() throws {
        let folder = TemporaryFolder()
        let index = try VectorFixture.write(VectorFixture.builder(vectors, kind: .ivf(lists: 8)), in: folder)
        #expect(index.search([1, 2, 3], k: 10).isEmpty)
        #expect(index.exactSearch(Array(repeating: 1, count: 41), k: 10).isEmpty)
        #expect(index.search(queries[0], k: 0).isEmpty)
        #expect(index.search(queries[0], k: -3).isEmpty)
        #expect(index.search(queries[0], k: 10, probes: -5).count == 10)
        #expect(index.search(queries[0], k: 10, probes: 1_000).count == 10)
        #expect(index.search(queries[0], k: 5_000).count <= vectors.count)
        #expect(index.exactSearch(queries[0], k: .max).count == vectors.count)
        let nan = [Float](repeating: .nan, count: 40)
        #expect(index.exactSearch(nan, k: 3).count == 3)
    }

    @Test func mismatchedAndZeroVectorsAreStoredAsZero() throws {
        var builder = VectorIndexBuilder(dimensions: 3)
        #expect(builder.add([1, 0, 0]) == 0)
        #expect(builder.add([1, 2]) == 1)
        #expect(builder.add([0, 0, 0]) == 2)
        #expect(builder.add([0, 1, 0]) == 3)
        #expect(builder.mismatchedVectors == 1)
        let folder = TemporaryFolder()
        let index = try VectorFixture.write(builder, in: folder)
        let found = index.search([0, 2, 0], k: 4)
        #expect(found.map(\.document) == [3, 0, 1, 2])
        #expect(abs(found[0].score - 1) <= 1e-6 && found[1].score == 0)
    }
}

/// IVF over float32 with 4-bit search codes: probes scan the codes, the best candidates are re-ranked exactly.
@Suite struct VectorSearchCodeTests {
    let data = VectorFixture.clustered(count: 4_100, dimensions: 45, clusters: 30, seed: 11)

    @Test func codesRerankToExactScores() throws {
        let folder = TemporaryFolder()
        let index = try VectorFixture.write(
            VectorFixture.builder(Array(data[..<4_000]), kind: .ivf(lists: 40)), in: folder)
        #expect(index.hasSearchCodes)
        var hits = 0
        for query in data[4_000...] {
            let exact = index.exactSearch(query, k: 10)
            let truth = Dictionary(
                uniqueKeysWithValues: index.exactSearch(query, k: 4_000).map { ($0.document, $0.score) })
            let found = index.search(query, k: 10, probes: 40)
            for hit in found { #expect(truth[hit.document] == hit.score, "re-ranked scores are the exact scores") }
            hits += Set(found.map(\.document)).intersection(exact.map(\.document)).count
            let wholePool = index.search(query, k: 10, probes: 40, rerank: 400)
            #expect(wholePool.map(\.document) == exact.map(\.document))
        }
        #expect(hits >= 990)
    }

    @Test func filesWithoutCodesSearchTheFloatRows() throws {
        let folder = TemporaryFolder()
        var builder = VectorFixture.builder(Array(data[..<4_000]), kind: .ivf(lists: 40))
        builder.searchCodes = false
        let plain = try VectorFixture.write(builder, in: folder, name: "plain.idx")
        let coded = try VectorFixture.write(
            VectorFixture.builder(Array(data[..<4_000]), kind: .ivf(lists: 40)), in: folder)
        #expect(!plain.hasSearchCodes)
        for query in data[4_000..<4_020] {
            let a = plain.search(query, k: 10, probes: 40)
            #expect(a.map(\.document) == plain.exactSearch(query, k: 10).map(\.document))
            #expect(coded.search(query, k: 10, probes: 40, rerank: 400).map(\.document) == a.map(\.document))
        }
    }
}
