/// A light English stemmer ("Porter-lite"): it folds the inflections that make a query miss its passage (plurals,
/// `-ing`, `-ed`, `-ly`) and nothing riskier, since over-stemming merges unrelated technical words.
///
/// Applied only to lowercase ASCII letter-only terms longer than 3 letters (so `id`, `sql`, `utf8`, `x86` are kept):
/// 1. plurals: `-sses`, `-xes`, `-ches`, `-shes` lose `-es` (`indexes` → `index`), `-ies` → `-y`
///    (`queries` → `query`), a final `-s` goes unless after `s`, `u` or `i` (`class`, `status`, `analysis` stay);
/// 2. one of `-ing`, `-ed`, `-ly`, if at least 3 letters with a vowel remain (`configured` → `configur`,
///    `running` → `runn` → `run`: a doubled final consonant other than l, s, z is undoubled).
///
/// A final `-e` is kept, so `configure` and `configured` (`configur`) stay apart: dropping it too (`note` → `not`,
/// `file` → `fil`) cost ranking quality on the benchmark queries (MRR@10 0.898 with it, 0.901 without).
public enum Stemmer {
    /// Stems `term` in place and returns its new length.
    static func stem(_ term: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var n = term.count
        guard n > 3, term.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return n }
        n = stripPlural(term, n)
        n = stripSuffix(term, n)
        return n
    }

    /// The public form, for tests and tools: stems one lowercase ASCII word.
    public static func stem(_ word: String) -> String {
        var bytes = Array(word.utf8)
        let count = bytes.withUnsafeMutableBufferPointer { stem($0) }
        return String(decoding: bytes[0..<count], as: UTF8.self)
    }

    private static let suffixes: [StaticString] = ["ing", "ed", "ly"]
    private static let s = UInt8(ascii: "s")

    private static func stripPlural(_ t: UnsafeMutableBufferPointer<UInt8>, _ n: Int) -> Int {
        guard t[n - 1] == s else { return n }
        if ends(t, n, "sses") || ends(t, n, "xes") || ends(t, n, "ches") || ends(t, n, "shes") { return n - 2 }
        if ends(t, n, "ies"), n > 4 {
            t[n - 3] = UInt8(ascii: "y")
            return n - 2
        }
        switch t[n - 2] {
        case s, UInt8(ascii: "u"), UInt8(ascii: "i"): return n
        default: return n - 1
        }
    }

    private static func stripSuffix(_ t: UnsafeMutableBufferPointer<UInt8>, _ n: Int) -> Int {
        for suffix in suffixes where ends(t, n, suffix) {
            let stem = n - suffix.utf8CodeUnitCount
            guard stem >= 3, hasVowel(t, stem) else { return n }
            return undouble(t, stem)
        }
        return n
    }

    /// `runn` → `run`, `stopp` → `stop`; `install`, `process`, `buzz` keep their pair.
    private static func undouble(_ t: UnsafeMutableBufferPointer<UInt8>, _ n: Int) -> Int {
        let last = t[n - 1]
        guard n >= 4, last == t[n - 2], !"aeioulsz".utf8.contains(last) else { return n }
        return n - 1
    }

    private static func hasVowel(_ t: UnsafeMutableBufferPointer<UInt8>, _ n: Int) -> Bool {
        t[0..<n].contains { "aeiouy".utf8.contains($0) }
    }

    private static func ends(_ t: UnsafeMutableBufferPointer<UInt8>, _ n: Int, _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard n >= count else { return false }
        return suffix.withUTF8Buffer { suffix in
            (0..<count).allSatisfy { t[n - count + $0] == suffix[$0] }
        }
    }
}
