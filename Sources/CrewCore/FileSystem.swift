import Foundation

/// File operations the compiler needs, written so that a crash or a concurrent reader never sees half a file.
public enum FileSystem {
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Writes to a temporary file in the same folder, then renames it over the destination.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
            try data.write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw WriteError(path: path, reason: reason)
            }
        } catch let error as WriteError {
            throw error
        } catch {
            throw WriteError(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    public static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(Data(text.utf8), to: path)
    }

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
