#include "CCrewHooks.h"

// The runtime's hook variable (swift/Runtime/Concurrency.h), reached by name when the program is linked: found
// whether the Swift runtime is linked dynamically or statically (`--static-swift-stdlib`), where looking it up with
// dlsym fails because a static link keeps it out of the dynamic symbol table.
extern void *swift_task_enqueueGlobal_hook;

int crew_install_enqueue_hook(void *hook) {
    if (swift_task_enqueueGlobal_hook != 0) {
        return 0;
    }
    swift_task_enqueueGlobal_hook = hook;
    return 1;
}
