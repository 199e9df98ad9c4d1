import Foundation

/// Path arithmetic on strings (no file system access): joining and lexical normalisation. Reading and writing below a
/// folder is `ConfinedFolder`'s.
public enum FileSystem {
    /// Joins path components without doubling separators; `.` and empty components vanish.
    public static func join(_ parts: String...) -> String {
        join(parts)
    }

    public static func join(_ parts: [String]) -> String {
        var result = ""
        for part in parts where !part.isEmpty && part != "." {
            if result.isEmpty || part.hasPrefix("/") {
                result = part
            } else {
                result += result.hasSuffix("/") ? part : "/" + part
            }
        }
        return result.isEmpty ? "." : result
    }

    /// Resolves `.` and `..` lexically; returns nil when `..` would climb above the start of a relative path.
    public static func normalize(_ path: String) -> String? {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if parts.isEmpty || parts.last == ".." {
                    if absolute { continue }
                    return nil
                }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
