import CrewCore
import CrewDocuments
import CrewProviders
import Foundation

/// Runs a plan's tasks: each starts as soon as its context tasks have finished, at most `maxParallel` at once.
/// A failure skips the tasks downstream of it and lets independent branches finish (or, with `failFast`, stops
/// everything). Cancelling the calling task interrupts the run: nothing new starts and in-flight requests end.
public final class Executor: Sendable {
    let plan: ExecutionPlan
    let inputs: [String: String]
    let clients: ModelClients
    let recorder: RunRecorder
    /// Who sees the run's events besides the recorder.
    let observers: [any RunObserver]
    let settings: RunSettings
    let knowledge: KnowledgeSearcher?
    let tools: ToolBox
    let reviewer: (any Reviewer)?
    /// The task cache, when this run uses one.
    let cache: CacheSettings?
    /// The observer that traces tool calls, when one does.
    let tracing: (any ToolCallTracing)?
    /// The observers that follow streamed text.
    let textObservers: [any RunObserver]

    public init(
        plan: ExecutionPlan, inputs: [String: String], clients: ModelClients, recorder: RunRecorder,
        observers: [any RunObserver], settings: RunSettings, knowledge: KnowledgeSearcher? = nil,
        tools: ToolBox = .empty, reviewer: (any Reviewer)? = nil, cache: CacheSettings? = nil
    ) {
        self.cache = cache
        self.knowledge = knowledge
        self.tools = tools
        self.reviewer = reviewer
        self.plan = plan
        self.inputs = inputs
        self.clients = clients
        self.recorder = recorder
        self.observers = observers
        tracing = observers.lazy.compactMap { $0.toolCallTracing }.first
        textObservers = observers.filter(\.followsStreamedText)
        self.settings = settings
    }

    func emit(_ event: RunEvent) {
        recorder.handle(event)
        for observer in observers { observer.handle(event) }
    }

    /// As `emit`, for an event the record must hold (a task's result): when it cannot be written, nobody sees it.
    func emitRecorded(_ event: RunEvent) throws(PathFailure) {
        try recorder.append(event)
        for observer in observers { observer.handle(event) }
    }

    /// Mutable scheduling state, owned by the `run` loop alone.
    struct Schedule {
        var waitingOn: [Set<String>]
        var dependents: [String: [Int]] = [:]
        var ready = MinHeap<Int>()
        var outputs: [String: String]
        var outcomes: [String: TaskOutcome] = [:]
        var skipped: Set<String> = []
    }

    /// Runs every task not in `finished` (outputs of an earlier attempt of this run) and returns each outcome.
    public func run(reusing finished: [String: String]) async -> (RunStatus, [String: TaskOutcome], Set<String>) {
        var schedule = Schedule(waitingOn: plan.tasks.map { Set($0.context) }, outputs: [:])
        for (i, task) in plan.tasks.enumerated() {
            for dep in task.context { schedule.dependents[dep, default: []].append(i) }
        }
        for (i, task) in plan.tasks.enumerated() {
            if let output = finished[task.name] {
                schedule.outputs[task.name] = output
                emit(RunEvent(.taskReused, task: task.name))
            } else {
                schedule.waitingOn[i].subtract(finished.keys)
                if schedule.waitingOn[i].isEmpty { schedule.ready.insert(i) }
            }
        }
        await drive(&schedule)
        let failed = schedule.outcomes.values.contains { $0.isFailure }
        let status: RunStatus = Task.isCancelled ? .interrupted : (failed ? .failed : .succeeded)
        return (status, schedule.outcomes, schedule.skipped)
    }

    /// The scheduling loop; it ends when nothing runs and nothing more may start.
    private func drive(_ schedule: inout Schedule) async {
        await withTaskGroup(of: (Int, TaskOutcome).self) { group in
            var running = 0
            var stopping = false
            while true {
                while !stopping, running < settings.maxParallel, let next = schedule.ready.popMin() {
                    let task = plan.tasks[next]
                    let context = task.context.map { ($0, schedule.outputs[$0] ?? "") }
                    running += 1
                    group.addTask { (next, await self.perform(task, context: context)) }
                }
                guard running > 0, let (index, outcome) = await group.next() else { break }
                running -= 1
                complete(index, outcome, &schedule)
                if Task.isCancelled || (settings.failFast && outcome.isFailure) {
                    stopping = true
                    group.cancelAll()
                }
            }
        }
    }

    private func complete(_ index: Int, _ outcome: TaskOutcome, _ schedule: inout Schedule) {
        let name = plan.tasks[index].name
        schedule.outcomes[name] = outcome
        switch outcome {
        case .succeeded(let report):
            schedule.outputs[name] = report.output
            for dependent in schedule.dependents[name] ?? [] {
                schedule.waitingOn[dependent].remove(name)
                if schedule.waitingOn[dependent].isEmpty { schedule.ready.insert(dependent) }
            }
        case .failed:
            skipDownstream(of: name, &schedule)
        case .cancelled:
            break
        }
    }

    /// Marks every task that needs `name`, directly or not, as skipped.
    private func skipDownstream(of name: String, _ schedule: inout Schedule) {
        var queue = schedule.dependents[name] ?? []
        while let next = queue.popLast() {
            let task = plan.tasks[next].name
            guard schedule.skipped.insert(task).inserted else { continue }
            emit(RunEvent(.taskSkipped, task: task, fields: ["reason": .string("upstream task `\(name)` failed")]))
            queue += schedule.dependents[task] ?? []
        }
    }
}

extension TaskOutcome {
    var isFailure: Bool {
        if case .failed = self { return true }
        return false
    }
}
