/// The chunk store: every chunk's id, text, source, heading path and line range, in one index file of kind
/// `.chunks`, laid out so a reader maps it and reads chunk n with a few offset lookups — no parsing at load.
///
/// Sections (all integers little-endian; "blob" = UTF-8 strings back to back, "offsets" = u64 × (count + 1),
/// string i being blob[offsets[i] ..< offsets[i + 1]]):
///
/// | id | content |
/// |---|---|
/// | 1 | counts: u64 × 3 = chunk count, source count, heading-path count |
/// | 2, 3 | chunk ids: blob, offsets (chunk count + 1) |
/// | 4, 5 | chunk texts: blob, offsets (chunk count + 1) |
/// | 6, 7 | source paths, each once, in order of first use: blob, offsets (source count + 1) |
/// | 8 | each chunk's source: u32 index into sections 6–7 |
/// | 9, 10 | heading paths, each once, in order of first use, headings joined by U+001F: blob, offsets |
/// | 11 | each chunk's heading path: u32 index into sections 9–10 |
/// | 12 | each chunk's lines: u32 × 2 (first, last; 1-based, inclusive) |
///
/// The same chunks always give the same bytes: tables are in order of first use, nothing depends on hashing order.
public enum ChunkStore {
    enum Section {
        static let counts: UInt32 = 1
        static let idBlob: UInt32 = 2
        static let idOffsets: UInt32 = 3
        static let textBlob: UInt32 = 4
        static let textOffsets: UInt32 = 5
        static let sourceBlob: UInt32 = 6
        static let sourceOffsets: UInt32 = 7
        static let chunkSources: UInt32 = 8
        static let headingBlob: UInt32 = 9
        static let headingOffsets: UInt32 = 10
        static let chunkHeadings: UInt32 = 11
        static let lines: UInt32 = 12
    }

    /// Separates the headings of a path in section 9; a heading's own U+001F characters become spaces.
    static let headingSeparator: UInt8 = 0x1F

    public static func bytes(_ chunks: [Chunk]) -> [UInt8] {
        let sources = StringTable(chunks.map(\.source))
        let headings = StringTable(chunks.map { joinedHeadings($0.headingPath) })
        var writer = IndexFileWriter(kind: .chunks)
        writer.add(
            section: Section.counts,
            values: [UInt64(chunks.count), UInt64(sources.strings.count), UInt64(headings.strings.count)])
        addStrings(chunks.map(\.id), blob: Section.idBlob, offsets: Section.idOffsets, to: &writer)
        addStrings(chunks.map(\.text), blob: Section.textBlob, offsets: Section.textOffsets, to: &writer)
        addStrings(sources.strings, blob: Section.sourceBlob, offsets: Section.sourceOffsets, to: &writer)
        writer.add(section: Section.chunkSources, values: sources.indexes)
        addStrings(headings.strings, blob: Section.headingBlob, offsets: Section.headingOffsets, to: &writer)
        writer.add(section: Section.chunkHeadings, values: headings.indexes)
        var lines: [UInt32] = []
        lines.reserveCapacity(chunks.count * 2)
        for chunk in chunks {
            lines.append(UInt32(clamping: chunk.lineStart))
            lines.append(UInt32(clamping: chunk.lineEnd))
        }
        writer.add(section: Section.lines, values: lines)
        return writer.bytes()
    }

    static func joinedHeadings(_ path: [String]) -> String {
        path.map { String($0.map { $0 == "\u{1F}" ? " " : $0 }) }.joined(separator: "\u{1F}")
    }

    static func addStrings(_ strings: [String], blob: UInt32, offsets: UInt32, to writer: inout IndexFileWriter) {
        var bytes: [UInt8] = []
        var ends: [UInt64] = [0]
        ends.reserveCapacity(strings.count + 1)
        for string in strings {
            bytes += string.utf8
            ends.append(UInt64(bytes.count))
        }
        writer.add(section: blob, bytes: bytes)
        writer.add(section: offsets, values: ends)
    }

    /// Distinct strings in order of first appearance, and each input's index among them.
    struct StringTable {
        var strings: [String] = []
        var indexes: [UInt32] = []

        init(_ values: [String]) {
            var positions: [String: UInt32] = [:]
            indexes.reserveCapacity(values.count)
            for value in values {
                if let known = positions[value] {
                    indexes.append(known)
                } else {
                    let index = UInt32(strings.count)
                    positions[value] = index
                    strings.append(value)
                    indexes.append(index)
                }
            }
        }
    }
}
