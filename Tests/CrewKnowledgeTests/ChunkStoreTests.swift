import CrewCore
import CrewTestSupport
import Foundation
import Testing

@testable import CrewKnowledge

@Suite struct ChunkStoreTests {
    static func sample() -> [Chunk] {
        let text = "# Guide\n\nIntro.\n\n## Install\n\n" + ChunkerTests.prose(paragraphs: 40, seed: 2)
        let chunker = Chunker(size: 60, overlap: 10)
        var chunks = chunker.chunks([
            SourceDocument(path: "notes/guide.md", text: text, format: .markdown),
            SourceDocument(path: "inline:1", text: "Fiscal year starts in April. Ünïcödé 日本語.", format: .markdown),
        ])
        chunks.append(
            Chunk(
                id: "custom", text: "", source: "notes/guide.md", headingPath: ["A\u{1F}B", ""], lineStart: 3,
                lineEnd: 3))
        return chunks
    }

    @Test func roundTripsThroughAMapping() throws {
        let folder = TemporaryFolder()
        let chunks = Self.sample()
        folder.write("c.idx", data: Data(ChunkStore.bytes(chunks)))
        let reader = try ChunkStoreReader(path: folder.path + "/c.idx")
        try reader.index.verify()
        #expect(reader.count == chunks.count)
        #expect(reader.sourceCount == 2)
        var expected = chunks
        expected[expected.count - 1].headingPath = ["A B", ""]
        #expect((0..<reader.count).map(reader.chunk) == expected)
        #expect(reader.sourceIndex(0) == 0 && reader.sourceIndex(chunks.count - 2) == 1)
        #expect(String(decoding: reader.textBytes(1), as: UTF8.self) == chunks[1].text)
        #expect(reader.position(ofID: chunks[3].id) == 3)
        #expect(reader.position(ofID: "nope") == nil)
        #expect(reader.lines(0) == chunks[0].lineStart...chunks[0].lineEnd)
    }

    @Test func identicalInputGivesIdenticalBytes() {
        #expect(ChunkStore.bytes(Self.sample()) == ChunkStore.bytes(Self.sample()))
        #expect(ChunkStore.bytes([]) == ChunkStore.bytes([]))
    }

    @Test func anEmptyStoreLoads() throws {
        let folder = TemporaryFolder()
        folder.write("e.idx", data: Data(ChunkStore.bytes([])))
        #expect(try ChunkStoreReader(path: folder.path + "/e.idx").count == 0)
    }

    @Test func damageAndWrongKindsAreErrors() throws {
        let folder = TemporaryFolder()
        var writer = IndexFileWriter(kind: .chunks)
        writer.add(section: ChunkStore.Section.counts, values: [UInt64(5), 1, 1])
        folder.write("short.idx", data: Data(writer.bytes()))
        #expect(throws: MappedIndex.LoadError.self) { try ChunkStoreReader(path: folder.path + "/short.idx") }
        folder.write("bm25.idx", data: Data(IndexFileWriter(kind: .bm25).bytes()))
        #expect(throws: MappedIndex.LoadError.self) { try ChunkStoreReader(path: folder.path + "/bm25.idx") }
        var bad = IndexFileWriter(kind: .chunks)
        bad.add(section: ChunkStore.Section.counts, values: [UInt64(1), 1, 1])
        for (blob, offsets) in [(2, 3), (4, 5), (6, 7), (9, 10)] {
            bad.add(section: UInt32(blob), bytes: Array("abc".utf8))
            bad.add(section: UInt32(offsets), values: [UInt64(2), 1])  // descending
        }
        bad.add(section: 8, values: [UInt32(0)])
        bad.add(section: 11, values: [UInt32(0)])
        bad.add(section: 12, values: [UInt32(1), 1])
        folder.write("order.idx", data: Data(bad.bytes()))
        let error = #expect(throws: MappedIndex.LoadError.self) {
            try ChunkStoreReader(path: folder.path + "/order.idx")
        }
        #expect(error?.problem.contains("out of order") == true)
    }
}
