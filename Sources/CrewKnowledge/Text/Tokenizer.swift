import Foundation

/// Turns text into the terms the BM25 index stores and queries look up; documents and queries go through the same
/// function, so whatever it folds together matches.
///
/// Rules, in order:
/// - Terms are runs of letters and digits (Unicode letters, marks and numbers); everything else separates them, so
///   `max_connections` is `max` + `connections` and `3.11` is `3` + `11`. Each CJK ideograph is a term of its own,
///   since those scripts do not put spaces between words.
/// - Folding: ASCII is lowercased in place (the fast path); a term with any other character is NFKD-decomposed, its
///   combining marks dropped, lowercased and NFC-recomposed, so `Café`, `CAFÉ` and `cafe` meet, and so do `ﬁle`
///   and `file` or full-width `ＡＢＣ` and `abc`.
/// - Stop words (``StopWords``) are dropped after folding; numbers are always kept.
/// - ASCII letter-only terms go through ``Stemmer`` (plural and common suffix stripping).
/// - ASCII terms are cut at ``maxTermBytes`` bytes, so one base64 blob cannot bloat the dictionary.
public enum Tokenizer {
    /// Longest term kept, in UTF-8 bytes; longer ones are truncated (deterministically).
    static let maxTermBytes = 64

    /// The terms of `text`, in order, duplicates kept.
    public static func terms(_ text: String) -> [String] {
        var out: [String] = []
        forEachTerm(text) { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }

    /// Calls `body` with each term's folded UTF-8 bytes; the buffer is only valid during the call. This is the
    /// allocation-free path the builder and the search use.
    static func forEachTerm(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: TermScanner.capacity)
        defer { buffer.deallocate() }
        text.withUTF8 { utf8 in
            var scanner = TermScanner(buffer: buffer)
            scanner.scan(utf8, body)
        }
    }
}

/// The per-byte loop behind ``Tokenizer``: ASCII is classified by a table, anything else is decoded to a scalar.
/// The term buffer is a raw allocation (one per text, not per term): array writes would cost a uniqueness check each.
struct TermScanner {
    static let capacity = 256
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var length = 0
    private var hasNonASCII = false

    init(buffer: UnsafeMutableBufferPointer<UInt8>) {
        self.buffer = buffer
    }

    mutating func scan(_ utf8: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let table = Self.asciiClass
        var i = 0
        while i < utf8.count {
            let byte = utf8[i]
            if byte < 0x80 {
                let folded = table[Int(byte)]
                if folded != 0 {
                    append(folded)
                } else {
                    flush(body)
                }
                i += 1
                continue
            }
            let (scalar, width) = Self.decode(utf8, at: i)
            i += width
            handle(scalar, bytes: UnsafeBufferPointer(rebasing: utf8[(i - width)..<i]), body)
        }
        flush(body)
    }

    private mutating func handle(
        _ scalar: Unicode.Scalar, bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        let properties = scalar.properties
        if properties.isIdeographic {
            flush(body)
            for byte in bytes { append(byte) }
            hasNonASCII = true
            flush(body)
        } else if Self.isWordPart(properties) {
            guard length + bytes.count <= buffer.count else { return }
            for byte in bytes { append(byte) }
            hasNonASCII = true
        } else {
            flush(body)
        }
    }

    /// Letters, marks and numbers continue a term.
    static func isWordPart(_ properties: Unicode.Scalar.Properties) -> Bool {
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    private mutating func append(_ byte: UInt8) {
        if length < buffer.count {
            buffer[length] = byte
            length += 1
        }
    }

    private mutating func flush(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard length > 0 else { return }
        defer {
            length = 0
            hasNonASCII = false
        }
        if hasNonASCII {
            let raw = String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<length]), as: UTF8.self)
            for term in Self.fold(raw) { Self.emit(Array(term.utf8), body) }
            return
        }
        Self.emitASCII(UnsafeMutableBufferPointer(rebasing: buffer[0..<min(length, Tokenizer.maxTermBytes)]), body)
    }

    private static func emit(_ bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var bytes = bytes
        if bytes.allSatisfy({ $0 < 0x80 }) {
            bytes.withUnsafeMutableBufferPointer { emitASCII($0, body) }
        } else {
            bytes.withUnsafeBufferPointer(body)
        }
    }

    /// Drops stop words and stems letter-only terms; `term` is lowercase ASCII.
    private static func emitASCII(
        _ term: UnsafeMutableBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) {
        guard !StopWords.contains(UnsafeBufferPointer(term)) else { return }
        let count = Stemmer.stem(term)
        body(UnsafeBufferPointer(rebasing: term[0..<count]))
    }

    /// Compatibility-decomposes, strips marks, lowercases and recomposes; splits where folding produced separators
    /// (`½` becomes `1⁄2`, which is two terms).
    static func fold(_ raw: String) -> [String] {
        let decomposed = raw.decomposedStringWithCompatibilityMapping
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in decomposed.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark:
                continue
            default:
                if isWordPart(scalar.properties) {
                    current.append(scalar)
                } else if !current.isEmpty {
                    parts.append(String(current))
                    current = String.UnicodeScalarView()
                }
            }
        }
        if !current.isEmpty { parts.append(String(current)) }
        return parts.map { $0.lowercased().precomposedStringWithCanonicalMapping }
    }

    /// Decodes one scalar; malformed UTF-8 (impossible in a Swift String, but cheap to guard) is U+FFFD, one byte.
    static func decode(_ utf8: UnsafeBufferPointer<UInt8>, at start: Int) -> (Unicode.Scalar, Int) {
        let lead = utf8[start]
        let width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard width > 1, start + width <= utf8.count else { return ("\u{FFFD}", 1) }
        var value = UInt32(lead) & (0xFF >> (width + 1))
        for offset in 1..<width { value = value << 6 | UInt32(utf8[start + offset] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", width)
    }

    /// For each ASCII byte: its lowercase form if it is a letter or digit, else 0 (a separator).
    static let asciiClass: [UInt8] = (0..<128).map { byte -> UInt8 in
        switch byte {
        case 0x30...0x39, 0x61...0x7A: return UInt8(byte)
        case 0x41...0x5A: return UInt8(byte + 0x20)
        default: return 0
        }
    }
}
