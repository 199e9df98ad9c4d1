import CrewCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `file` tool's reads and listings, on a folder opened through no link (`ConfinedFolder`): every component of a
/// model's path is opened relative to the one before with `O_NOFOLLOW`, so neither a planted link nor one swapped in
/// while the tool runs can lead outside.
enum FileIO {
    /// Up to `limit` bytes of a regular file and its full size. Sized by the file, not the limit: zeroing a 1 MB
    /// buffer for every small read cost more than the read. A file that says 0 bytes (as /proc files do) or grows
    /// meanwhile is read a block at a time up to the limit.
    static func readPrefix(_ fd: Int32, size: Int, limit: Int, shown: String) throws(ToolFailure) -> ([UInt8], Int) {
        let expected = max(size, 0) + 1
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(limit, expected))
        var block = [UInt8](repeating: 0, count: min(limit, max(4 << 10, min(expected, 64 << 10))))
        while bytes.count < limit {
            let wanted = min(block.count, limit - bytes.count)
            let count = block.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, wanted) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw ToolFailure("cannot read `\(shown)`: \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            bytes += block[..<count]
        }
        return (bytes, max(size, bytes.count))
    }

    /// One line of a listing: folders end with `/`; links are named as links and never followed.
    static func describe(_ name: String, _ kind: EntryKind) -> String {
        switch kind {
        case .folder: return name + "/"
        case .file: return name
        case .link: return name + " (symbolic link, not followed)"
        case .fifo, .device, .socket: return name + " (\(kind.rawValue), not readable)"
        }
    }
}

extension ToolFailure {
    /// A path problem in the words the model reads: the path as it gave it, never the folder's place on disk.
    init(_ failure: PathFailure) {
        switch failure.reason {
        case .leaves:
            self.init("`\(failure.path)` leaves the folder; give a path relative to it, without `..` above it")
        case .link(let part):
            self.init("`\(failure.path)` goes through the symbolic link `\(part)`; this tool follows no link")
        case .notRegular(.folder): self.init("`\(failure.path)` is a folder (use list)")
        default: self.init(failure.description)
        }
    }
}
