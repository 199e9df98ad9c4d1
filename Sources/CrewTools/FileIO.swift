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
        // Sized by the file, not the limit: zeroing a 1 MB buffer for every small read cost more than the read.
        // A file that says 0 bytes (as /proc files do) or grows meanwhile is read a block at a time up to the limit.
        let expected = max(Int(info.st_size), 0) + 1
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(limit, expected))
        var block = [UInt8](repeating: 0, count: min(limit, max(4 << 10, min(expected, 64 << 10))))
        while bytes.count < limit {
            let wanted = min(block.count, limit - bytes.count)
            let count = block.withUnsafeMutableBytes { read(fd, $0.baseAddress!, wanted) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw ToolFailure("cannot read `\(shown)`: \(systemError())") }
            if count == 0 { break }
            bytes += block[..<count]
        }
        return (bytes, max(Int(info.st_size), bytes.count))
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
