#ifndef CCREW_HOOKS_H
#define CCREW_HOOKS_H

/// Sets the Swift concurrency runtime's global-enqueue hook to `hook` (a Swift `@convention(thin)` function taking
/// the job and the runtime's own enqueue), unless one is set already. Returns 1 when it set it, 0 otherwise.
int crew_install_enqueue_hook(void *hook);

/// Runs `job` (an `UnownedJob`) on the current thread as the global concurrent executor would: on the generic
/// executor, so that the job's task enters nonisolated async code without hopping.
void crew_run_job_as_global(void *job);

#endif
