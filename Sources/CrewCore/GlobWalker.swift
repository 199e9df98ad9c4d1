#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One token of a glob segment: a literal character, `?`, `*`, or a `[...]` class.
enum SegmentToken: Equatable {
    case literal(Unicode.Scalar)
    case any
    case star
    case set([ClosedRange<Unicode.Scalar>], negated: Bool)

    func accepts(_ scalar: Unicode.Scalar) -> Bool {
        switch self {
        case .literal(let c): return c == scalar
        case .any, .star: return true
        case .set(let ranges, let negated): return ranges.contains { $0.contains(scalar) } != negated
        }
    }

    static func parse(_ segment: String) -> [SegmentToken] {
        let scalars = Array(segment.unicodeScalars)
        var tokens: [SegmentToken] = []
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "*" {
                if tokens.last != .star { tokens.append(.star) }
            } else if c == "?" {
                tokens.append(.any)
            } else if c == "[", let (set, end) = parseSet(scalars, from: i) {
                tokens.append(set)
                i = end
            } else {
                tokens.append(.literal(c))
            }
            i += 1
        }
        return tokens
    }

    /// `[abc]`, `[a-z]`, `[!a]` / `[^a]`; a `]` right after the opening (or its `!`) is a member. Returns the token
    /// and the index of the closing `]`, or nil when the class never closes (then `[` is a literal).
    private static func parseSet(_ scalars: [Unicode.Scalar], from open: Int) -> (SegmentToken, Int)? {
        var i = open + 1
        let negated = i < scalars.count && (scalars[i] == "!" || scalars[i] == "^")
        if negated { i += 1 }
        var ranges: [ClosedRange<Unicode.Scalar>] = []
        let first = i
        while i < scalars.count {
            if scalars[i] == "]", i > first { return (.set(ranges, negated: negated), i) }
            if i + 2 < scalars.count, scalars[i + 1] == "-", scalars[i + 2] != "]", scalars[i] <= scalars[i + 2] {
                ranges.append(scalars[i]...scalars[i + 2])
                i += 3
            } else {
                ranges.append(scalars[i]...scalars[i])
                i += 1
            }
        }
        return nil
    }
}

/// Walks a confined folder for a glob's segments. Each (folder, segment position) pair is visited once, so a
/// pattern with many `**` costs at most folders × segments, and every entry looked at counts against a budget.
struct GlobWalker {
    let root: ConfinedFolder
    var budget: Int
    let limit: Int
    var result = Glob.Result()
    private var visited = Set<String>()
    /// Each folder is read once, however many pattern positions reach it.
    private var listings: [String: [(name: String, kind: EntryKind)]] = [:]

    init(root: ConfinedFolder, budget: Int) {
        self.root = root
        self.budget = budget
        limit = budget
    }

    mutating func walk(_ relative: String, _ pattern: [String], from index: Int) throws(Glob.Problem) {
        guard visited.insert("\(index)\u{0}\(relative)").inserted else { return }
        guard let kind = relative.isEmpty ? .folder : root.kind(of: relative) else { return }
        if index == pattern.count {
            record(relative, kind)
            return
        }
        guard kind == .folder else {
            if kind == .link { result.links.append(relative) }
            return
        }
        let entries = try list(relative)
        let head = pattern[index]
        if head == "**" {
            try walk(relative, pattern, from: index + 1)
            for entry in entries where entry.kind == .folder && !entry.name.hasPrefix(".") {
                try walk(join(relative, entry.name), pattern, from: index)
            }
            return
        }
        for entry in entries where Glob.matchSegment(head, entry.name) {
            if entry.name.hasPrefix(".") && !head.hasPrefix(".") { continue }
            try walk(join(relative, entry.name), pattern, from: index + 1)
        }
    }

    private mutating func record(_ relative: String, _ kind: EntryKind) {
        switch kind {
        case .file: result.files.append(relative)
        case .link: result.links.append(relative)
        case .fifo, .device, .socket: result.special.append(relative)
        case .folder: break
        }
    }

    private mutating func list(_ relative: String) throws(Glob.Problem) -> [(name: String, kind: EntryKind)] {
        if let known = listings[relative] { return known }
        let entries = (try? root.entries(relative)) ?? []
        listings[relative] = entries
        budget -= entries.count
        if budget < 0 {
            throw .tooComplex("the pattern looks at more than \(limit) files and folders; narrow it")
        }
        return entries
    }

    private func join(_ relative: String, _ name: String) -> String {
        relative.isEmpty ? name : relative + "/" + name
    }
}
