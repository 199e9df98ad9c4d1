import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one way crew starts a program (a command tool's, an MCP server, the `crew-mcp` host): `posix_spawn` with an
/// argument vector, never a shell, and exactly the variables of a `ChildEnvironment`. The child leads a new process
/// group (so its own children can be stopped with it, and a Ctrl-C aimed at crew does not reach it), starts with
/// default handling of the signals crew ignores or traps and an empty signal mask, and gets pipes that were
/// close-on-exec from the moment they were made, so a spawn on another thread never inherits another child's pipe
/// (which would hold that child's output open after it exits).
package enum Spawner {
    /// What the child reads on stdin.
    package enum Input: Sendable {
        case null
        case pipe
    }

    /// How `program` is found: as given, or looked up on the child environment's `PATH` (`posix_spawnp`).
    package enum Lookup: Sendable {
        case exact
        case path
    }

    /// A started child and the parent's ends of its pipes.
    package struct Child: Sendable {
        package var pid: pid_t
        /// The write end of the child's stdin; nil when stdin is /dev/null.
        package var stdin: Int32?
        package var stdout: Int32
        package var stderr: Int32
    }

    /// Why a child did not start: a pipe could not be made, or `posix_spawn` failed (`code` is its errno).
    package enum Failure: Error, Sendable {
        case pipe(Int32)
        case spawn(Int32)

        package var code: Int32 {
            switch self {
            case .pipe(let code), .spawn(let code): return code
            }
        }
    }

    /// The signals a child starts with default handling: crew ignores SIGPIPE and traps SIGINT, SIGTERM and
    /// SIGHUP, and an ignored signal would stay ignored across exec.
    static let defaultSignals = [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD]

    package static func spawn(
        _ program: String, arguments: [String], environment: ChildEnvironment, directory: String?,
        input: Input = .null, lookup: Lookup = .exact
    ) throws(Failure) -> Child {
        // One spawn at a time: with `pipe` + `fcntl` (no `pipe2`), a spawn between the two would inherit the pipe.
        spawnLock.lock()
        defer { spawnLock.unlock() }
        let pipes = try makePipes(count: input == .pipe ? 3 : 2)
        let stdinPipe = input == .pipe ? pipes[0] : nil
        let (stdoutPipe, stderrPipe) = (pipes[pipes.count - 2], pipes[pipes.count - 1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdinPipe {
            posix_spawn_file_actions_adddup2(&actions, stdinPipe.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe.write, 2)
        #if canImport(Glibc)
            if let directory, !directory.isEmpty { _ = GlibcExtras.addChdir(&actions, directory) }
        #endif
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        configure(&attributes)
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let status = environment.withCArray { env in
            lookup == .path
                ? posix_spawnp(&pid, program, &actions, &attributes, argv, env)
                : posix_spawn(&pid, program, &actions, &attributes, argv, env)
        }
        for fd in [stdinPipe?.read, stdoutPipe.write, stderrPipe.write].compactMap({ $0 }) { close(fd) }
        guard status == 0 else {
            for fd in [stdinPipe?.write, stdoutPipe.read, stderrPipe.read].compactMap({ $0 }) { close(fd) }
            throw .spawn(status)
        }
        return Child(pid: pid, stdin: stdinPipe?.write, stdout: stdoutPipe.read, stderr: stderrPipe.read)
    }

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
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in defaultSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
    }

    private struct Pipe {
        var read: Int32
        var write: Int32
    }

    private static func makePipes(count: Int) throws(Failure) -> [Pipe] {
        var made: [Pipe] = []
        for _ in 0..<count {
            var fds: [Int32] = [-1, -1]
            guard makePipe(&fds) else {
                let code = errno
                for pipe in made {
                    close(pipe.read)
                    close(pipe.write)
                }
                throw .pipe(code)
            }
            made.append(Pipe(read: fds[0], write: fds[1]))
        }
        return made
    }

    /// `pipe2(O_CLOEXEC)` where glibc has it; else `pipe` and `fcntl`, under the spawn lock.
    private static func makePipe(_ fds: inout [Int32]) -> Bool {
        #if canImport(Glibc)
            if let result = GlibcExtras.closeOnExecPipe(&fds) { return result == 0 }
        #endif
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    private static let spawnLock = NSLock()
}
