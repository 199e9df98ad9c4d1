import Foundation

/// File globs relative to a root folder: `*` and `?` within a path segment, `[abc]` classes, `{a,b}` alternatives and
/// `**` for any number of folders. Matching never leaves the root: a pattern that climbs out (`..`, an absolute
/// path) is refused, and a symbolic link whose target lies outside the root is reported instead of followed.
public struct Glob: Sendable {
    public struct Result: Sendable, Equatable {
        /// Matched regular files, relative to the root, sorted.
        public var files: [String] = []
        /// Matched paths that are symbolic links leading out of the root.
        public var escaping: [String] = []
    }

    public enum Problem: Error, Equatable {
        case leavesRoot
    }

    public let pattern: String

    public init(_ pattern: String) {
        self.pattern = pattern
    }

    /// True when the pattern has no wildcard at all.
    public var isLiteral: Bool { !pattern.contains { "*?[{".contains($0) } }

    public func expand(in root: String) throws(Problem) -> Result {
        guard !pattern.hasPrefix("/"), let normalized = FileSystem.normalize(pattern), !normalized.hasPrefix("..")
        else { throw .leavesRoot }
        var result = Result()
        let realRoot = Glob.realPath(root)
        for alternative in Glob.expandBraces(normalized) {
            let segments = alternative.split(separator: "/").map(String.init)
            let literalPrefix = Array(segments.prefix { !$0.contains(where: { "*?[".contains($0) }) })
            let base = literalPrefix.joined(separator: "/")
            let rest = Array(segments.dropFirst(literalPrefix.count))
            Glob.walk(root: root, realRoot: realRoot, relative: base, pattern: rest, into: &result)
        }
        result.files = Array(Set(result.files)).sorted()
        result.escaping = Array(Set(result.escaping)).sorted()
        return result
    }

    /// Does `path` (relative, `/`-separated) match the pattern? Used by tests and by callers that list files.
    public func matches(_ path: String) -> Bool {
        Glob.expandBraces(pattern).contains { alternative in
            Glob.match(
                alternative.split(separator: "/").map(String.init)[...],
                path.split(separator: "/").map(String.init)[...])
        }
    }

    static func walk(root: String, realRoot: String, relative: String, pattern: [String], into result: inout Result) {
        let absolute = relative.isEmpty ? root : root + "/" + relative
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else { return }
        let real = realPath(absolute)
        if real != realRoot && !real.hasPrefix(realRoot + "/") {
            result.escaping.append(relative)
            return
        }
        if pattern.isEmpty {
            if !isDirectory.boolValue { result.files.append(relative) }
            return
        }
        guard isDirectory.boolValue,
            let entries = try? FileManager.default.contentsOfDirectory(atPath: absolute).sorted()
        else { return }
        let head = pattern[0]
        if head == "**" {
            walk(root: root, realRoot: realRoot, relative: relative, pattern: Array(pattern.dropFirst()), into: &result)
            for entry in entries where !entry.hasPrefix(".") {
                let child = relative.isEmpty ? entry : relative + "/" + entry
                let childPath = root + "/" + child
                var childIsDirectory: ObjCBool = false
                let exists = FileManager.default.fileExists(atPath: childPath, isDirectory: &childIsDirectory)
                if exists && childIsDirectory.boolValue && !isSymlink(childPath) {
                    walk(root: root, realRoot: realRoot, relative: child, pattern: pattern, into: &result)
                }
            }
            return
        }
        for entry in entries where matchSegment(Array(head.unicodeScalars)[...], Array(entry.unicodeScalars)[...]) {
            if entry.hasPrefix(".") && !head.hasPrefix(".") { continue }
            let child = relative.isEmpty ? entry : relative + "/" + entry
            walk(root: root, realRoot: realRoot, relative: child, pattern: Array(pattern.dropFirst()), into: &result)
        }
    }

    static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let head = pattern.first else { return path.isEmpty }
        if head == "**" {
            var rest = path
            while true {
                if match(pattern.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let first = path.first,
            matchSegment(Array(head.unicodeScalars)[...], Array(first.unicodeScalars)[...])
        else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// Wildcard match of one path segment, with backtracking for `*`.
    static func matchSegment(_ p: ArraySlice<Unicode.Scalar>, _ s: ArraySlice<Unicode.Scalar>) -> Bool {
        var p = p
        var s = s
        while let c = p.first {
            switch c {
            case "*":
                let rest = p.dropFirst()
                var tail = s
                while true {
                    if matchSegment(rest, tail) { return true }
                    guard !tail.isEmpty else { return false }
                    tail = tail.dropFirst()
                }
            case "?":
                guard !s.isEmpty else { return false }
                p = p.dropFirst()
                s = s.dropFirst()
            case "[":
                guard let ch = s.first, let close = p.dropFirst(2).firstIndex(of: "]") else { return false }
                var set = p[(p.startIndex + 1)..<close]
                let negate = set.first == "!" || set.first == "^"
                if negate { set = set.dropFirst() }
                if classContains(set, ch) == negate { return false }
                p = p[(close + 1)...]
                s = s.dropFirst()
            default:
                guard s.first == c else { return false }
                p = p.dropFirst()
                s = s.dropFirst()
            }
        }
        return s.isEmpty
    }

    private static func classContains(_ set: ArraySlice<Unicode.Scalar>, _ ch: Unicode.Scalar) -> Bool {
        var i = set.startIndex
        while i < set.endIndex {
            if i + 2 < set.endIndex, set[i + 1] == "-" {
                if set[i] <= ch && ch <= set[i + 2] { return true }
                i += 3
            } else {
                if set[i] == ch { return true }
                i += 1
            }
        }
        return false
    }

    /// `a/{b,c}/*.md` -> [`a/b/*.md`, `a/c/*.md`]; nested braces expand fully.
    static func expandBraces(_ pattern: String) -> [String] {
        let chars = Array(pattern)
        guard let open = chars.firstIndex(of: "{") else { return [pattern] }
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
                    return parts.flatMap { expandBraces(prefix + $0 + suffix) }
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
        return [pattern]
    }

    static func isSymlink(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
    }

    public static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
