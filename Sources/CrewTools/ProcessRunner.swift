import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a child process ended.
enum Termination: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus status: Int32) {
        self = status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signaled(status & 0x7F)
    }

    var description: String {
        switch self {
        case .exited(let code): "exit status \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}

/// One captured output stream: the first `limit` bytes and how many there were in all.
struct CapturedOutput {
    var bytes: [UInt8] = []
    var total = 0
    let limit: Int

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        total += chunk.count
        let room = limit - bytes.count
        if room > 0 { bytes += chunk.prefix(room) }
    }
}

/// What a finished (or stopped) run produced.
struct ProcessOutput {
    var termination: Termination
    var stdout: CapturedOutput
    var stderr: CapturedOutput
    /// True when the run was cancelled and the process group was signalled.
    var stopped: Bool
}

/// Runs a program without a shell: `posix_spawn` with an argument vector and only the variables of a
/// `ChildEnvironment`, stdin from /dev/null, stdout and stderr
/// captured up to a limit (the rest is read and dropped, so the child never blocks on a full pipe).
///
/// The child leads a new process group. When the calling task is cancelled the group gets SIGTERM, then SIGKILL after
/// `grace` seconds; when the child exits, whatever is left of its group is killed too, so nothing it started
/// outlives the call or holds the pipes open. The child is always reaped.
enum ProcessRunner {
    static func run(
        executable: String, arguments: [String], environment: ChildEnvironment, directory: String?, outputLimit: Int,
        grace: Double = 1
    ) async throws(ToolFailure) -> ProcessOutput {
        let child = try spawn(
            executable: executable, arguments: arguments, environment: environment, directory: directory)
        let watcher = ChildWatcher(child: child, outputLimit: outputLimit, grace: grace)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread { continuation.resume(returning: watcher.run()) }
                thread.start()
            }
        } onCancel: {
            watcher.cancel()
        }
    }

    struct Child {
        var pid: pid_t
        var stdout: Int32
        var stderr: Int32
    }

    private static func spawn(
        executable: String, arguments: [String], environment: ChildEnvironment, directory: String?
    ) throws(ToolFailure) -> Child {
        // Pipes are made and marked close-on-exec under a lock, so a concurrent spawn from this tool never inherits
        // another call's pipe end (which would hold that call's output open after its child exits).
        spawnLock.lock()
        defer { spawnLock.unlock() }
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard makePipe(&outPipe) else { throw ToolFailure("cannot create a pipe: \(errnoText())") }
        guard makePipe(&errPipe) else {
            outPipe.forEach { close($0) }
            throw ToolFailure("cannot create a pipe: \(errnoText())")
        }
        defer {
            close(outPipe[1])
            close(errPipe[1])
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        if let directory, let addChdir = SpawnChdir.function { _ = addChdir(&actions, directory) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        configure(&attributes)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = environment.withCArray { posix_spawn(&pid, executable, &actions, &attributes, argv, $0) }
        guard status == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw ToolFailure("cannot start `\(executable)`: \(String(cString: strerror(status)))")
        }
        return Child(pid: pid, stdout: outPipe[0], stderr: errPipe[0])
    }

    /// A new process group (so the whole group can be signalled), default signal handling (this process ignores
    /// SIGPIPE, and ignored signals survive exec) and an empty signal mask.
    private static func configure(_ attributes: inout posix_spawnattr_t) {
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    private static let spawnLock = NSLock()

    private static func makePipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }
}

/// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+, macOS 10.15+), looked up at run time because the C headers
/// only declare it for `_GNU_SOURCE`. Without it the child runs in this process's working directory.
enum SpawnChdir {
    typealias Function =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) ->
        Int32

    static let function: Function? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "posix_spawn_file_actions_addchdir_np")
        else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }()
}
