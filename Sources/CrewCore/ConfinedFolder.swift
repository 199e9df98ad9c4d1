import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A folder opened once, below which every path is walked one component at a time relative to the folder's
/// descriptor, each component opened with `O_NOFOLLOW`. Nothing below the folder is reached through a symbolic link,
/// and `..` never climbs above it, so a link planted in a crew (or swapped in while crew works) cannot lead a read or
/// a write outside. Checking a resolved path and then opening it by name would leave that race open.
///
/// The folder itself is named by a path crew trusts (the user gave it, or it is the crew's own folder); it may be
/// reached through links. Everything below it comes from untrusted input: crew files, plans, models.
public final class ConfinedFolder: Sendable {
    /// The folder's path as shown in messages.
    public let path: String
    let descriptor: Int32

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit {
        close(descriptor)
    }

    /// Opens the trusted folder `path`, creating it (and its parents) when `create` is set.
    public convenience init(opening path: String, create: Bool = false) throws(PathFailure) {
        var fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0, errno == ENOENT, create {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw PathFailure(path, .system("cannot create it: \(error.localizedDescription)"))
            }
            fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        guard fd >= 0 else { throw PathFailure.fromErrno(path) }
        self.init(descriptor: fd, path: path)
    }

    /// Opens `below` (untrusted) inside the trusted folder `base`. `shownAs` names it in messages instead of its
    /// path (a model is told paths relative to its tool's folder, never where that folder is).
    public static func open(_ location: ConfinedPath, create: Bool = false, shownAs: String? = nil)
        throws(PathFailure) -> ConfinedFolder
    {
        let base = try ConfinedFolder(opening: location.base, create: create)
        return try base.folder(location.below, create: create, shownAs: shownAs)
    }

    /// The folder `relative` below this one, made (with its parents) when `create` is set.
    public func folder(_ relative: String, create: Bool = false, shownAs: String? = nil) throws(PathFailure)
        -> ConfinedFolder
    {
        let shown = shownAs ?? display(relative)
        let parts = try Self.components(relative, shown: shown)
        let fd = try walkOwned(parts[...], create: create, shown: shown)
        return ConfinedFolder(descriptor: fd, path: shown)
    }

    /// `relative` as shown in messages: joined to this folder's path.
    public func display(_ relative: String) -> String {
        path.isEmpty ? relative : FileSystem.join(path, relative)
    }

    /// A path from untrusted input as components below the folder: no NUL byte, not absolute, and no `..` that
    /// climbs above the folder (`a/../b` is `b`). Empty and `.` mean the folder itself.
    /// Split on the byte `/`, as the kernel reads a path: split by characters, a slash followed by a combining mark
    /// is one character, and would stay inside a component that `openat` then walks through links.
    public static func components(_ relative: String, shown: String? = nil) throws(PathFailure) -> [String] {
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        guard !relative.utf8.contains(0), relative.utf8.first != slash else {
            throw PathFailure(shown ?? relative, .leaves)
        }
        var out: [String] = []
        for part in relative.utf8.split(separator: slash, omittingEmptySubsequences: true) {
            if part.count == 1, part.first == dot { continue }
            if part.count == 2, part.first == dot, part.last == dot {
                guard !out.isEmpty else { throw PathFailure(shown ?? relative, .leaves) }
                out.removeLast()
            } else {
                out.append(String(Substring(part)))
            }
        }
        return out
    }

    /// A folder descriptor reached by a walk: this folder's own (borrowed: an entry directly in the folder costs no
    /// extra open), or one the walk opened, which `release` closes.
    struct Walked {
        let fd: Int32
        let owned: Bool

        func release() {
            if owned { close(fd) }
        }
    }

    /// Opens the folder at `parts` below this one, one component at a time with `O_NOFOLLOW`.
    func walk(_ parts: ArraySlice<String>, create: Bool, shown: String) throws(PathFailure) -> Walked {
        var current = Walked(fd: descriptor, owned: false)
        for part in parts {
            // Made first, then opened: a run makes a folder per task, and opening first failed once for each.
            let made = !create || mkdirat(current.fd, part, 0o755) == 0 ? 0 : errno
            let next = openat(current.fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0 {
                let opened = errno
                // A folder that could not be made (not there, and read-only, full or forbidden) says why.
                let failure =
                    opened == ENOENT && made != 0 && made != EEXIST
                    ? PathFailure.fromErrno(shown, code: made)
                    : PathFailure.classify(errno: opened, at: current.fd, name: part, shown: shown)
                current.release()
                throw failure
            }
            current.release()
            current = Walked(fd: next, owned: true)
        }
        return current
    }

    /// As `walk`, always with a descriptor of its own (for a `ConfinedFolder` or `fdopendir`).
    func walkOwned(_ parts: ArraySlice<String>, create: Bool, shown: String) throws(PathFailure) -> Int32 {
        let walked = try walk(parts, create: create, shown: shown)
        if walked.owned { return walked.fd }
        let fd = openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw PathFailure.fromErrno(shown) }
        return fd
    }

    /// The parent folder and the last component of a path that names an entry (not the folder itself).
    func parent(of relative: String, create: Bool) throws(PathFailure) -> (folder: Walked, name: String, shown: String)
    {
        let shown = display(relative)
        let parts = try Self.components(relative, shown: shown)
        guard let name = parts.last else { throw PathFailure(shown, .notRegular(.folder)) }
        return (try walk(parts.dropLast(), create: create, shown: shown), name, shown)
    }

    /// What `relative` is, without following a link (a link among its parents makes it `.link`); nil when nothing is
    /// there, or a parent is not a folder.
    public func kind(of relative: String) -> EntryKind? {
        (try? entryKind(relative)) ?? nil
    }

    /// What `relative` is, without following a link: a link among its parents is reported as `.link` of the path;
    /// nil when nothing is there.
    public func entryKind(_ relative: String) throws(PathFailure) -> EntryKind? {
        if try Self.components(relative).isEmpty { return .folder }
        do {
            let (folder, name, _) = try parent(of: relative, create: false)
            defer { folder.release() }
            return EntryKind.at(folder.fd, name)
        } catch {
            if case .link = error.reason { return .link }
            if error.reason == .missing { return nil }
            throw error
        }
    }
}

/// A folder given as a trusted base and an untrusted path below it, walked without following links.
public struct ConfinedPath: Sendable, Hashable, CustomStringConvertible {
    /// A folder crew trusts: given by the user, or the crew's own folder.
    public var base: String
    /// A path below `base` that comes from a crew, a plan or crew's own layout (`.crew/runs`).
    public var below: String

    public init(base: String, below: String = "") {
        self.base = base
        self.below = below
    }

    /// The same place, one level further down.
    public func appending(_ relative: String) -> ConfinedPath {
        ConfinedPath(base: base, below: below.isEmpty ? relative : below + "/" + relative)
    }

    public var description: String { below.isEmpty ? base : FileSystem.join(base, below) }
}

/// The kind of a directory entry, as `lstat` sees it.
public enum EntryKind: String, Sendable, Equatable {
    case file, folder, link, fifo, device, socket

    static func at(_ folder: Int32, _ name: String) -> EntryKind? {
        var info = stat()
        guard fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return EntryKind(mode: info.st_mode)
    }

    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .file
        case S_IFDIR: self = .folder
        case S_IFLNK: self = .link
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        default: self = .device
        }
    }
}
