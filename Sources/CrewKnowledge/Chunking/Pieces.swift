/// How good a place the end of a piece is to end a chunk.
enum Boundary: Int, Comparable {
    /// Inside a sentence too long for one chunk: between words.
    case word = 1
    /// After a sentence, or after a line of a code block.
    case sentence = 2
    /// After a paragraph, list, table or code block.
    case paragraph = 3

    static func < (lhs: Boundary, rhs: Boundary) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The smallest unit chunks are made of: a sentence, a line of code, or (for an over-long sentence) a run of words.
/// Offsets are UTF-8 byte offsets into the document's text; `end` excludes trailing whitespace.
struct Piece {
    var start: Int
    var end: Int
    var tokens: Int
    var after: Boundary
    /// Whether a chunk may start here cleanly: false only for the continuation of a line split at words.
    var startsSentence: Bool
}

/// The text under one heading (up to the next heading of any level): chunks never cross sections.
struct Section {
    var headingPath: [String]
    var pieces: [Piece] = []
}

/// Splits a paragraph into sentences, and over-long sentences into runs of words.
struct SentenceSplitter {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The most tokens a piece may have; longer sentences are split at words.
    let limit: Int
    /// The size of the word runs an over-long sentence is split into (small, so overlap can still be taken).
    let grain: Int

    /// The paragraph's pieces; the last one ends with a paragraph boundary.
    func pieces(_ range: Range<Int>) -> [Piece] {
        var result: [Piece] = []
        for sentence in sentences(range) {
            let tokens = TokenEstimate.count(bytes, sentence)
            if tokens <= limit {
                result.append(
                    Piece(
                        start: sentence.lowerBound, end: sentence.upperBound, tokens: tokens, after: .sentence,
                        startsSentence: true))
            } else {
                result += lines(sentence)
            }
        }
        if !result.isEmpty { result[result.count - 1].after = .paragraph }
        return result
    }

    /// An over-long sentence spanning several lines (text without punctuation: logs, records, lists of names) is
    /// cut at line ends first, and only lines still too long at words.
    func lines(_ sentence: Range<Int>) -> [Piece] {
        var result: [Piece] = []
        var start = sentence.lowerBound
        while start < sentence.upperBound {
            var end = start
            while end < sentence.upperBound, bytes[end] != 0x0A { end += 1 }
            let line = start..<trimEnd(start, end)
            let tokens = TokenEstimate.count(bytes, line)
            if tokens > limit {
                result += words(line)
            } else if !line.isEmpty {
                result.append(
                    Piece(
                        start: line.lowerBound, end: line.upperBound, tokens: tokens, after: .sentence,
                        startsSentence: true))
            }
            start = skipSpace(end, sentence.upperBound)
        }
        return result
    }

    /// Sentence ranges: a sentence ends after `.`, `!` or `?` (and any closing quotes, brackets or emphasis) when
    /// whitespace and a likely sentence start follow, after `。！？`, or before a line that starts a list item,
    /// table row or quote. "e.g. this" and "3.14" do not end sentences; "Dr. Smith" does (a known limit).
    func sentences(_ range: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = range.lowerBound
        var index = start
        let end = range.upperBound
        while index < end {
            var cut: (end: Int, next: Int)?
            let byte = bytes[index]
            if byte == 0x2E || byte == 0x21 || byte == 0x3F {
                cut = terminator(after: index + 1, end: end)
            } else if byte == 0xE3 || byte == 0xEF, index + 2 < end, isWideTerminator(index) {
                let next = skipSpace(index + 3, end)
                cut = next < end ? (index + 3, next) : nil
            } else if byte == 0x0A {
                let next = skipSpace(index + 1, end)
                cut = next < end && isBlockStart(next, end) ? (trimEnd(start, index), next) : nil
            }
            if let (sentenceEnd, next) = cut {
                if sentenceEnd > start { result.append(start..<sentenceEnd) }
                start = next
                index = next
            } else {
                index += 1
            }
        }
        let last = trimEnd(start, end)
        if last > start { result.append(start..<last) }
        return result
    }

    /// After `.`, `!` or `?`: skips closers; a cut when whitespace and a sentence start follow.
    func terminator(after position: Int, end: Int) -> (Int, Int)? {
        var index = position
        while index < end, Self.closers.contains(bytes[index]) { index += 1 }
        if index + 2 < end, bytes[index] == 0xE2, bytes[index + 1] == 0x80,
            bytes[index + 2] == 0x99 || bytes[index + 2] == 0x9D
        {
            index += 3  // ’ or ”
        }
        guard index < end, TokenEstimate.isSpace(bytes[index]) else { return nil }
        let next = skipSpace(index, end)
        guard next < end, Self.startsSentence(bytes[next]) else { return nil }
        return (index, next)
    }

