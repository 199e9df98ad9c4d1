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
        let pipes = try makePipes()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes.stdin.read, 0)
        posix_spawn_file_actions_adddup2(&actions, pipes.stdout.write, 1)
        posix_spawn_file_actions_adddup2(&actions, pipes.stderr.write, 2)
        #if canImport(Glibc)
            // Servers start in the crew's folder, so that relative paths in `command` and `args` mean the same
            // wherever crew runs.
            if !directory.isEmpty { _ = GlibcExtras.addChdir(&actions, directory) }
        #endif
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        configure(&attributes)

        let argv = ([command] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let result = environment.withCArray { posix_spawnp(&pid, command, &actions, &attributes, argv + [nil], $0) }
        for fd in [pipes.stdin.read, pipes.stdout.write, pipes.stderr.write] { close(fd) }
        guard result == 0 else {
            for fd in [pipes.stdin.write, pipes.stdout.read, pipes.stderr.read] { close(fd) }
            throw ToolSetupError(spawnFailure(what, command: command, code: result))
        }
        return ChildProcess(pid: pid, stdin: pipes.stdin.write, stdout: pipes.stdout.read, stderr: pipes.stderr.read)
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

    private static func configure(_ attributes: inout posix_spawnattr_t) {
        var flags = Int32(POSIX_SPAWN_SETPGROUP) | Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK)
        #if canImport(Darwin)
            flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #endif
        posix_spawnattr_setflags(&attributes, Int16(flags))
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        // Signals crew ignores would stay ignored in the child otherwise.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
    }

    private static func spawnFailure(_ what: String, command: String, code: Int32) -> String {
        switch code {
        case ENOENT: "\(what) `\(command)` was not found (is it installed and on PATH?)"
        case EACCES: "\(what) `\(command)` is not executable"
        default: "\(what) `\(command)` could not be started: \(String(cString: strerror(code)))"
        }
    }

    private struct Pipe {
        var read: Int32
        var write: Int32
    }

    private static func makePipes() throws(ToolSetupError) -> (stdin: Pipe, stdout: Pipe, stderr: Pipe) {
        var made: [Pipe] = []
        for _ in 0..<3 {
            var fds: [Int32] = [-1, -1]
            guard makePipe(&fds) == 0 else {
                let message = String(cString: strerror(errno))
                for pipe in made { close(pipe.read); close(pipe.write) }
                throw ToolSetupError("could not create a pipe for an MCP server: \(message)")
            }
            made.append(Pipe(read: fds[0], write: fds[1]))
        }
        return (made[0], made[1], made[2])
    }

    /// Close-on-exec from the start, so that a process spawned at the same moment on another thread does not inherit
    /// this server's pipes (and keep them open after the server exits).
    private static func makePipe(_ fds: inout [Int32]) -> Int32 {
        #if canImport(Glibc)
            if let result = GlibcExtras.closeOnExecPipe(&fds) { return result }
        #endif
        guard pipe(&fds) == 0 else { return -1 }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return 0
    }
}
