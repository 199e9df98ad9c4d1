/// An estimate of how many LLM tokens a text takes, without a tokenizer's vocabulary: fast, deterministic, and close
/// enough for sizing chunks (BPE tokenizers agree within about 20% on English prose; the rule leans high for code).
///
/// The rule, over UTF-8 bytes: whitespace is free; a run of letters and digits (including 2-byte scripts such as
/// accented Latin, Greek, Cyrillic) counts one token per 6 characters started ("the" 1, "tokenization" 2); a run of
/// ASCII punctuation or symbols counts one token per 2 characters started ("." 1, "..." 2, "->" 1); every character
/// of 3 or 4 UTF-8 bytes (CJK, emoji, most symbols) counts one token on its own.
enum TokenEstimate {
    static func count(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var tokens = 0
        var index = range.lowerBound
        let end = range.upperBound
        while index < end {
            let byte = bytes[index]
            if isSpace(byte) {
                index += 1
            } else if byte >= 0xE0 {
                tokens += 1
                index += byte >= 0xF0 ? 4 : 3
            } else if isWordByte(byte) {
                var letters = 0
                while index < end, isWordByte(bytes[index]) {
                    if bytes[index] & 0xC0 != 0x80 { letters += 1 }
                    index += 1
                }
                tokens += (letters + 5) / 6
            } else {
                var symbols = 0
                while index < end, bytes[index] < 0x80, !isSpace(bytes[index]), !isWordByte(bytes[index]) {
                    symbols += 1
                    index += 1
                }
                tokens += (symbols + 1) / 2
            }
        }
        return tokens
    }

    static func count(_ text: String) -> Int {
        var copy = text
        return copy.withUTF8 { count($0, 0..<$0.count) }
    }

    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C || byte == 0x0B
    }

    /// ASCII letters and digits, and the bytes of 2-byte UTF-8 characters (lead 0xC0–0xDF, continuation bytes).
    @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x80...0xDF: return true
        default: return false
        }
    }
}
