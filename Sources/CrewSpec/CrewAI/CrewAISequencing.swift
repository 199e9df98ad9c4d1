import CrewCore

/// crewAI's sequential process as explicit edges. A task without `context` gets the previous synchronous task's
/// output; an `async_execution` task runs beside the tasks after it, and the next synchronous task waits for (and
/// is given) every async task started since the last synchronous one.
enum CrewAISequencing {
    static func addImplicitContext(to tasks: inout [TaskSpec], explicit: [Bool]) {
        var lastSync: Located<String>?
        var pendingAsync: [Located<String>] = []
        for index in tasks.indices {
            let task = tasks[index]
            let reference = Located(task.name.value, at: task.location)
            if !explicit[index] {
                if task.asyncExecution {
                    tasks[index].context = lastSync.map { [$0] } ?? []
                } else {
                    tasks[index].context = pendingAsync.isEmpty ? (lastSync.map { [$0] } ?? []) : pendingAsync
                }
            }
            if task.asyncExecution {
                pendingAsync.append(reference)
            } else {
                pendingAsync.removeAll()
                lastSync = reference
            }
        }
    }
}
