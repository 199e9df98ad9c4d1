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

    /// A file's folder and name, split at the last slash: `.` for a bare name, `/` for a file at the root. By the
    /// byte: `URL` and `NSString` scan every conformance in the binary the first time a process uses them.
    public static func split(_ path: String) -> (folder: String, name: String) {
        let bytes = path.utf8
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[bytes.index(after: slash)...]))
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
