import NIOCore
import NIOPosix

extension CrewCommand {
    /// Runs Swift concurrency's jobs on NIO's event loops, the threads that already do crew's HTTP I/O. Without it,
    /// a model request's response head, each streamed chunk and its end wake a cooperative-pool thread and hand the
    /// work back: thread hand-offs that cost more than the request itself on a fast provider
    /// (Benchmarks/orchestration/README.md). It is safe because no crew job blocks its thread waiting on another:
    /// child processes are watched on threads of their own and pipes are read by dispatch sources. Call it first,
    /// from the main thread.
    public static func runJobsOnEventLoops() {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
