import CrewTestSupport
import Foundation
import Testing

@testable import CrewKnowledge

/// Damage inside the BM25 sections (the container's own checks are IndexFileTests'): loading rejects what it can
/// check cheaply; anything else must give wrong or empty results, never a read outside the mapping.
@Suite struct BM25DamageTests {
    let good: [UInt8]
    let folder = TemporaryFolder()

    init() {
        var builder = BM25Builder()
        for text in BM25Fixture.generated(count: 120, seed: 5) { builder.add(text) }
        good = builder.bytes()
    }

    /// Where section `id` starts, from the container's table.
    func offset(of section: BM25Format.Section, in bytes: [UInt8]) -> Int {
        let count = Int(bytes[16])
        for i in 0..<count {
            let entry = IndexFile.headerSize + i * IndexFile.entrySize
            guard bytes[entry] == UInt8(section.rawValue) else { continue }
            return (0..<8).reduce(0) { $0 | Int(bytes[entry + 8 + $1]) << (8 * $1) }
        }
        return -1
    }

    func patched(_ section: BM25Format.Section, word: Int, to value: UInt32) -> [UInt8] {
        var bytes = good
        let start = offset(of: section, in: bytes) + 4 * word
        for i in 0..<4 { bytes[start + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
        return bytes
    }

    func load(_ name: String, _ bytes: [UInt8]) throws -> BM25Index {
        folder.write(name, data: Data(bytes))
        return try BM25Index(path: folder.path + "/" + name)
    }

    @Test func inconsistentCountsAreRejectedAtLoad() {
        let cases: [(String, [UInt8])] = [
            ("documents", patched(.meta, word: 1, to: 121)), ("terms", patched(.meta, word: 2, to: 5)),
            ("postings", patched(.meta, word: 3, to: 1)), ("layout", patched(.meta, word: 0, to: 2)),
        ]
        for (name, bytes) in cases {
            #expect(throws: MappedIndex.LoadError.self, "\(name)") { try load(name, bytes) }
        }
        var otherKind = IndexFileWriter(kind: .bm25)
        otherKind.add(section: 1, values: [UInt32(1)])
        #expect(throws: MappedIndex.LoadError.self) { try load("short meta", otherKind.bytes()) }
        #expect(throws: MappedIndex.LoadError.self) { try load("no sections", IndexFileWriter(kind: .bm25).bytes()) }
    }

    @Test func wildOffsetsAndIdsNeverReadOutsideTheMapping() throws {
        let query = (0..<40).map { BM25Fixture.word($0) }.joined(separator: " ")
        let cases: [(String, [UInt8])] = [
            ("posting start", patched(.postingStarts, word: 3, to: .max)),
            ("posting end", patched(.postingStarts, word: 4, to: 1 << 30)),
            ("posting order", patched(.postingStarts, word: 2, to: 0)),
            ("term offset", patched(.termOffsets, word: 5, to: .max)),
            ("document id", patched(.postingDocs, word: 0, to: .max)),
            ("document id 2", patched(.postingDocs, word: 7, to: 1_000)),
            ("max impact", patched(.termMaxImpacts, word: 0, to: 0)),
            ("impact", patched(.postingImpacts, word: 0, to: Float.nan.bitPattern)),
        ]
        for (name, bytes) in cases {
            let index = try load(name, bytes)
            for k in [1, 10, 1_000] {
                let results = index.search(query, k: k)
                #expect(results.allSatisfy { Int($0.document) < index.documentCount }, "\(name)")
                let lists = index.cursors(for: query)
                #expect(index.searchMaxScore(lists, k: k).allSatisfy { $0.document < 120 }, "\(name)")
                #expect(index.searchAccumulating(lists, k: k).allSatisfy { $0.document < 120 }, "\(name)")
            }
        }
    }
}
