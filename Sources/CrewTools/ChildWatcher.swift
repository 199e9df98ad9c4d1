import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Watches one child on a thread of its own: drains both pipes, reaps the child, and carries out a cancellation
/// (SIGTERM to the group, SIGKILL after the grace period). One loop does everything, so there is no race between
/// reaping and signalling: the group is only signalled before the child is reaped, while its pid cannot be reused.
final class ChildWatcher: @unchecked Sendable {
    private let child: Spawner.Child
    private let grace: Double
    private var stdout: CapturedOutput
    private var stderr: CapturedOutput
    private let lock = NSLock()
    private var cancelled = false

    init(child: Spawner.Child, outputLimit: Int, grace: Double) {
        self.child = child
        self.grace = grace
        stdout = CapturedOutput(limit: outputLimit)
        stderr = CapturedOutput(limit: outputLimit)
    }

    func cancel() {
        lock.withLock { cancelled = true }
    }

    private var isCancelled: Bool { lock.withLock { cancelled } }

    /// Loops until the child is reaped and its output drained (or, once it has exited, a second has passed: a
    /// process that left the group may hold the pipes).
    func run() -> ProcessOutput {
        var open = [child.stdout, child.stderr]
        var termination: ExitStatus?
        var exitedAt: Double?
        var terminatedAt: Double?
        var killed = false
        while true {
            if termination == nil, isCancelled {
                if terminatedAt == nil {
                    kill(-child.pid, SIGTERM)
                    terminatedAt = now()
                } else if let sent = terminatedAt, !killed, now() - sent >= grace {
                    kill(-child.pid, SIGKILL)
                    killed = true
                }
            }
            drain(&open, timeoutMilliseconds: 20)
            if termination == nil, let status = reap() {
                // The rest of the group must not outlive the call; the pid is still ours until reaped, which
                // `reap` just did, so signal the group id (no member can reuse it while any member lives).
                kill(-child.pid, SIGKILL)
                termination = status
                exitedAt = now()
            }
            if termination != nil, open.isEmpty || now() - (exitedAt ?? 0) > 1 { break }
        }
        open.forEach { close($0) }
        return ProcessOutput(
            termination: termination ?? .signalled(SIGKILL), stdout: stdout, stderr: stderr,
            stopped: terminatedAt != nil)
    }

    private func reap() -> ExitStatus? {
        var status: Int32 = 0
        let result = waitpid(child.pid, &status, WNOHANG)
        if result == child.pid { return ExitStatus(waitStatus: status) }
        if result < 0, errno != EINTR { return .signalled(0) }
        return nil
    }

    /// Reads whatever is ready on the open pipes; closes and removes those at end of file.
    private func drain(_ open: inout [Int32], timeoutMilliseconds: Int32) {
        guard !open.isEmpty else {
            usleep(UInt32(timeoutMilliseconds) * 1000)
            return
        }
        var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        guard poll(&fds, nfds_t(fds.count), timeoutMilliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        for entry in fds where entry.revents != 0 {
            let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else {
                close(entry.fd)
                open.removeAll { $0 == entry.fd }
                continue
            }
            buffer.withUnsafeBytes { chunk in
                let slice = UnsafeRawBufferPointer(rebasing: chunk[..<count])
                if entry.fd == child.stdout { stdout.append(slice) } else { stderr.append(slice) }
            }
        }
    }

    private func now() -> Double { Date().timeIntervalSinceReferenceDate }
}
