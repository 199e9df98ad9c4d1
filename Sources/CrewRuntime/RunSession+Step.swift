import CrewCore
import CrewDocuments
import CrewProviders
import Foundation

/// One task of a plan run on its own (`crew run ARTIFACT --task NAME --state DIR`), as a step of a workflow engine
/// runs it (specs/argo.md): its upstream outputs are read from a state folder in the run record's layout, and its
/// messages, output, result and events are written there, below `tasks/NAME`.
extension RunSession {
    public enum StepOutcome: Sendable, Equatable {
        case succeeded
        /// The task had already finished in this state folder: nothing was run.
        case alreadyFinished
        case failed(String, retryable: Bool)
        case interrupted
    }

    /// What stops a step before it runs: the engine gave it a state it cannot work from.
    public struct StepError: CodedFailure {
        public var code: FailureCode { .r510 }
        public var message: String
        public var description: String { message }
    }

    /// Runs task `name` of `plan` in the run folder `runID` under `options.runsFolder`.
    public static func step(
        _ name: String, of plan: ExecutionPlan, runID: String, inputs: [String: String], options: Options
    ) async throws -> StepOutcome {
        let plan = plan.resolvingModelEnvironment(options.environment)
        guard let task = plan.task(named: name) else {
            throw StepError(message: "the plan has no task `\(name)`")
        }
        let outputs = RunStore(options.runsFolder).finishedOutputs(runID)
        if outputs[name] != nil { return .alreadyFinished }
        let missing = task.context.filter { outputs[$0] == nil }
        guard missing.isEmpty else {
            throw StepError(
                message: "task `\(name)` needs the output of \(missing.map { "`\($0)`" }.joined(separator: ", ")), "
                    + "which the state folder \(options.runsFolder.appending(runID)) does not hold (its result in "
                    + "tasks/NAME/events.jsonl, and its output)")
        }
        let recorder = try RunRecorder(runs: options.runsFolder, runID: runID, logs: "tasks/\(name)")
        let transport = options.transport ?? ProviderTransport()
        var tools = ToolBox.empty
        do {
            let (clients, knowledge) = try await setUp(plan, options: options, transport: transport, tools: &tools)
            let executor = Executor(
                plan: plan, inputs: inputs, clients: clients, recorder: recorder, observers: [],
                settings: options.settings, knowledge: knowledge, tools: tools, reviewer: options.reviewer,
                cache: options.cache)
            let outcome = await executor.perform(task, context: task.context.map { ($0, outputs[$0] ?? "") })
            await tools.close()
            if options.transport == nil { transport.shutdown() }
            switch outcome {
            case .succeeded: return .succeeded
            case .failed(let message, let report): return .failed(message, retryable: report.retryable)
            case .cancelled: return .interrupted
            }
        } catch {
            await tools.close()
            if options.transport == nil { transport.shutdown() }
            throw error
        }
    }
}
