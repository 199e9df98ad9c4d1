/// JSON string text scanned eight bytes at a time, for the reader and the writer: most of what either goes through is
/// plain text inside strings, where a byte at a time cost about six instructions a byte.
enum JSONBytes {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The word's high bits where a byte of `word` may be 0 (exact as to whether any is).
    @inline(__always)
    private static func zeros(_ word: UInt64) -> UInt64 {
        (word &- ones) & ~word & highs
    }

    /// The word's high bits where a byte of `word` may be a quote, a backslash or a control character (below 0x20).
    /// Exact as to whether any is, and the lowest bit set is exact too: a borrow only carries a false mark upwards,
    /// above a true one.
    @inline(__always)
    private static func stringBreaks(_ word: UInt64) -> UInt64 {
        let control = (word &- 0x2020_2020_2020_2020) & ~word & highs
        return control | zeros(word ^ 0x2222_2222_2222_2222) | zeros(word ^ 0x5C5C_5C5C_5C5C_5C5C)
    }

    /// The eight bytes at `address`, the first in the lowest bits.
    @inline(__always)
    private static func word(_ address: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(address).loadUnaligned(as: UInt64.self))
    }

    /// From `start`: the index of the first quote, backslash or control character, or `end`.
    @inline(__always)
    static func stringBreak(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        while index + 8 <= end {
            let breaks = stringBreaks(word(base + index))
            if breaks != 0 { return index + breaks.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < end {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
            index += 1
        }
        return end
    }

    /// From `start`: the start of the first eight bytes that are not all printable ASCII other than quote and
    /// backslash, or of the last fewer than eight; what the writer copies without looking at each byte.
    @inline(__always)
    static func plainASCII(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int {
        var index = start
        while index + 8 <= end {
            let word = word(base + index)
            if stringBreaks(word) | (word | (word &+ ones)) & highs != 0 { break }  // or a byte above 0x7E
            index += 8
        }
        return index
    }
}
