import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ConfinedFolder {
    /// Whether a write may replace a file that is already there.
    public enum Replace: Sendable {
        case always
        /// Never: the write fails with `.exists` and the old file is untouched (`crew init` without `--force`).
        case never
    }

    /// Writes to a fresh temporary file in the same folder, then renames it over the destination: a reader, or a
    /// process killed mid-write, sees the old file or the new one, never half of one. Missing parent folders are
    /// made. The rename replaces a link at the destination, never what it points to. No fsync: the guarantee is
    /// against crashes of the process, not of the machine, and run records write several files per task.
    public func write(_ bytes: some Collection<UInt8>, to relative: String, replace: Replace = .always)
        throws(PathFailure)
    {
        let (walked, name, shown) = try parent(of: relative, create: true)
        defer { walked.release() }
        let folder = walked.fd
        var temporary = TemporaryName.next()
        var fd = openat(folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        // A name left by a crashed process whose pid this one reuses: take the next.
        for _ in 0..<8 where fd < 0 && errno == EEXIST {
            temporary = TemporaryName.next()
            fd = openat(folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw PathFailure.fromErrno(shown) }
        var placed = false
        defer {
            if !placed { unlinkat(folder, temporary, 0) }
        }
        let written = Self.writeAll(fd, Array(bytes))
        close(fd)
        if let written { throw PathFailure(shown, .system(written)) }
        switch replace {
        case .always:
            guard renameat(folder, temporary, folder, name) == 0 else {
                throw PathFailure.classify(errno: errno, at: folder, name: name, shown: shown)
            }
        case .never:
            // A hard link fails when the name exists, whatever it is: the no-replace rename of every kernel.
            guard linkat(folder, temporary, folder, name, 0) == 0 else { throw PathFailure.fromErrno(shown) }
        }
        placed = replace == .always
    }

    public func write(_ text: String, to relative: String, replace: Replace = .always) throws(PathFailure) {
        try write(Array(text.utf8), to: relative, replace: replace)
    }

    /// Writes straight into `relative` (made, or emptied first), with missing parent folders made, refusing a link
    /// there. Not atomic: a process killed mid-write leaves part of the bytes. Only for a file that another write,
    /// made after it, declares whole (a task's output and its `task_finished` line, specs/run-record.md): a temporary
    /// file and a rename for each were most of what a run's record cost the kernel.
    public func writeInPlace(_ bytes: [UInt8], to relative: String) throws(PathFailure) {
        let (walked, name, shown) = try parent(of: relative, create: true)
        defer { walked.release() }
        // O_NONBLOCK: a FIFO put there fails to open (ENXIO) instead of waiting for a reader; a regular file ignores
        // it. No O_TRUNC: nothing is changed before the file is known to be this name's alone.
        let fd = openat(walked.fd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PathFailure.classify(errno: errno, at: walked.fd, name: name, shown: shown) }
        defer { close(fd) }
        // A rename would replace a device or a hard link to another file; writing in place would write through it.
        let size = try Self.regularSize(fd, shown: shown, soleName: true)
        if size > 0, ftruncate(fd, 0) != 0 { throw PathFailure.fromErrno(shown) }
        if let written = Self.writeAll(fd, bytes) { throw PathFailure(shown, .system(written)) }
    }

    /// Opens a regular file below the folder for reading, refusing links, folders, FIFOs, devices and sockets
    /// before a single byte is read (`O_NONBLOCK` keeps the open of a FIFO from waiting for a writer).
    /// The caller closes the descriptor.
    public func openRegular(_ relative: String) throws(PathFailure) -> (fd: Int32, size: Int) {
        let (walked, name, shown) = try parent(of: relative, create: false)
        defer { walked.release() }
        let folder = walked.fd
        let fd = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw PathFailure.classify(errno: errno, at: folder, name: name, shown: shown) }
        do {
            return (fd, try Self.regularSize(fd, shown: shown))
        } catch {
            close(fd)
            throw error
        }
    }

    /// The whole of a regular file of at most `limit` bytes.
    public func read(_ relative: String, limit: Int) throws(PathFailure) -> [UInt8] {
        let (fd, size) = try openRegular(relative)
        defer { close(fd) }
        return try Self.readBounded(fd, size: size, limit: limit, shown: display(relative))
    }

    /// A regular file named by a path that may go through links (a user's file, a mounted secret), at most `limit`
    /// bytes: opened without waiting and checked with `fstat` first, so a FIFO or a device is refused, never read.
    public static func readRegular(atPath path: String, limit: Int) throws(PathFailure) -> [UInt8] {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw PathFailure.fromErrno(path) }
        defer { close(fd) }
        return try readBounded(fd, size: try regularSize(fd, shown: path), limit: limit, shown: path)
    }

    /// The size of the open file `fd`, which must be a regular file.
    /// `soleName`: the file must have no other name (no hard link to it elsewhere), for a caller that writes to it.
    private static func regularSize(_ fd: Int32, shown: String, soleName: Bool = false) throws(PathFailure) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw PathFailure.fromErrno(shown) }
        let kind = EntryKind(mode: info.st_mode)
        guard kind == .file else { throw PathFailure(shown, .notRegular(kind)) }
        guard !soleName || info.st_nlink == 1 else {
            throw PathFailure(shown, .system("the file has other names (a hard link); crew writes through no link"))
        }
        return Int(info.st_size)
    }

    /// Everything in `fd`, refused before reading when `fstat` says it is over `limit`, and refused after when it
    /// grew past it meanwhile.
    private static func readBounded(_ fd: Int32, size: Int, limit: Int, shown: String) throws(PathFailure) -> [UInt8] {
        guard size <= limit else { throw PathFailure(shown, .tooLarge(size: size, limit: limit)) }
        let bytes = try readAll(fd, limit: limit, shown: shown)
        guard bytes.count <= limit else { throw PathFailure(shown, .tooLarge(size: bytes.count, limit: limit)) }
        return bytes
    }

    /// Up to `limit + 1` bytes from `fd`, so a caller can tell a file of exactly `limit` bytes from a longer one.
    public static func readAll(_ fd: Int32, limit: Int, shown: String) throws(PathFailure) -> [UInt8] {
        // The first read asks for the size fstat gives, plus the byte that shows the end (or a file past the limit),
        // into memory that is not zeroed first: a run's record reads many small files, and zeroing a 64 KiB block
        // for each cost more than reading them.
        var info = stat()
        var wanted = fstat(fd, &info) == 0 ? max(Int(info.st_size) + 1, 4096) : 64 << 10
        var bytes: [UInt8] = []
        while bytes.count <= limit {
            let room = min(wanted, limit + 1 - bytes.count)
            var failure: Int32 = 0
            let chunk = [UInt8](unsafeUninitializedCapacity: room) { buffer, initialized in
                initialized = 0
                while true {
                    let count = Glibc.read(fd, buffer.baseAddress!, room)
                    if count < 0, errno == EINTR { continue }
                    if count < 0 { failure = errno } else { initialized = count }
                    return
                }
            }
            if failure != 0 {
                errno = failure
                throw PathFailure.fromErrno(shown)
            }
            if chunk.isEmpty { break }
            if bytes.isEmpty { bytes = chunk } else { bytes += chunk }
            wanted = 64 << 10
        }
        return bytes
    }

    /// Opens a file below the folder for appending (made when missing), never through a link.
    public func openForAppend(_ relative: String) throws(PathFailure) -> Int32 {
        try openFile(relative, flags: O_WRONLY | O_CREAT | O_APPEND)
    }

    /// Opens a file below the folder with `flags` (plus `O_NOFOLLOW`, `O_CLOEXEC`); parents are made when `O_CREAT`
    /// is among the flags. The caller closes the descriptor.
    public func openFile(_ relative: String, flags: Int32) throws(PathFailure) -> Int32 {
        let (walked, name, shown) = try parent(of: relative, create: flags & O_CREAT != 0)
        defer { walked.release() }
        let folder = walked.fd
        let fd = openat(folder, name, flags | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PathFailure.classify(errno: errno, at: folder, name: name, shown: shown) }
        return fd
    }

    /// The entries of a folder below this one, sorted by name, with their kinds (links are not followed).
    public func entries(_ relative: String = "") throws(PathFailure) -> [(name: String, kind: EntryKind)] {
        let shown = display(relative)
        let parts = try Self.components(relative, shown: shown)
        let fd = try walkOwned(parts[...], create: false, shown: shown)
        guard let stream = fdopendir(fd) else {
            close(fd)
            throw PathFailure.fromErrno(shown)
        }
        defer { closedir(stream) }
        var out: [(name: String, kind: EntryKind)] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            guard name != ".", name != "..", let kind = EntryKind.at(dirfd(stream), name) else { continue }
            out.append((name, kind))
        }
        return out.sorted { $0.name < $1.name }
    }

    /// Removes a file below the folder (never a folder, never through a link); a missing file is not an error.
    public func remove(_ relative: String) throws(PathFailure) {
        let (walked, name, shown) = try parent(of: relative, create: false)
        defer { walked.release() }
        let folder = walked.fd
        if unlinkat(folder, name, 0) != 0, errno != ENOENT { throw PathFailure.fromErrno(shown) }
    }

    /// nil when every byte went out, else why not.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return nil
    }
}

/// Names for temporary files: the process id, read once, and a counter. `O_EXCL` makes a clash (another process
/// that reused the pid) fail instead of sharing a file, and no name costs a system call.
enum TemporaryName {
    private static let pid = getpid()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counter: UInt64 = 0

    static func next() -> String {
        let number = lock.withLock {
            counter += 1
            return counter
        }
        return ".crew-tmp-\(pid)-\(number)"
    }
}

extension ConfinedFolder {
    /// Creates the folder `relative` (its parents as needed), which must not exist yet: false when something by that
    /// name is there already, so two processes (or two runs of one) can never both claim the same folder.
    public func createNewFolder(_ relative: String) throws(PathFailure) -> Bool {
        let (parent, name, shown) = try parent(of: relative, create: true)
        defer { parent.release() }
        if mkdirat(parent.fd, name, 0o755) == 0 { return true }
        if errno == EEXIST { return false }
        throw PathFailure.fromErrno(shown)
    }
}