    static let closers: Set<UInt8> = Set(")]\"'*_`".utf8)

    /// Uppercase letters, digits, opening quotes and brackets, Markdown markers, and any non-ASCII character.
    static func startsSentence(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte >= 0x80
            || openers.contains(byte)
    }

    static let openers: Set<UInt8> = Set("\"'([*_`#->|".utf8)

    /// `。` (E3 80 82), `！` (EF BC 81), `？` (EF BC 9F).
    func isWideTerminator(_ index: Int) -> Bool {
        let (a, b, c) = (bytes[index], bytes[index + 1], bytes[index + 2])
        return (a == 0xE3 && b == 0x80 && c == 0x82) || (a == 0xEF && b == 0xBC && (c == 0x81 || c == 0x9F))
    }

    /// A list item (`- `, `* `, `+ `, `1. `, `1) `), a table row (`|`) or a quote (`>`).
    func isBlockStart(_ index: Int, _ end: Int) -> Bool {
        let byte = bytes[index]
        if byte == 0x7C || byte == 0x3E { return true }
        if byte == 0x2D || byte == 0x2A || byte == 0x2B { return index + 1 < end && bytes[index + 1] == 0x20 }
        var digit = index
        while digit < end, digit - index < 9, bytes[digit] >= 0x30, bytes[digit] <= 0x39 { digit += 1 }
        guard digit > index, digit + 1 < end else { return false }
        return (bytes[digit] == 0x2E || bytes[digit] == 0x29) && bytes[digit + 1] == 0x20
    }

    /// Runs of about `grain` tokens, split at whitespace (a single word longer than that at character boundaries).
    func words(_ sentence: Range<Int>) -> [Piece] {
        var result: [Piece] = []
        var runStart = sentence.lowerBound
        var runEnd = runStart
        var runTokens = 0
        var index = sentence.lowerBound
        func flush() {
            guard runEnd > runStart else { return }
            result.append(
                Piece(
                    start: runStart, end: runEnd, tokens: runTokens, after: .word,
                    startsSentence: runStart == sentence.lowerBound))
        }
        while index < sentence.upperBound {
            let wordStart = skipSpace(index, sentence.upperBound)
            var wordEnd = wordStart
            while wordEnd < sentence.upperBound, !TokenEstimate.isSpace(bytes[wordEnd]) { wordEnd += 1 }
            index = wordEnd
            guard wordEnd > wordStart else { break }
            let tokens = TokenEstimate.count(bytes, wordStart..<wordEnd)
            if runTokens > 0, runTokens + tokens > grain {
                flush()
                (runStart, runTokens) = (wordStart, 0)
            }
            if tokens > grain {
                flush()
                result += slices(wordStart..<wordEnd, first: wordStart == sentence.lowerBound)
                (runStart, runEnd, runTokens) = (wordEnd, wordEnd, 0)
                continue
            }
            if runTokens == 0 { runStart = wordStart }
            runEnd = wordEnd
            runTokens += tokens
        }
        flush()
        if !result.isEmpty { result[result.count - 1].after = .sentence }
        return result
    }

    /// A word too long for any chunk (a URL, base64), cut every `2 × grain` bytes at character boundaries.
    func slices(_ word: Range<Int>, first: Bool) -> [Piece] {
        var result: [Piece] = []
        var start = word.lowerBound
        while start < word.upperBound {
            var end = min(word.upperBound, start + max(4, 2 * grain))
            while end < word.upperBound, end > start + 1, bytes[end] & 0xC0 == 0x80 { end -= 1 }
            let tokens = TokenEstimate.count(bytes, start..<end)
            result.append(
                Piece(
                    start: start, end: end, tokens: tokens, after: .word,
                    startsSentence: first && start == word.lowerBound))
            start = end
        }
        return result
    }

    func skipSpace(_ index: Int, _ end: Int) -> Int {
        var index = index
        while index < end, TokenEstimate.isSpace(bytes[index]) { index += 1 }
        return index
    }

    func trimEnd(_ start: Int, _ end: Int) -> Int {
        var end = end
        while end > start, TokenEstimate.isSpace(bytes[end - 1]) { end -= 1 }
        return end
    }
}
