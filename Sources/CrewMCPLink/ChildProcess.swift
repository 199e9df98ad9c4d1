import CrewTools
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A server process (or crew's MCP host) started with `posix_spawnp`, in its own process group (so that a server's
/// own children are stopped with it and a Ctrl-C aimed at crew does not reach it), with pipes for stdin, stdout and
/// stderr.
package final class ChildProcess: @unchecked Sendable {
    // `@unchecked`: `status` is only touched under `lock`; everything else is immutable.
    package let pid: pid_t
    /// The parent's ends of the pipes.
    package let stdin: Int32
    package let stdout: Int32
    package let stderr: Int32

    private let lock = NSLock()
    private var status: ExitStatus?

    private init(pid: pid_t, stdin: Int32, stdout: Int32, stderr: Int32) {
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Starts `command` (looked up on `PATH`) with exactly the variables of `environment`. `what` names the program
    /// in errors.
    package static func spawn(
        command: String, arguments: [String], environment: ChildEnvironment, directory: String,
        what: String = "MCP server command"
    ) throws(ToolSetupError) -> ChildProcess {
        ignoreSIGPIPE
        do {
            let child = try Spawner.spawn(
                command, arguments: arguments, environment: environment, directory: directory, input: .pipe,
                lookup: .path)
            return ChildProcess(pid: child.pid, stdin: child.stdin ?? -1, stdout: child.stdout, stderr: child.stderr)
        } catch .pipe(let code) {
            throw ToolSetupError("could not create a pipe for \(what) `\(command)`: \(String(cString: strerror(code)))")
        } catch {
            throw ToolSetupError(spawnFailure(what, command: command, code: error.code))
        }
    }

    /// How the process ended, or nil while it runs. Reaps it, once.
    package func exitStatus() -> ExitStatus? {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, WNOHANG)
        if result == pid {
            status = ExitStatus(waitStatus: raw)
        } else if result < 0, errno == ECHILD {
            // Someone else reaped it (a SIGCHLD handler set to SIG_IGN): it is gone all the same.
            status = .exited(-1)
        }
        return status
    }

    /// Waits up to `seconds` for the process to end.
    package func waitForExit(seconds: Double) async -> ExitStatus? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let status = exitStatus() { return status }
            if Date() >= deadline { return nil }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
    }

    /// SIGTERM to the process group, SIGKILL after `grace` seconds, and reaps the process. Never throws, never hangs.
    @discardableResult
    package func terminate(grace: Double) async -> ExitStatus {
        if let status = exitStatus() {
            signalGroup(SIGKILL)  // Stragglers the server left behind in its group.
            return status
        }
        signalGroup(SIGTERM)
        if let status = await waitForExit(seconds: grace) {
            signalGroup(SIGKILL)
            return status
        }
        signalGroup(SIGKILL)
        return await waitForExit(seconds: 5) ?? .signalled(SIGKILL)
    }

    private func signalGroup(_ signal: Int32) {
        // The group id is the pid (POSIX_SPAWN_SETPGROUP with 0); fall back to the process if the group is gone.
        if kill(-pid, signal) != 0, exitStatus() == nil { kill(pid, signal) }
    }

    /// A write to the pipe of a server that has exited must be an EPIPE error, not the end of crew.
    private static let ignoreSIGPIPE: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    private static func spawnFailure(_ what: String, command: String, code: Int32) -> String {
        switch code {
        case ENOENT: "\(what) `\(command)` was not found (is it installed and on PATH?)"
        case EACCES: "\(what) `\(command)` is not executable"
        default: "\(what) `\(command)` could not be started: \(String(cString: strerror(code)))"
        }
    }
}
