#include <stdint.h>

#include "CCrewHooks.h"

// The runtime's hook variable (swift/Runtime/Concurrency.h), reached by name when the program is linked: found
// whether the Swift runtime is linked dynamically or statically (`--static-swift-stdlib`), where looking it up with
// dlsym fails because a static link keeps it out of the dynamic symbol table.
extern void *swift_task_enqueueGlobal_hook;

// The runtime's SerialExecutorRef: an identity and an implementation word. Both zero is the generic executor, the one
// nonisolated async code runs on.
typedef struct {
    const void *identity;
    uintptr_t implementation;
} crew_serial_executor_ref;

// swift/Runtime/Concurrency.h: `SWIFT_CC(swift) void swift_job_run(Job *job, SerialExecutorRef executor)`.
extern __attribute__((swiftcall)) void swift_job_run(void *job, crew_serial_executor_ref executor);

int crew_install_enqueue_hook(void *hook) {
    if (swift_task_enqueueGlobal_hook != 0) {
        return 0;
    }
    swift_task_enqueueGlobal_hook = hook;
    return 1;
}

void crew_run_job_as_global(void *job) {
    crew_serial_executor_ref generic = {0, 0};
    swift_job_run(job, generic);
}
