import Foundation

/// File operations the compiler needs, written so that a crash or a concurrent reader never sees half a file.
public enum FileSystem {
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// Writes to a temporary file in the same folder, then renames it over the destination: a reader, or a process
    /// killed mid-write, sees the old file or the new one, never half of one. No fsync: the guarantee is against
    /// crashes of the process, not of the machine, and run records write several files per task.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())"
        var fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 && errno == ENOENT && !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw WriteError(path: path, reason: "cannot create its folder: \(error.localizedDescription)")
            }
            fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        let failure: String? = data.withUnsafeBytes { buffer -> String? in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += written
            }
            return nil
        }
        close(fd)
        if let failure {
            unlink(temporary)
            throw WriteError(path: path, reason: failure)
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(path: path, reason: reason)
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
