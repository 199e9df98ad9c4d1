import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a path below a confined folder could not be read or written: what, where, and how to fix it.
public struct PathFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// Absolute, climbing above the folder with `..`, or holding a NUL byte.
        case leaves
        /// A component (named) is a symbolic link.
        case link(String)
        /// A component (named) that must be a folder is something else.
        case notFolder(String)
        /// The entry is not a regular file.
        case notRegular(EntryKind)
        /// The file is larger than the limit (bytes).
        case tooLarge(size: Int, limit: Int)
        case exists
        case missing
        case system(String)
    }

    /// The path as shown to the user.
    public var path: String
    public var reason: Reason
    /// How to fix it, when the caller knows better than the reason's own words.
    public var hint: String?

    public init(_ path: String, _ reason: Reason, hint: String? = nil) {
        self.path = path
        self.reason = reason
        self.hint = hint
    }

    public var description: String {
        hint.map { "\(problem); \($0)" } ?? problem
    }

    private var problem: String {
        let shown = TerminalText.escape(path)
        switch reason {
        case .leaves:
            return "`\(shown)` leaves its folder (an absolute path, `..` above the folder, or a NUL byte); "
                + "use a path inside the folder"
        case .link(let part):
            return "`\(shown)` goes through the symbolic link `\(TerminalText.escape(part))`; crew follows no link "
                + "below a crew's folder: replace the link with the real folder or file"
        case .notFolder(let part): return "`\(shown)`: `\(TerminalText.escape(part))` is not a folder"
        case .notRegular(let kind):
            return "`\(shown)` is a \(kind == .device ? "device" : kind.rawValue), not a regular file"
        case .tooLarge(let size, let limit):
            return "`\(shown)` is \(size) bytes; at most \(limit) bytes are read from such a file"
        case .exists: return "`\(shown)` exists already"
        case .missing: return "`\(shown)` does not exist"
        case .system(let detail): return "`\(shown)`: \(detail)"
        }
    }

    static func fromErrno(_ path: String, code: Int32 = errno) -> PathFailure {
        if code == ENOENT { return PathFailure(path, .missing) }
        if code == EEXIST { return PathFailure(path, .exists) }
        return PathFailure(path, .system(String(cString: strerror(code))))
    }

    /// Why opening `name` in `folder` failed: a link and a non-folder are told apart from a plain system error.
    static func classify(errno code: Int32, at folder: Int32, name: String, shown: String) -> PathFailure {
        switch EntryKind.at(folder, name) {
        case .link: return PathFailure(shown, .link(name))
        case .some(let kind) where kind != .folder && (code == ENOTDIR || code == ELOOP):
            return PathFailure(shown, .notFolder(name))
        case .folder where code == EISDIR:
            return PathFailure(shown, .notRegular(.folder))
        case .none where code == ENOENT: return PathFailure(shown, .missing)
        default:
            errno = code
            return fromErrno(shown)
        }
    }
}
