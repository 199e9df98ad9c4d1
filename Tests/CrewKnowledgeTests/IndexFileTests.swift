import CrewCore
import CrewTestSupport
import Foundation
import Testing

@testable import CrewKnowledge

@Suite struct IndexFileTests {
    func sample() -> [UInt8] {
        var writer = IndexFileWriter(kind: .bm25)
        writer.add(section: 1, values: [UInt32(7), 8, 9])
        writer.add(section: 2, floats: [0.5, -1.25])
        writer.add(section: 3, bytes: Array("hello".utf8))
        return writer.bytes()
    }

    @Test func roundTripsThroughAMapping() throws {
        let folder = TemporaryFolder()
        folder.write("i.bin", data: Data(sample()))
        let index = try MappedIndex(path: folder.path + "/i.bin", expecting: .bm25)
        #expect(Array(index.values(1, as: UInt32.self) ?? UnsafeBufferPointer(start: nil, count: 0)) == [7, 8, 9])
        #expect(Array(index.floats(2) ?? UnsafeBufferPointer(start: nil, count: 0)) == [0.5, -1.25])
        #expect(String(decoding: index.section(3)!, as: UTF8.self) == "hello")
        #expect(index.section(9) == nil)
        try index.verify()
        #expect(sample() == sample())
    }

    @Test func damageIsAnErrorNeverACrash() throws {
        let folder = TemporaryFolder()
        let good = sample()
        var cases: [(String, [UInt8])] = [
            ("empty", []), ("truncated header", Array(good.prefix(40))), ("truncated body", Array(good.dropLast(10))),
            ("extended", good + [0]),
        ]
        var badMagic = good
        badMagic[0] = 0x58
        var badVersion = good
        badVersion[8] = 9
        var badTable = good
        badTable[IndexFile.headerSize + 8] ^= 0xFF
        cases += [("magic", badMagic), ("version", badVersion), ("table", badTable)]
        for (name, bytes) in cases {
            folder.write(name, data: Data(bytes))
            #expect(throws: MappedIndex.LoadError.self, "\(name)") {
                try MappedIndex(path: folder.path + "/" + name, expecting: .bm25)
            }
        }
        folder.write("kind", data: Data(good))
        #expect(throws: MappedIndex.LoadError.self) {
            try MappedIndex(path: folder.path + "/kind", expecting: .vectors)
        }
        var flipped = good
        flipped[flipped.count - 1] ^= 0x01
        folder.write("body", data: Data(flipped))
        let index = try MappedIndex(path: folder.path + "/body", expecting: .bm25)  // loads: only the table is checked
        #expect(throws: MappedIndex.LoadError.self) { try index.verify() }
    }
}
