import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps the `file` tool inside its folder: relative paths only, no `..` above the folder, and no symbolic link
/// (of the target or any parent) whose real location is outside the folder's real location.
///
/// The checks use real paths at the time of the call; a process that swaps a folder for a link between the check
/// and the open could still race it (final components are opened with `O_NOFOLLOW` to narrow that).
struct PathGuard {
    /// The folder as configured: the crew's folder joined with `root`.
    let root: String

    /// A path from the model as components below the folder; refuses absolute paths, NUL bytes and `..` that climbs
    /// out. Empty and `.` mean the folder itself.
    static func components(_ path: String) throws(ToolFailure) -> [String] {
        guard !path.contains("\0") else { throw ToolFailure("the path contains a NUL byte") }
        guard !path.hasPrefix("/") else {
            throw ToolFailure("`\(path)` is an absolute path; give a path relative to the folder")
        }
        var out: [String] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." {
                guard !out.isEmpty else { throw ToolFailure("`\(path)` climbs out of the folder with `..`") }
                out.removeLast()
            } else {
                out.append(String(part))
            }
        }
        return out
    }

    /// The folder's real path, or nil when it does not exist.
    func realRoot() -> String? {
        Self.realPath(root)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isInside(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// The real path of an existing file or folder, after checking that it lies inside the folder.
    func existing(_ components: [String], shown: String) throws(ToolFailure) -> String {
        guard let realRoot = realRoot() else {
            throw ToolFailure("the folder of this tool does not exist yet (nothing has been written to it)")
        }
        let candidate = ([realRoot] + components).joined(separator: "/")
        guard let real = Self.realPath(candidate) else {
            throw ToolFailure("`\(shown)` does not exist")
        }
        guard Self.isInside(real, realRoot) else {
            throw ToolFailure("`\(shown)` leads outside the folder through a symbolic link; refused")
        }
        return real
    }

    /// Where a write of `components` goes: creates the folder and missing parent folders (checking each existing
    /// parent's real path), and resolves an existing link inside the folder to its real target.
    func writeTarget(_ components: [String], shown: String) throws(ToolFailure) -> String {
        guard let name = components.last else { throw ToolFailure("give the path of a file to write") }
        let realRoot = try createdRoot()
        var current = realRoot
        for part in components.dropLast() {
            current = try enter(current + "/" + part, realRoot: realRoot, shown: shown)
        }
        let target = current + "/" + name
        var info = stat()
        guard lstat(target, &info) == 0 else { return target }
        if info.st_mode & S_IFMT == S_IFDIR { throw ToolFailure("`\(shown)` is a folder") }
        guard info.st_mode & S_IFMT == S_IFLNK else { return target }
        guard let real = Self.realPath(target), Self.isInside(real, realRoot) else {
            throw ToolFailure("`\(shown)` is a symbolic link leading outside the folder; refused")
        }
        return real
    }

    private func createdRoot() throws(ToolFailure) -> String {
        if let real = realRoot() { return real }
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw ToolFailure("could not create the tool's folder: \(error.localizedDescription)")
        }
        guard let real = realRoot() else { throw ToolFailure("could not create the tool's folder") }
        return real
    }

    /// One parent folder on the way to a write: made when missing, followed when a link inside the folder.
    private func enter(_ path: String, realRoot: String, shown: String) throws(ToolFailure) -> String {
        var info = stat()
        if lstat(path, &info) != 0 {
            guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
                throw ToolFailure("could not create a folder for `\(shown)`: \(String(cString: strerror(errno)))")
            }
            guard lstat(path, &info) == 0 else { throw ToolFailure("could not create a folder for `\(shown)`") }
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            return path
        case S_IFLNK:
            guard let real = Self.realPath(path), Self.isInside(real, realRoot) else {
                throw ToolFailure("`\(shown)` goes through a symbolic link leading outside the folder; refused")
            }
            var target = stat()
            guard stat(real, &target) == 0, target.st_mode & S_IFMT == S_IFDIR else {
                throw ToolFailure("a parent of `\(shown)` is not a folder")
            }
            return real
        default:
            throw ToolFailure("a parent of `\(shown)` is a file, not a folder")
        }
    }
}
