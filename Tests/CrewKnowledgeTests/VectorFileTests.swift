import CrewCore
import CrewTestSupport
import Foundation
import Testing

@testable import CrewKnowledge

@Suite struct VectorFileTests {
    let vectors = VectorFixture.clustered(count: 600, dimensions: 24, clusters: 6, seed: 11)

    @Test(arguments: [VectorStorage.float32, .float16, .int8])
    func sameVectorsGiveTheSameBytes(storage: VectorStorage) {
        let first = VectorFixture.builder(vectors, storage: storage, kind: .ivf(lists: 20)).bytes()
        let second = VectorFixture.builder(vectors, storage: storage, kind: .ivf(lists: 20)).bytes()
        #expect(first == second)
        var reseeded = VectorIndexBuilder(dimensions: 24, storage: storage, kind: .ivf(lists: 20), seed: 2)
        for vector in vectors { reseeded.add(vector) }
        #expect(reseeded.bytes().count == first.count)
    }

    @Test func emptyIndexLoadsAndFindsNothing() throws {
        let folder = TemporaryFolder()
        let index = try VectorFixture.write(VectorIndexBuilder(dimensions: 8, kind: .ivf(lists: 4)), in: folder)
        #expect(index.count == 0 && index.lists == 0)
        #expect(index.search([Float](repeating: 1, count: 8), k: 5).isEmpty)
    }

    @Test func prefetchLoadsTheSameIndex() throws {
        let folder = TemporaryFolder()
        folder.write("v.idx", data: Data(VectorFixture.builder(vectors).bytes()))
        let index = try VectorIndex(path: folder.path + "/v.idx", prefetch: true)
        #expect(index.exactSearch(vectors[3], k: 1).first?.document == 3)
        // Reading the search sections ahead, for exact and IVF files with and without codes, changes no result.
        var plain = VectorFixture.builder(vectors, kind: .ivf(lists: 10))
        plain.searchCodes = false
        let builders = [VectorFixture.builder(vectors), VectorFixture.builder(vectors, kind: .ivf(lists: 10)), plain]
        for (n, builder) in builders.enumerated() {
            folder.write("p\(n).idx", data: Data(builder.bytes()))
            let index = try VectorIndex(path: folder.path + "/p\(n).idx")
            let before = index.search(vectors[3], k: 5, probes: 10).map(\.document)
            index.prefetchSearchSections()
            #expect(index.search(vectors[3], k: 5, probes: 10).map(\.document) == before && before.first == 3)
        }
    }

    /// Every kind of damage is a `LoadError` at load, never a crash or an out-of-bounds read later.
    @Test func damagedFilesAreErrors() throws {
        let folder = TemporaryFolder()
        let good = VectorFixture.builder(vectors, storage: .int8, kind: .ivf(lists: 10)).bytes()
        var cases: [(String, [UInt8])] = [
            ("empty", []), ("truncated", Array(good.prefix(good.count / 2))), ("extended", good + [1]),
        ]
        for section in 1...6 { cases.append(("without section \(section)", rebuilt(good, dropping: UInt32(section)))) }
        cases.append(("short vectors", rebuilt(good, resizing: VectorFormat.Section.vectors, by: -64)))
        cases.append(("long ids", rebuilt(good, resizing: VectorFormat.Section.ids, by: 4)))
        cases.append(("short centroids", rebuilt(good, resizing: VectorFormat.Section.centroids, by: -4)))
        for (word, value) in [(0, UInt32(9)), (1, 0), (2, 7), (3, 601), (4, 5), (5, 601), (6, 0)] {
            cases.append(("header word \(word)", rebuilt(good, header: word, value: value)))
        }
        cases.append(("unordered lists", rebuilt(good, listStart: 3, value: 0)))
        cases.append(("lists past count", rebuilt(good, listStart: 10, value: 700)))
        for (name, bytes) in cases {
            folder.write(name, data: Data(bytes))
            #expect(throws: MappedIndex.LoadError.self, "\(name)") { try VectorIndex(path: folder.path + "/" + name) }
        }
        var other = IndexFileWriter(kind: .bm25)
        other.add(section: 1, values: [UInt32](repeating: 1, count: 8))
        folder.write("kind", data: Data(other.bytes()))
        #expect(throws: MappedIndex.LoadError.self) { try VectorIndex(path: folder.path + "/kind") }
        #expect(throws: MappedIndex.LoadError.self) { try VectorIndex(path: folder.path + "/missing") }
    }

