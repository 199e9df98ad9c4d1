/// "Did you mean" suggestions by edit distance.
public enum Suggestions {
    /// The largest edit distance ever suggested: beyond it a name is not a plausible typo.
    static let maxDistance = 3

    /// The candidate closest to `word`, if it is close enough to be a plausible typo. Cost is bounded: a candidate
    /// whose length is too far off is skipped without a distance, and a distance stops once it passes the limit.
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let lowered = Array(word.lowercased().unicodeScalars)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let other = Array(candidate.lowercased().unicodeScalars)
            let limit = min(best?.distance ?? maxDistance, limit(lowered.count, other.count))
            guard abs(lowered.count - other.count) <= limit,
                let distance = boundedDistance(lowered, other, limit: limit)
            else { continue }
            if distance < (best?.distance ?? Int.max) || (distance == best?.distance && candidate < best!.name) {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// How far two names of these lengths may be apart and still be a typo of each other.
    static func limit(_ a: Int, _ b: Int) -> Int {
        max(1, min(maxDistance, (max(a, b) + 2) / 3))
    }

    /// A hint sentence, or nil when nothing is close.
    public static func didYouMean(_ word: String, in candidates: some Sequence<String>) -> String? {
        closest(to: word, in: candidates).map { "did you mean `\($0)`?" }
    }

    /// Levenshtein distance over Unicode scalars.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        return boundedDistance(a, b, limit: max(a.count, b.count)) ?? max(a.count, b.count)
    }

    /// The distance when it is at most `limit`, else nil; stops as soon as every entry of a row passes the limit.
    static func boundedDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], limit: Int) -> Int? {
        if a.isEmpty { return b.count <= limit ? b.count : nil }
        if b.isEmpty { return a.count <= limit ? a.count : nil }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            var smallest = row[0]
            for j in 1...b.count {
                let saved = row[j]
                row[j] = a[i - 1] == b[j - 1] ? previous : 1 + min(previous, row[j], row[j - 1])
                previous = saved
                smallest = min(smallest, row[j])
            }
            if smallest > limit { return nil }
        }
        return row[b.count] <= limit ? row[b.count] : nil
    }
}
