import CrewCore
import CrewDocuments
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The lock a process holds on a run folder for as long as it runs the run: `flock` on `<run>/lock`. A second
/// `--resume` of the same run, or a resume of a live run, fails at once instead of running every unfinished task
/// twice. The kernel drops the lock when its holder dies, `kill -9` included, so a reader that can take the lock
/// knows a run recorded as `running` has no process left: it crashed.
public final class RunLock: Sendable {
    static let fileName = "lock"
    private let fd: Int32

    /// Another process runs this run.
    public struct Busy: CodedFailure {
        public var code: FailureCode { .r506 }
        public var runID: String
        public var owner: RunOwner?
        public var description: String {
            let who = owner.map { " (pid \($0.pid) on \($0.host), since \($0.since))" } ?? ""
            return "run `\(runID)` is being run by another crew process\(who); wait for it to end, or stop it, "
                + "before resuming"
        }
    }

    /// Takes the lock of the run folder `files`, or throws `Busy` without waiting.
    init(_ files: ConfinedFolder, runID: String, owner: () -> RunOwner?) throws {
        let fd = try files.openFile(Self.fileName, flags: O_RDWR | O_CREAT)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Busy(runID: runID, owner: owner())
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    /// Whether a process holds the lock of the run folder `files` now; nil when the folder has no lock file (a
    /// record made by an older crew).
    static func isHeld(in files: ConfinedFolder) -> Bool? {
        guard let fd = try? files.openFile(fileName, flags: O_RDONLY) else { return nil }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }
}
