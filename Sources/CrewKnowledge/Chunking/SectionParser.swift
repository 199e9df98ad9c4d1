/// Splits a document into sections and pieces. With Markdown structure: a heading (ATX `#` to `######`, or a
/// one-line setext heading underlined with `===` or `---`) starts a section and extends the heading path; a fenced code block (``` or ~~~) is cut only between lines, and `#` lines
/// inside it are code, not headings. Paragraphs are runs of non-blank lines. A heading line is kept as the start of
/// its section's first piece, so the first chunk of a section shows its title; a section with no text of its own
/// (a heading followed directly by a sub-heading) gives no chunk.
struct SectionParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let markdown: Bool
    let splitter: SentenceSplitter
    var sections: [Section] = []
    var current = Section(headingPath: [])
    var headings: [(level: Int, title: String)] = []
    /// The start of a heading line not yet attached to a piece.
    var headingStart: Int?
    var paragraph: Range<Int>?
    /// The open code fence's character and length.
    var fence: (marker: UInt8, length: Int)?

    init(bytes: UnsafeBufferPointer<UInt8>, markdown: Bool, splitter: SentenceSplitter) {
        self.bytes = bytes
        self.markdown = markdown
        self.splitter = splitter
    }

    mutating func parse() -> [Section] {
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            line(lineStart..<lineEnd)
            lineStart = lineEnd + 1
        }
        flushParagraph()
        if fence != nil, !current.pieces.isEmpty { current.pieces[current.pieces.count - 1].after = .paragraph }
        if !current.pieces.isEmpty { sections.append(current) }
        return sections
    }

    mutating func line(_ range: Range<Int>) {
        let first = splitter.skipSpace(range.lowerBound, range.upperBound)
        if fence != nil { return codeLine(range, first: first) }
        guard first < range.upperBound else { return flushParagraph() }
        if markdown, first - range.lowerBound <= 3 {
            if let opening = fenceMarker(first, range.upperBound) {
                flushParagraph()
                fence = opening
                return addPiece(range, after: .sentence)
            }
            if let (level, title) = heading(first, range.upperBound) {
                flushParagraph()
                return startSection(level: level, title: title, at: range.lowerBound)
            }
            if let open = paragraph, let level = setextLevel(first, range.upperBound), !contains(0x0A, open) {
                paragraph = nil
                let title = String(decoding: UnsafeBufferPointer(rebasing: bytes[open]), as: UTF8.self)
                return startSection(level: level, title: title, at: open.lowerBound)
            }
        }
        if let open = paragraph {
            paragraph = open.lowerBound..<range.upperBound
        } else {
            paragraph = first..<range.upperBound
        }
    }

    mutating func codeLine(_ range: Range<Int>, first: Int) {
        guard first < range.upperBound else { return }  // blank lines stay inside the chunk's text
        if let open = fence, let closing = fenceMarker(first, range.upperBound), closing.marker == open.marker,
            closing.length >= open.length,
            splitter.skipSpace(first + closing.length, range.upperBound) == range.upperBound
        {
            fence = nil
            return addPiece(range, after: .paragraph)
        }
        addPiece(range, after: .sentence)
    }

    /// A code line or fence line: one piece, never split, even when longer than the chunk size.
    mutating func addPiece(_ range: Range<Int>, after: Boundary) {
        let start = headingStart ?? range.lowerBound
        headingStart = nil
        let end = splitter.trimEnd(start, range.upperBound)
        let tokens = TokenEstimate.count(bytes, start..<end)
        current.pieces.append(Piece(start: start, end: end, tokens: tokens, after: after, startsSentence: true))
    }

    mutating func flushParagraph() {
        guard let range = paragraph else { return }
        paragraph = nil
        let start = headingStart ?? range.lowerBound
        headingStart = nil
        current.pieces += splitter.pieces(start..<range.upperBound)
    }

    mutating func startSection(level: Int, title: String, at start: Int) {
        if !current.pieces.isEmpty { sections.append(current) }
        while let last = headings.last, last.level >= level { headings.removeLast() }
        headings.append((level, title))
        current = Section(headingPath: headings.map(\.title))
        headingStart = start
    }

    /// A setext underline (`===` for level 1, `---` for level 2). It makes a heading of the one-line paragraph above
    /// it (a longer paragraph keeps it as text: it is more likely a rule than a multi-line title).
    func setextLevel(_ index: Int, _ end: Int) -> Int? {
        let marker = bytes[index]
        guard marker == 0x3D || marker == 0x2D else { return nil }
        var last = index
        while last < end, bytes[last] == marker { last += 1 }
        guard splitter.skipSpace(last, end) == end else { return nil }
        return marker == 0x3D ? 1 : 2
    }

    func contains(_ byte: UInt8, _ range: Range<Int>) -> Bool {
        UnsafeBufferPointer(rebasing: bytes[range]).contains(byte)
    }

    /// ``` or ~~~ (three or more) at `index`.
    func fenceMarker(_ index: Int, _ end: Int) -> (marker: UInt8, length: Int)? {
        let marker = bytes[index]
        guard marker == 0x60 || marker == 0x7E else { return nil }
        var count = 0
        while index + count < end, bytes[index + count] == marker { count += 1 }
        return count >= 3 ? (marker, count) : nil
    }

    /// `#` to `######` followed by a space or the line's end; the title without closing `#`s.
    func heading(_ index: Int, _ end: Int) -> (Int, String)? {
        var level = 0
        while index + level < end, bytes[index + level] == 0x23 { level += 1 }
        guard (1...6).contains(level), index + level == end || TokenEstimate.isSpace(bytes[index + level]) else {
            return nil
        }
        var titleEnd = splitter.trimEnd(index + level, end)
        var hashes = titleEnd
        while hashes > index + level, bytes[hashes - 1] == 0x23 { hashes -= 1 }
        if hashes < titleEnd, hashes == index + level || TokenEstimate.isSpace(bytes[hashes - 1]) { titleEnd = hashes }
        let titleStart = splitter.skipSpace(index + level, titleEnd)
        titleEnd = splitter.trimEnd(titleStart, max(titleStart, titleEnd))
        return (level, String(decoding: UnsafeBufferPointer(rebasing: bytes[titleStart..<titleEnd]), as: UTF8.self))
    }
}
