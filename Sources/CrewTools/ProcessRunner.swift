import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
    var termination: ExitStatus
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

    private static func spawn(
        executable: String, arguments: [String], environment: ChildEnvironment, directory: String?
    ) throws(ToolFailure) -> Spawner.Child {
        do {
            return try Spawner.spawn(executable, arguments: arguments, environment: environment, directory: directory)
        } catch .pipe(let code) {
            throw ToolFailure("cannot create a pipe: \(String(cString: strerror(code)))")
        } catch {
            throw ToolFailure("cannot start `\(executable)`: \(String(cString: strerror(error.code)))")
        }
    }

}
