import Foundation

/// File globs relative to a root folder: `*` and `?` within a path segment, `[abc]` classes, `{a,b}` alternatives and
/// `**` for any number of folders. Matching never leaves the root: a pattern that climbs out (`..`, an absolute
/// path) is refused, and no symbolic link is followed: a matched link is reported instead (see `ConfinedFolder`).
///
/// A pattern comes from a crew, so its cost is bounded: brace alternatives are capped, a segment is matched in
/// O(pattern × name) without backtracking, each (folder, pattern position) pair is visited once however many `**`
/// the pattern holds, and the walk stops with an error past a number of folder entries.
public struct Glob: Sendable {
    public struct Result: Sendable, Equatable {
        /// Matched regular files, relative to the root, sorted.
        public var files: [String] = []
        /// Matched paths that are symbolic links (never followed).
        public var links: [String] = []
        /// Matched paths that are FIFOs, devices or sockets (never read).
        public var special: [String] = []

        public init(files: [String] = [], links: [String] = [], special: [String] = []) {
            self.files = files
            self.links = links
            self.special = special
        }
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case leavesRoot
        /// The pattern would cost too much to expand; the text says which bound it passed.
        case tooComplex(String)

        public var description: String {
            switch self {
            case .leavesRoot: return "the pattern leaves the crew's folder"
            case .tooComplex(let why): return why
            }
        }
    }

    /// Brace alternatives one pattern may expand to (`{a,b}` repeated 11 times is 2,048).
    public static let maxAlternatives = 1024
    /// Folder entries one pattern may look at, across all its alternatives.
    public static let maxEntries = 200_000

    public let pattern: String

    public init(_ pattern: String) {
        self.pattern = pattern
    }

    /// True when the pattern has no wildcard at all.
    public var isLiteral: Bool { !pattern.contains { "*?[{".contains($0) } }

    /// The files the pattern matches below `root`; `maxEntries` bounds the folder entries looked at.
    public func expand(in root: String, maxEntries: Int = Glob.maxEntries) throws(Problem) -> Result {
        guard !pattern.hasPrefix("/"), let normalized = FileSystem.normalize(pattern), !normalized.hasPrefix("..")
        else { throw .leavesRoot }
        guard let folder = try? ConfinedFolder(opening: root) else { return Result() }
        var walker = GlobWalker(root: folder, budget: maxEntries)
        for alternative in try Self.alternatives(normalized) {
            let segments = Self.segments(alternative)
            let literal = segments.prefix { !$0.contains(where: { "*?[".contains($0) }) }
            try walker.walk(literal.joined(separator: "/"), segments, from: literal.count)
        }
        var result = walker.result
        result.files = Array(Set(result.files)).sorted()
        result.links = Array(Set(result.links)).sorted()
        result.special = Array(Set(result.special)).sorted()
        return result
    }

    /// Does `path` (relative, `/`-separated) match the pattern? Used by tests and by callers that list files.
    public func matches(_ path: String) -> Bool {
        guard let alternatives = try? Self.alternatives(pattern) else { return false }
        let parts = path.split(separator: "/").map(String.init)
        return alternatives.contains { Self.match(Self.segments($0), parts) }
    }

    /// Segments of a pattern, with runs of `**` folded into one: `**/**/**` means what `**` means, at `**`'s cost.
    static func segments(_ pattern: String) -> [String] {
        var out: [String] = []
        for part in pattern.split(separator: "/").map(String.init) where !(part == "**" && out.last == "**") {
            out.append(part)
        }
        return out
    }

    /// Path matching by dynamic programming over (pattern position, path position): no exponential `**`.
    static func match(_ pattern: [String], _ path: [String]) -> Bool {
        // reach[j]: the pattern's first i segments can match the path's first j parts.
        var reach = [Bool](repeating: false, count: path.count + 1)
        reach[0] = true
        for segment in pattern {
            var next = [Bool](repeating: false, count: path.count + 1)
            for j in 0...path.count where reach[j] {
                if segment == "**" {
                    for k in j...path.count { next[k] = true }
                    break
                }
                if j < path.count, matchSegment(segment, path[j]) { next[j + 1] = true }
            }
            reach = next
        }
        return reach[path.count]
    }

    /// Wildcard match of one path segment in O(pattern × name): `*`, `?`, `[abc]`, `[!a-z]`. One pass over the
    /// name per pattern position, keeping the set of pattern positions reachable, so no input backtracks.
    public static func matchSegment(_ pattern: String, _ name: String) -> Bool {
        let tokens = SegmentToken.parse(pattern)
        var states = [Bool](repeating: false, count: tokens.count + 1)
        states[0] = true
        close(&states, tokens)
        for scalar in name.unicodeScalars {
            var next = [Bool](repeating: false, count: tokens.count + 1)
            for (i, token) in tokens.enumerated() where states[i] && token.accepts(scalar) {
                next[token == .star ? i : i + 1] = true
            }
            close(&next, tokens)
            guard next.contains(true) else { return false }
            states = next
        }
        return states[tokens.count]
    }

    /// A `*` may match nothing: from any state before a star, the state after it is reachable too.
    private static func close(_ states: inout [Bool], _ tokens: [SegmentToken]) {
        for (i, token) in tokens.enumerated() where states[i] && token == .star { states[i + 1] = true }
    }

    /// `a/{b,c}/*.md` -> [`a/b/*.md`, `a/c/*.md`]; nested braces expand fully, up to `maxAlternatives`.
    static func alternatives(_ pattern: String) throws(Problem) -> [String] {
        var done: [String] = []
        var pending = [pattern]
        while let next = pending.popLast() {
            guard let expanded = expandFirstBrace(next) else {
                done.append(next)
                continue
            }
            pending += expanded.reversed()
            if done.count + pending.count > maxAlternatives {
                throw .tooComplex("the pattern's `{...}` alternatives expand to more than \(maxAlternatives) patterns")
            }
        }
        return done
    }

    /// The alternatives of the first complete `{...}` group, or nil when there is none.
    private static func expandFirstBrace(_ pattern: String) -> [String]? {
        let chars = Array(pattern)
        guard let open = chars.firstIndex(of: "{") else { return nil }
        var depth = 0
        var parts: [String] = []
        var current = ""
        for i in (open + 1)..<chars.count {
            let c = chars[i]
            if c == "{" { depth += 1 }
            if c == "}" {
                if depth == 0 {
                    parts.append(current)
                    let prefix = String(chars[..<open])
                    let suffix = String(chars[(i + 1)...])
                    return parts.map { prefix + $0 + suffix }
                }
                depth -= 1
            }
            if c == ",", depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        return nil
    }

    public static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
