#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `file` tool's system calls: bounded reads, atomic writes, entry descriptions.
enum FileIO {
    private static func systemError() -> String { String(cString: strerror(errno)) }

    /// Up to `limit` bytes of a regular file and its full size. The path is a checked real path, so `O_NOFOLLOW`
    /// only refuses a link swapped in since the check.
    static func readPrefix(_ path: String, limit: Int, shown: String) throws(ToolFailure) -> ([UInt8], Int) {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw ToolFailure("cannot open `\(shown)`: \(systemError())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ToolFailure("cannot read `\(shown)`: \(systemError())") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ToolFailure(
                info.st_mode & S_IFMT == S_IFDIR ? "`\(shown)` is a folder (use list)" : "`\(shown)` is not a file")
        }
        var bytes = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < limit {
            let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, limit - filled) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw ToolFailure("cannot read `\(shown)`: \(systemError())") }
            if count == 0 { break }
            filled += count
        }
        return (Array(bytes[..<filled]), max(Int(info.st_size), filled))
    }

    /// Writes to a fresh temporary file next to `path`, then renames it over `path`: readers see the old or the new
    /// file, never half of one.
    static func writeAtomically(_ bytes: [UInt8], to path: String, shown: String) throws(ToolFailure) {
        let slash = path.lastIndex(of: "/").map { path[..<$0] } ?? "."
        var template = Array("\(slash)/.crew-write-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ToolFailure("cannot write `\(shown)`: \(systemError())") }
        let temporary = String(cString: template)
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                close(fd)
                throw ToolFailure("cannot write `\(shown)`: \(systemError())")
            }
            written += count
        }
        fchmod(fd, 0o644)
        fsync(fd)
        close(fd)
        guard rename(temporary, path) == 0 else { throw ToolFailure("cannot write `\(shown)`: \(systemError())") }
        ok = true
    }

    /// One line of a listing: folders end with `/`; links say where they lead only when that is outside or nowhere.
    static func describe(_ path: String, name: String, root: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0 else { return name }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            return name + "/"
        case S_IFLNK:
            guard let real = PathGuard.realPath(path) else { return name + " (broken link)" }
            guard PathGuard.isInside(real, root) else { return name + " (link leading outside the folder)" }
            var target = stat()
            return stat(real, &target) == 0 && target.st_mode & S_IFMT == S_IFDIR ? name + "/" : name
        default:
            return name
        }
    }
}