    /// Seeded random byte flips in the header, table and small sections: loading either fails or gives an index
    /// whose searches return (possibly wrong) results without crashing.
    @Test func flippedBytesNeverCrash() throws {
        let folder = TemporaryFolder()
        let good = VectorFixture.builder(vectors, storage: .int8, kind: .ivf(lists: 10)).bytes()
        var random = VectorRandom(seed: 5)
        for trial in 0..<300 {
            var bad = good
            let position = Int(random.next() % UInt64(min(good.count, 4_096)))
            bad[position] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            folder.write("f\(trial)", data: Data(bad))
            guard let index = try? VectorIndex(path: folder.path + "/f\(trial)") else { continue }
            _ = index.search(vectors[0], k: 5, probes: 3)
            _ = index.exactSearch(vectors[1], k: 5)
        }
    }

    /// The optional search-code sections of a float32 IVF file: a pair cut in half, a wrong size, or row codes in
    /// another storage's file is damage; without both pairs the file still loads and searches its float rows.
    @Test func damagedSearchCodesAreErrors() throws {
        let folder = TemporaryFolder()
        let good = VectorFixture.builder(vectors, kind: .ivf(lists: 10)).bytes()
        let section = VectorFormat.Section.self
        var cases: [(String, [UInt8])] = [
            ("codes without ranges", rebuilt(good, dropping: section.codeRanges)),
            ("ranges without codes", rebuilt(good, dropping: section.codes)),
            ("centroid codes without scales", rebuilt(good, dropping: section.centroidScales)),
            ("short codes", rebuilt(good, resizing: section.codes, by: -32)),
            ("long ranges", rebuilt(good, resizing: section.codeRanges, by: 4)),
            ("short centroid codes", rebuilt(good, resizing: section.centroidCodes, by: -1)),
        ]
        let float32 = sections(good)
        let int8 = rebuilt(VectorFixture.builder(vectors, storage: .int8, kind: .ivf(lists: 10)).bytes()) {
            $0[section.codes] = float32[section.codes]
            $0[section.codeRanges] = float32[section.codeRanges]
        }
        cases.append(("codes in an int8 file", int8))
        for (name, bytes) in cases {
            folder.write(name, data: Data(bytes))
            #expect(throws: MappedIndex.LoadError.self, "\(name)") { try VectorIndex(path: folder.path + "/" + name) }
        }
        let plain = rebuilt(good) { sections in
            for id in [section.codes, section.codeRanges, section.centroidCodes, section.centroidScales] {
                sections[id] = nil
            }
        }
        folder.write("plain", data: Data(plain))
        let index = try VectorIndex(path: folder.path + "/plain")
        #expect(!index.hasSearchCodes)
        #expect(index.search(vectors[5], k: 1, probes: 10).first?.document == 5)
    }

    /// Re-packs a file's sections through the writer (so the container checksums stay valid) after a change.
    func rebuilt(_ bytes: [UInt8], change: (inout [UInt32: [UInt8]]) -> Void) -> [UInt8] {
        var sections = self.sections(bytes)
        change(&sections)
        var writer = IndexFileWriter(kind: .vectors)
        for id in sections.keys.sorted() { writer.add(section: id, bytes: sections[id] ?? []) }
        return writer.bytes()
    }

    func sections(_ bytes: [UInt8]) -> [UInt32: [UInt8]] {
        let folder = TemporaryFolder()
        folder.write("in", data: Data(bytes))
        guard let mapped = try? MappedIndex(path: folder.path + "/in", expecting: .vectors) else { return [:] }
        var sections: [UInt32: [UInt8]] = [:]
        for id in UInt32(1)...12 { if let raw = mapped.section(id) { sections[id] = Array(raw) } }
        return sections
    }

    func rebuilt(_ bytes: [UInt8], dropping id: UInt32) -> [UInt8] {
        rebuilt(bytes) { $0[id] = nil }
    }

    func rebuilt(_ bytes: [UInt8], resizing id: UInt32, by delta: Int) -> [UInt8] {
        rebuilt(bytes) { sections in
            let old = sections[id] ?? []
            sections[id] = delta < 0 ? Array(old.dropLast(-delta)) : old + [UInt8](repeating: 0, count: delta)
        }
    }

    func rebuilt(_ bytes: [UInt8], header word: Int, value: UInt32) -> [UInt8] {
        rebuilt(bytes) { put(value, at: word, in: &$0, VectorFormat.Section.header) }
    }

    func rebuilt(_ bytes: [UInt8], listStart list: Int, value: UInt32) -> [UInt8] {
        rebuilt(bytes) { put(value, at: list, in: &$0, VectorFormat.Section.listStarts) }
    }

    func put(_ value: UInt32, at word: Int, in sections: inout [UInt32: [UInt8]], _ id: UInt32) {
        guard var section = sections[id], section.count >= (word + 1) * 4 else { return }
        withUnsafeBytes(of: value.littleEndian) { section.replaceSubrange(word * 4..<(word + 1) * 4, with: $0) }
        sections[id] = section
    }
}
