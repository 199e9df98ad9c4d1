import CrewCore

/// crewAI 1.15.30's sequential process as explicit edges (specs/crewai.md): a synchronous task without `context`
/// is given the output of every task before it, asynchronous ones included (it waits for them); an
/// `async_execution` task without `context` is given none. A task with `context` keeps exactly what it lists.
enum CrewAISequencing {
    static func addImplicitContext(to tasks: inout [TaskSpec], explicit: [Bool]) {
        var earlier: [Located<String>] = []
        for index in tasks.indices {
            let task = tasks[index]
            if !explicit[index] {
                tasks[index].context = task.asyncExecution ? [] : earlier
            }
            earlier.append(Located(task.name.value, at: task.location))
        }
    }
}
