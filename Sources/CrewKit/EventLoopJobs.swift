import CCrewHooks
import Foundation
import NIOCore
import NIOPosix

/// Where a program's async code runs: a choice for the whole process, made by the program (`crew`, `crew-bench`) when
/// it starts; the engine itself never makes it.
public enum EventLoopJobs {
    /// What the runtime's global-enqueue hook is: a job and the runtime's own enqueue (unused here).
    typealias EnqueueHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Runs Swift concurrency's jobs on NIO's event loops, the threads that already do crew's HTTP I/O. Without it,
    /// a model request's response head, each streamed chunk and its end wake a cooperative-pool thread and hand the
    /// work back: thread hand-offs that cost more than the request itself on a fast provider
    /// (Benchmarks/orchestration/README.md). A job enqueued on an event loop's thread stays on that loop. It is safe
    /// because no crew job blocks its thread waiting on another: child processes are watched on threads of their
    /// own and pipes are read by dispatch sources. Call it first, from the main thread; returns whether it took over.
    @discardableResult
    public static func takeOver() -> Bool {
        let hook: EnqueueHook = { job, _ in
            // Run as the global executor's jobs run, on the generic executor. Run on the loop's serial executor
            // instead (`EventLoop.executor`), a job would leave it at its first nonisolated async call: a hop through
            // the loop's queue for every call, some 130 a model request (Benchmarks/orchestration/README.md).
            // The job crosses to the loop as its address: an integer is Sendable, a pointer is not.
            let address = UInt(bitPattern: unsafeBitCast(job, to: UnsafeMutableRawPointer.self))
            MultiThreadedEventLoopGroup.singleton.any().execute {
                crew_run_job_as_global(UnsafeMutableRawPointer(bitPattern: address))
            }
        }
        // The loops start on a thread of their own while the program goes on (parsing its arguments, for `crew`): their
        // first use costs two thread starts and some scans of the binary's conformances (Benchmarks/orchestration).
        Thread.detachNewThread { _ = MultiThreadedEventLoopGroup.singleton }
        // A thin function is one code pointer, with no context: the runtime calls it as the hook's C type says.
        return withUnsafeBytes(of: hook) { crew_install_enqueue_hook($0.load(as: UnsafeMutableRawPointer?.self)) } == 1
    }
}
