/// Tokens shaped like well-known API keys. They are redacted even when crew never read them: a provider's error may
/// echo a key of another account, and a tool's output may hold one it found.
enum KeyShapes {
    struct Shape {
        var prefix: [UInt8]
        /// Token characters after the prefix before it counts as a key (short ones are ordinary words).
        var minimumTail: Int
    }

    static let shapes: [Shape] = [
        ("sk-", 8), ("sk_", 8), ("AIza", 8), ("ghp_", 16), ("gho_", 16), ("ghu_", 16), ("ghs_", 16), ("ghr_", 16),
        ("github_pat_", 16), ("xoxb-", 8), ("xoxp-", 8), ("xoxa-", 8), ("xoxs-", 8), ("AKIA", 12),
    ].map { Shape(prefix: Array($0.0.utf8), minimumTail: $0.1) }

    private static let startsAShape: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for shape in shapes { table[Int(shape.prefix[0])] = true }
        return table
    }()

    /// The length of the key-shaped token starting at `index`, or nil. A token starts a word: `task-force…` holds
    /// no `sk-` key.
    static func length(in bytes: [UInt8], at index: Int) -> Int? {
        guard startsAShape[Int(bytes[index])] else { return nil }
        if index > 0, isWordByte(bytes[index - 1]) { return nil }
        for shape in shapes where startsWith(bytes, shape.prefix, at: index) {
            var end = index + shape.prefix.count
            // `*`: a provider that masks part of a key (`sk-abc***xyz`) still shows the rest.
            while end < bytes.count,
                isWordByte(bytes[end]) || bytes[end] == UInt8(ascii: "-")
                    || bytes[end] == UInt8(ascii: "*")
            {
                end += 1
            }
            if end - index - shape.prefix.count >= shape.minimumTail { return end - index }
        }
        return nil
    }

    static func startsWith(_ bytes: [UInt8], _ prefix: [UInt8], at index: Int) -> Bool {
        guard bytes.count - index >= prefix.count else { return false }
        var offset = 0
        while offset < prefix.count {
            if bytes[index + offset] != prefix[offset] { return false }
            offset += 1
        }
        return true
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
