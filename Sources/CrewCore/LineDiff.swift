/// A unified diff of two texts by lines, as `diff -u` shows it: hunks with three lines of context. Used to show how a
/// request differs from the closest recorded one, and how a prompt changed between two versions of a crew.
public enum LineDiff {
    /// The middle (after the common start and end are set aside) is compared line by line up to this many lines a
    /// side; a longer middle is shown as removed and added whole, which keeps the work and memory bounded.
    static let maxCompared = 2000

    public enum Line: Equatable, Sendable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// The lines of `old` and `new` in order, each kept, removed or added.
    public static func lines(_ old: [String], _ new: [String]) -> [Line] {
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
            old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        {
            suffix += 1
        }
        let a = Array(old[prefix..<(old.count - suffix)])
        let b = Array(new[prefix..<(new.count - suffix)])
        return old[..<prefix].map(Line.same) + middle(a, b) + old[(old.count - suffix)...].map(Line.same)
    }

    /// A longest common subsequence, by dynamic programming over the middle only.
    private static func middle(_ a: [String], _ b: [String]) -> [Line] {
        guard !a.isEmpty, !b.isEmpty, a.count <= maxCompared, b.count <= maxCompared else {
            return a.map(Line.removed) + b.map(Line.added)
        }
        let width = b.count + 1
        var length = [Int32](repeating: 0, count: (a.count + 1) * width)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                length[i * width + j] =
                    a[i] == b[j]
                    ? length[(i + 1) * width + j + 1] + 1 : max(length[(i + 1) * width + j], length[i * width + j + 1])
            }
        }
        var out: [Line] = []
        var (i, j) = (0, 0)
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                out.append(.same(a[i]))
                i += 1
                j += 1
            } else if length[(i + 1) * width + j] >= length[i * width + j + 1] {
                out.append(.removed(a[i]))
                i += 1
            } else {
                out.append(.added(b[j]))
                j += 1
            }
        }
        return out + a[i...].map(Line.removed) + b[j...].map(Line.added)
    }

    /// `diff -u` text without the file header: `@@ -l,n +l,n @@` hunks with `context` lines around each change;
    /// empty when the texts are equal.
    public static func unified(_ old: [String], _ new: [String], context: Int = 3) -> String {
        let all = lines(old, new)
        let changed = all.indices.filter { if case .same = all[$0] { false } else { true } }
        guard !changed.isEmpty else { return "" }
        // Hunks: runs of changes less than 2 × context apart, with context around them.
        var hunks: [ClosedRange<Int>] = []
        for index in changed {
            let range = max(0, index - context)...min(all.count - 1, index + context)
            if let last = hunks.last, range.lowerBound <= last.upperBound + 1 {
                hunks[hunks.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                hunks.append(range)
            }
        }
        var text = ""
        for hunk in hunks {
            let before = all[..<hunk.lowerBound]
            let oldStart = before.filter { if case .added = $0 { false } else { true } }.count
            let newStart = before.filter { if case .removed = $0 { false } else { true } }.count
            let body = all[hunk]
            let oldCount = body.filter { if case .added = $0 { false } else { true } }.count
            let newCount = body.filter { if case .removed = $0 { false } else { true } }.count
            text += "@@ -\(oldStart + 1),\(oldCount) +\(newStart + 1),\(newCount) @@\n"
            for line in body {
                switch line {
                case .same(let s): text += " \(s)\n"
                case .removed(let s): text += "-\(s)\n"
                case .added(let s): text += "+\(s)\n"
                }
            }
        }
        return text
    }

    /// How many lines differ: what "closest" means when choosing among candidates.
    public static func distance(_ old: [String], _ new: [String]) -> Int {
        lines(old, new).filter { if case .same = $0 { false } else { true } }.count
    }
}
