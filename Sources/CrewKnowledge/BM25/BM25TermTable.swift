/// The builder's term dictionary: byte strings interned into dense ids with open addressing over one byte arena,
/// so adding a token allocates nothing (a `[String: UInt32]` would allocate a `String` per token).
struct BM25TermTable {
    private(set) var arena: [UInt8] = []
    private(set) var starts: [UInt32] = [0]
    private var slots: [Int32] = Array(repeating: -1, count: 1 << 12)
    private var hashes: [UInt64] = []

    var count: Int { hashes.count }

    /// The id of `term`, adding it if new; ids are dense and in first-seen order.
    mutating func intern(_ term: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let hash = Self.hash(term)
        var mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = Int(slots[slot])
            if id < 0 { break }
            if hashes[id] == hash, equals(id, term) { return UInt32(id) }
            slot = (slot + 1) & mask
        }
        let id = hashes.count
        hashes.append(hash)
        arena.append(contentsOf: term)
        starts.append(UInt32(arena.count))
        slots[slot] = Int32(id)
        if hashes.count * 2 > slots.count {
            grow()
            mask = slots.count - 1
        }
        return UInt32(id)
    }

    /// The bytes of term `id`.
    func bytes(_ id: Int) -> ArraySlice<UInt8> {
        arena[Int(starts[id])..<Int(starts[id + 1])]
    }

    private func equals(_ id: Int, _ term: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[id])
        let end = Int(starts[id + 1])
        guard end - start == term.count else { return false }
        for i in 0..<term.count where arena[start + i] != term[i] { return false }
        return true
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (id, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    /// FNV-1a with a final avalanche (the low bits pick the slot, so they must depend on every byte).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash ^= hash >> 29
        hash = hash &* 0xbf58_476d_1ce4_e5b9
        return hash ^ (hash >> 32)
    }
}
