import Foundation

/// The BM25 index's sections inside the shared container (`IndexFile`, kind `.bm25`); specs/index-format.md has the
/// full layout. Everything the search needs is precomputed by the builder, so a reader only points into the mapping.
enum BM25Format {
    /// This layout's own version, inside the container's (bumped when a section changes meaning).
    static let version: UInt32 = 1

    /// Section ids for `.bm25` files.
    enum Section: UInt32 {
        /// 8 × u32: version, document count, term count, posting count, k1 (f32 bits), b (f32 bits),
        /// average document length (f32 bits, informational), reserved 0.
        case meta = 1
        /// u32 × (terms + 1): where each term's bytes start in `termBytes`; the last entry is its length.
        case termOffsets = 2
        /// The terms' UTF-8 bytes, concatenated in ascending byte order, so a lookup is a binary search in place.
        case termBytes = 3
        /// u32 × (terms + 1): where each term's postings start in `postingDocs`/`postingImpacts`.
        case postingStarts = 4
        /// u32 × postings: document ids, ascending within a term.
        case postingDocs = 5
        /// f32 × postings: the term's full BM25 contribution to that document (idf × saturated, length-normalised tf).
        case postingImpacts = 6
        /// f32 × terms: each term's largest impact, the upper bound MaxScore prunes with.
        case termMaxImpacts = 7
        /// u32 × documents: each document's length in terms (after stop words), kept for re-scoring and tools.
        case documentLengths = 8
    }

    static let metaCount = 8

    /// Byte-wise order of two strings (memcmp, then shorter first): the term table's sort order, used by the
    /// builder to sort and by the reader to binary-search, so both agree by construction.
    static func precedes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let common = min(a.count, b.count)
        if common > 0, let left = a.baseAddress, let right = b.baseAddress {
            let order = memcmp(left, right, common)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }
}

extension IndexFileWriter {
    /// Adds a section from a host array without per-element copying (the format is little-endian and so are the
    /// hosts crew runs on).
    mutating func add<T>(section: BM25Format.Section, raw values: [T]) {
        add(section: section.rawValue, bytes: values.withUnsafeBytes { Array($0) })
    }
}
