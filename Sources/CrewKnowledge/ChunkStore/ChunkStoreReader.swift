/// A mapped chunk store (see `ChunkStore` for the layout). Loading checks that every section is present and sized
/// for the counts, so accessors cannot read outside the file; strings are decoded only when asked for, and
/// `textBytes`/`idBytes` give the raw UTF-8 without copying.
public final class ChunkStoreReader: @unchecked Sendable {  // immutable after init; the mapping lives with `index`
    public let index: MappedIndex
    public let count: Int
    public let sourceCount: Int
    private let ids: StringSection
    private let texts: StringSection
    private let sources: StringSection
    private let headings: StringSection
    private let chunkSources: UnsafeBufferPointer<UInt32>
    private let chunkHeadings: UnsafeBufferPointer<UInt32>
    private let lines: UnsafeBufferPointer<UInt32>

    public init(path: String) throws(MappedIndex.LoadError) {
        index = try MappedIndex(path: path, expecting: .chunks)
        let file = index
        func fail(_ problem: String) -> MappedIndex.LoadError {
            MappedIndex.LoadError(path: path, problem: "damaged chunk store: \(problem)")
        }
        guard let counts = file.values(ChunkStore.Section.counts, as: UInt64.self), counts.count == 3,
            counts.allSatisfy({ $0 <= UInt64(UInt32.max) })
        else { throw fail("no counts") }
        count = Int(counts[0])
        sourceCount = Int(counts[1])
        let section = ChunkStore.Section.self
        ids = try StringSection(file, blob: section.idBlob, offsets: section.idOffsets, count: count, fail: fail)
        texts = try StringSection(file, blob: section.textBlob, offsets: section.textOffsets, count: count, fail: fail)
        sources = try StringSection(
            file, blob: section.sourceBlob, offsets: section.sourceOffsets, count: sourceCount, fail: fail)
        headings = try StringSection(
            file, blob: section.headingBlob, offsets: section.headingOffsets, count: Int(counts[2]), fail: fail)
        guard let chunkSources = file.values(section.chunkSources, as: UInt32.self), chunkSources.count == count,
            let chunkHeadings = file.values(section.chunkHeadings, as: UInt32.self), chunkHeadings.count == count,
            let lines = file.values(section.lines, as: UInt32.self), lines.count == 2 * count
        else { throw fail("per-chunk tables missing or of the wrong size") }
        let (sourceLimit, headingLimit) = (UInt32(counts[1]), UInt32(counts[2]))
        guard chunkSources.allSatisfy({ $0 < sourceLimit }), chunkHeadings.allSatisfy({ $0 < headingLimit })
        else { throw fail("a chunk refers to a source or heading path that does not exist") }
        self.chunkSources = chunkSources
        self.chunkHeadings = chunkHeadings
        self.lines = lines
    }

    /// The chunk at `index` (0 ..< count), as the compiler wrote it.
    public func chunk(_ index: Int) -> Chunk {
        Chunk(
            id: id(index), text: text(index), source: source(index), headingPath: headingPath(index),
            lineStart: lines(index).lowerBound, lineEnd: lines(index).upperBound)
    }

    public func id(_ index: Int) -> String { ids.string(index) }
    public func text(_ index: Int) -> String { texts.string(index) }
    public func source(_ index: Int) -> String { sources.string(Int(chunkSources[index])) }

    /// The chunk's text as UTF-8 bytes inside the mapping; valid while this reader lives.
    public func textBytes(_ index: Int) -> UnsafeRawBufferPointer { texts.bytes(index) }
    public func idBytes(_ index: Int) -> UnsafeRawBufferPointer { ids.bytes(index) }

    /// The index of the chunk's source among `sourceCount` sources (to group chunks by file without strings).
    public func sourceIndex(_ index: Int) -> Int { Int(chunkSources[index]) }

    public func headingPath(_ index: Int) -> [String] {
        let joined = headings.bytes(Int(chunkHeadings[index]))
        guard !joined.isEmpty else { return [] }
        return joined.split(separator: ChunkStore.headingSeparator, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    public func lines(_ index: Int) -> ClosedRange<Int> {
        let first = Int(lines[2 * index])
        return first...max(first, Int(lines[2 * index + 1]))
    }

    /// The position of the chunk with this id, by a linear scan (ids are looked up rarely: citations, tests).
    public func position(ofID id: String) -> Int? {
        let wanted = Array(id.utf8)
        return (0..<count).first { ids.bytes($0).elementsEqual(wanted) }
    }
}

/// A blob of strings and its offsets table, checked once at load: offsets ascend and stay inside the blob.
struct StringSection {
    let blob: UnsafeRawBufferPointer
    let offsets: UnsafeBufferPointer<UInt64>

    init(
        _ file: MappedIndex, blob: UInt32, offsets: UInt32, count: Int,
        fail: (String) -> MappedIndex.LoadError
    ) throws(MappedIndex.LoadError) {
        guard let raw = file.section(blob), let table = file.values(offsets, as: UInt64.self), table.count == count + 1
        else { throw fail("string sections \(blob)/\(offsets) missing or of the wrong size") }
        var previous: UInt64 = 0
        for offset in table {  // one pass over the offsets (8 bytes a chunk), never over the text
            guard offset >= previous, offset <= UInt64(raw.count) else {
                throw fail("offsets of section \(blob) out of order")
            }
            previous = offset
        }
        self.blob = raw
        self.offsets = table
    }

    func bytes(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: blob[Int(offsets[index])..<Int(offsets[index + 1])])
    }

    func string(_ index: Int) -> String { String(decoding: bytes(index), as: UTF8.self) }
}
