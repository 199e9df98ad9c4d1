/// Cuts documents into chunks of at most `size` estimated tokens (see `TokenEstimate`), overlapping by up to
/// `overlap` tokens, without crossing a heading. A chunk ends at a paragraph end when that keeps it at least half
/// full, else at a sentence end, else at a line end or between words (only inside a sentence longer than the size,
/// such as unpunctuated text); the overlap is
/// whole sentences from the end of the previous chunk, so a chunk starts at a sentence start whenever it can. A
/// code line longer than the size becomes a chunk of its own, over size, rather than being cut.
public struct Chunker: Sendable {
    public let size: Int
    public let overlap: Int

    /// `size` is at least 1; `overlap` is clamped to 0 ..< size (the crew file validator rejects worse values).
    public init(size: Int, overlap: Int) {
        self.size = max(1, size)
        self.overlap = max(0, min(overlap, self.size - 1))
    }

    /// The document's chunks in reading order. Repeats of the same text in one document get distinct ids.
    public func chunks(_ document: SourceDocument) -> [Chunk] {
        chunks([document])
    }

    /// The chunks of several documents. Prefer this for the documents of one file (the records of a JSON, JSONL
    /// or CSV file share its path): repeats are counted across them, so two identical records get distinct ids.
    /// Documents are cut on all cores; repeats are then numbered in reading order, as one thread would.
    public func chunks(_ documents: [SourceDocument]) -> [Chunk] {
        var occurrences: [String: Int] = [:]
        return Parallel.map(documents) { self.firstCut($0) }.joined().map { chunk in
            let seen = occurrences[chunk.id, default: 0]
            occurrences[chunk.id] = seen + 1
            guard seen > 0 else { return chunk }
            var repeated = chunk
            repeated.id = Chunk.id(source: chunk.source, text: chunk.text, occurrence: seen)
            return repeated
        }
    }

    /// The document's chunks, each with the id of its first occurrence.
    func firstCut(_ document: SourceDocument) -> [Chunk] {
        var text = document.text
        return text.withUTF8 { bytes in
            let splitter = SentenceSplitter(bytes: bytes, limit: size, grain: max(1, size / 8))
            var parser = SectionParser(bytes: bytes, markdown: document.format.hasMarkdownStructure, splitter: splitter)
            let lines = LineTable(bytes)
            var result: [Chunk] = []
            for section in parser.parse() {
                for span in spans(section.pieces) {
                    let first = section.pieces[span.lowerBound]
                    let last = section.pieces[span.upperBound]
                    let chunkText = String(
                        decoding: UnsafeBufferPointer(rebasing: bytes[first.start..<last.end]), as: UTF8.self)
                    let range = lines.sourceLines(first.start..<last.end, map: document.sourceLines)
                    result.append(
                        Chunk(
                            id: Chunk.id(source: document.path, text: chunkText), text: chunkText,
                            source: document.path, headingPath: section.headingPath,
                            lineStart: range.lowerBound, lineEnd: range.upperBound))
                }
            }
            return result
        }
    }

    /// Groups a section's pieces into chunks: closed ranges of piece indexes.
    func spans(_ pieces: [Piece]) -> [ClosedRange<Int>] {
        var prefix = [0]
        prefix.reserveCapacity(pieces.count + 1)
        for piece in pieces { prefix.append(prefix[prefix.count - 1] + piece.tokens) }
        func tokens(_ from: Int, _ to: Int) -> Int { prefix[to + 1] - prefix[from] }
        var spans: [ClosedRange<Int>] = []
        var start = 0
        var previousEnd = -1
        while start < pieces.count {
            var end = start
            while end + 1 < pieces.count, tokens(start, end + 1) <= size { end += 1 }
            if end + 1 < pieces.count {
                end = bestEnd(pieces, from: start, upTo: end, after: previousEnd, tokens: tokens)
            }
            spans.append(start...end)
            guard end + 1 < pieces.count else { break }
            start = overlapStart(pieces, from: start, end: end, tokens: tokens)
            previousEnd = end
        }
        return spans
    }

    /// The best place to end a chunk that starts at `start` and can reach `limit`: the last paragraph end that
    /// keeps it half full, else the last sentence end, else `limit`. It must pass `after` (the previous chunk's end)
    /// so every chunk brings new text.
    func bestEnd(_ pieces: [Piece], from start: Int, upTo limit: Int, after: Int, tokens: (Int, Int) -> Int) -> Int {
        let lowest = max(start, after + 1)
        guard lowest < limit else { return limit }
        for end in stride(from: limit, through: lowest, by: -1) where pieces[end].after == .paragraph {
            if tokens(start, end) * 2 >= size { return end }
            break
        }
        for end in stride(from: limit, through: lowest, by: -1) where pieces[end].after >= .sentence {
            return end
        }
        return limit
    }

    /// Where the chunk after `start...end` begins: the earliest sentence start after `start` whose sentences up to
    /// `end` fit in `overlap` and leave room for the next piece; `end + 1` (no overlap) when none does. Inside a
    /// sentence split at words, the overlap is whole words instead.
    func overlapStart(_ pieces: [Piece], from start: Int, end: Int, tokens: (Int, Int) -> Int) -> Int {
        guard overlap > 0 else { return end + 1 }
        let next = pieces[end + 1].tokens
        let insideSentence = !pieces[end + 1].startsSentence  // a mid-sentence start is unavoidable
        var best = end + 1
        var candidate = end
        while candidate > start {
            let carried = tokens(candidate, end)
            guard carried <= overlap, carried + next <= size else { break }
            if pieces[candidate].startsSentence || insideSentence { best = candidate }
            candidate -= 1
        }
        return best
    }
}

/// Byte offset → 1-based line number, by binary search over line starts.
struct LineTable {
    var starts: [Int] = [0]

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        for (offset, byte) in bytes.enumerated() where byte == 0x0A { starts.append(offset + 1) }
    }

    func line(_ offset: Int) -> Int {
        var low = 0
        var high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if starts[mid] <= offset { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The source lines of a non-empty byte range, through the document's line map when it has one.
    func sourceLines(_ range: Range<Int>, map: [ClosedRange<Int>]?) -> ClosedRange<Int> {
        let first = line(range.lowerBound)
        let last = max(first, line(range.upperBound - 1))
        guard let map, !map.isEmpty else { return first...last }
        let from = map[min(first, map.count) - 1]
        let to = map[min(last, map.count) - 1]
        return from.lowerBound...max(from.lowerBound, to.upperBound)
    }
}
