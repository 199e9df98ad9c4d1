/// English stop words: so frequent that they say nothing about which passage answers a query, and dropping them
/// keeps the longest posting lists out of the index. Matched after folding, before stemming.
///
/// The list is Lucene's English set plus `s` and `t`, the fragments left by splitting `it's` and `don't`: a an and
/// are as at be but by for if in into is it no not of on or such that the their then there these they this to was
/// will with s t. Longer lists (pronouns, auxiliaries, `some`, `about`, …) cost ranking quality on the benchmark
/// (MRR@10 0.880–0.892 against 0.898): in technical text those words still tell passages apart.
public enum StopWords {
    /// Every stop word, each at most 8 ASCII letters so it packs into one `UInt64`.
    public static let list: [String] = """
        a an and are as at be but by for if in into is it no not of on or such that the their then there these they \
        this to was will with s t
        """.split(separator: " ").map(String.init)

    /// Open-addressing table of packed words (0 = empty): a `Set` lookup hashes with SipHash, which showed up in
    /// build profiles; this is one multiply and usually one compare.
    private static let table: [UInt64] = {
        var table = [UInt64](repeating: 0, count: tableSize)
        for word in list {
            let key = pack(Array(word.utf8))
            var slot = home(key)
            while table[slot] != 0 { slot = (slot + 1) & (tableSize - 1) }
            table[slot] = key
        }
        return table
    }()

    private static let tableSize = 128

    private static func home(_ key: UInt64) -> Int { Int((key &* 0x9E37_79B9_7F4A_7C15) >> 57) }

    /// Whether a folded term is a stop word.
    static func contains(_ term: UnsafeBufferPointer<UInt8>) -> Bool {
        guard term.count <= 8 else { return false }
        let key = pack(term)
        var slot = home(key)
        while true {
            let entry = table[slot]
            if entry == key { return true }
            if entry == 0 { return false }
            slot = (slot + 1) & (tableSize - 1)
        }
    }

    /// Packs up to 8 bytes into an integer (first byte lowest) for a hash-free-of-allocation set lookup.
    static func pack<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in bytes.prefix(8) {
            value |= UInt64(byte) << shift
            shift += 8
        }
        return value
    }
}
