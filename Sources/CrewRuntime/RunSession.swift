import CrewCore
import CrewDocuments
import CrewProviders
import CrewTools
import Foundation
import NIOCore

/// One run from start to end: the run folder and its record, one shared HTTP client, the executor, the totals.
/// A resumed run continues in its own folder with the plan and inputs it started with.
public struct RunSession: Sendable {
    public struct Options: Sendable {
        /// Where run folders go: `.crew/runs` below the crew's folder, or `--runs-dir`.
        public var runsFolder: ConfinedPath
        public var settings: RunSettings
        public var environment: [String: String]
        public var retry: RetryPolicy
        /// The build artifact's folder, where knowledge indexes are; nil for a crew compiled in memory.
        public var artifactFolder: String?
        /// The crew's folder: `file` tool roots are relative to it.
        public var crewFolder: String
        /// Who approves the drafts of `human_review` tasks.
        public var reviewer: (any Reviewer)?
        /// Seconds each MCP server has to start and list its tools.
        public var toolStartTimeout: Double = 30
        /// The process's connections to providers, shared by every run; nil makes a transport for this run (and
        /// closes its connections after).
        public var transport: ProviderTransport?
        /// The process's rate limiters, shared by every run; nil makes a set for this run.
        public var limiters: RateLimiterPool?
        /// The trace this attempt is exported as, recorded in run.json and in `run_started`.
        public var traceID: String?
        /// The task cache; nil: none, even for tasks with `cache: true`.
        public var cache: CacheSettings?
        /// Record the run's model exchanges, or answer them from a cassette (specs/cassette.md).
        public var cassette: CassetteMode?

        public init(
            runsFolder: ConfinedPath, settings: RunSettings, environment: [String: String],
            retry: RetryPolicy = RetryPolicy(),
            artifactFolder: String? = nil, crewFolder: String? = nil, reviewer: (any Reviewer)? = nil
        ) {
            self.artifactFolder = artifactFolder
            self.crewFolder = crewFolder ?? settings.outputFolder
            self.reviewer = reviewer
            self.runsFolder = runsFolder
            self.settings = settings
            self.environment = environment
            self.retry = retry
        }
    }

    public struct Outcome: Sendable {
        public var runID: String
        public var folder: String
        public var status: RunStatus
        /// The run's record as it ended.
        public var record: RunRecord
    }

    /// A run whose folder is claimed, locked and recorded as `running`, ready to execute: what a caller that must
    /// answer at once (a server's 202) holds, so that the run's record exists before the answer leaves.
    public struct Prepared: Sendable {
        public let runID: String
        let plan: ExecutionPlan
        let header: RunHeader
        let recorder: RunRecorder
        let lock: RunLock
        let reusing: [String: String]
        /// What earlier attempts of a resumed run spent, added to this attempt's totals.
        var earlier = RunTotals()
    }

    /// Starts a new run of `plan` with `inputs` already checked; plan.json in the run folder is a copy of it. `runID`
    /// is a run folder the caller claimed (`RunRecorder.reserve` or `claim`); without one, a new one is reserved.
    public static func start(
        plan: ExecutionPlan, inputs: [String: String], options: Options, observers: [any RunObserver],
        runID: String? = nil
    ) async throws -> Outcome {
        try await execute(
            prepareStart(plan: plan, inputs: inputs, options: options, runID: runID), options: options,
            observers: observers)
    }

    /// Continues run `runID`: every task that finished keeps its output; the rest run now.
    public static func resume(runID: String, options: Options, observers: [any RunObserver]) async throws -> Outcome {
        try await execute(prepareResume(runID: runID, options: options), options: options, observers: observers)
    }

    public static func prepareStart(
        plan: ExecutionPlan, inputs: [String: String], options: Options, runID: String? = nil
    )
        throws -> Prepared
    {
        let plan = plan.resolvingModelEnvironment(options.environment)
        let runID = try runID ?? RunRecorder.reserve(runs: options.runsFolder)
        let recorder = try RunRecorder(runs: options.runsFolder, runID: runID)
        let lock = try recorder.lock()
        try recorder.writePlan(plan)
        var header = RunHeader(id: runID, plan: plan, inputs: inputs, started: Date(), attempts: 1)
        header.traceID = options.traceID
        return try prepared(plan, header: header, recorder: recorder, lock: lock, reusing: [:])
    }

    public static func prepareResume(runID: String, options: Options) throws -> Prepared {
        let store = RunStore(options.runsFolder)
        let recorder = try RunRecorder(runs: options.runsFolder, runID: runID)
        // The lock first: what run.json says is only settled once no other process can be running this run.
        let lock = try recorder.lock { store.record(runID)?.owner }
        let run = try store.recordOrError(runID)
        if run.status == .succeeded {
            throw CrewFailure(.r507, "run `\(runID)` already succeeded; there is nothing to resume")
        }
        let plan = ExecutionPlan(try store.plan(runID), artifactHash: run.artifactSHA256)
        var header = RunHeader(
            id: runID, plan: plan, inputs: run.inputs, started: run.startedAt, attempts: run.attempts + 1)
        header.traceID = options.traceID
        let finished = store.finishedOutputs(runID).filter { plan.task(named: $0.key) != nil }
        var prepared = try prepared(plan, header: header, recorder: recorder, lock: lock, reusing: finished)
        prepared.earlier = run.totals ?? spent(store: store, runID: runID, tasks: Array(finished.keys))
        return prepared
    }

    /// What the finished tasks of an attempt that never wrote its totals (killed mid-run) cost, from their results.
    static func spent(store: RunStore, runID: String, tasks: [String]) -> RunTotals {
        var totals = RunTotals()
        let results = store.taskResults(runID)
        for task in tasks {
            guard let figures = results[task]?.figures else { continue }
            totals.inputTokens += figures.inputTokens
            totals.outputTokens += figures.outputTokens
            if let cost = figures.costUSD { totals.costUSD = (totals.costUSD ?? 0) + cost }
        }
        return totals
    }

    /// Recorded as running before anything can fail or be interrupted, so every run folder has a run.json that ends
    /// in a final status, whatever stops the setup (a missing key, an MCP server, Ctrl-C).
    static func prepared(
        _ plan: ExecutionPlan, header: RunHeader, recorder: RunRecorder, lock: RunLock, reusing: [String: String]
    ) throws -> Prepared {
        try recorder.writeRun(header.record(status: .running, totals: nil, finished: nil))
        return Prepared(runID: header.id, plan: plan, header: header, recorder: recorder, lock: lock, reusing: reusing)
    }

    /// Runs a prepared run to its end.
    public static func execute(_ prepared: Prepared, options: Options, observers: [any RunObserver]) async throws
        -> Outcome
    {
        let (plan, header, recorder, lock, finished) = (
            prepared.plan, prepared.header, prepared.recorder, prepared.lock, prepared.reusing
        )
        let transport = options.transport ?? ProviderTransport()
        let ownsTransport = options.transport == nil
        var tools = ToolBox.empty
        do {
            let (clients, knowledge) = try await setUp(plan, options: options, transport: transport, tools: &tools)
            try Task.checkCancellation()
            let start = RunEvent(.runStarted, fields: header.startFields(reused: finished.count))
            for observer in [recorder] + observers { observer.handle(start) }
            let executor = Executor(
                plan: plan, inputs: header.inputs, clients: clients, recorder: recorder, observers: observers,
                settings: options.settings, knowledge: knowledge, tools: tools, reviewer: options.reviewer,
                cache: options.cache)
            var (status, outcomes, skipped) = await executor.run(reusing: finished)
            var totals = RunTotals(plan: plan, outcomes: outcomes, skipped: skipped, reused: Set(finished.keys))
            // A resumed run's totals add up every attempt: what was spent before, then this attempt.
            totals.inputTokens += prepared.earlier.inputTokens
            totals.outputTokens += prepared.earlier.outputTokens
            if let cost = prepared.earlier.costUSD { totals.costUSD = (totals.costUSD ?? 0) + cost }
            // Success means every task of the plan has its output; anything less is a failure, whatever the cause.
            if status == .succeeded, totals.succeeded + totals.reused < plan.tasks.count { status = .failed }
            let ended = Date()
            let run = header.record(status: status, totals: totals, finished: ended)
            try recorder.writeRun(run)
            var fields = totals.json.objectValue ?? [:]
            fields["status"] = .string(status.rawValue)
            fields["duration_ms"] = .int(Int(ended.timeIntervalSince(header.started) * 1000))
            let end = RunEvent(.runFinished, time: ended, fields: fields)
            for observer in [recorder] + observers { observer.handle(end) }
            await tools.close()
            if ownsTransport { transport.shutdown() }
            withExtendedLifetime(lock) {}
            return Outcome(runID: header.id, folder: recorder.folder, status: status, record: run)
        } catch {
            await tools.close()
            if ownsTransport { transport.shutdown() }
            let status: RunStatus = Task.isCancelled || error is CancellationError ? .interrupted : .failed
            let record = header.record(status: status, totals: nil, finished: Date())
            try? recorder.writeRun(record)
            withExtendedLifetime(lock) {}
            if status == .interrupted {
                return Outcome(runID: header.id, folder: recorder.folder, status: status, record: record)
            }
            throw error
        }
    }

    /// The model clients, the knowledge searcher and the tools of a run (or of one step), set up the one way every
    /// run sets them up. `tools` is the caller's, so that it closes them on every way out.
    static func setUp(
        _ plan: ExecutionPlan, options: Options, transport: ProviderTransport, tools: inout ToolBox
    ) async throws
        -> (ModelClients, KnowledgeSearcher?)
    {
        let clients = try ModelClients(
            plan: plan, transport: transport, environment: options.environment, retry: options.retry,
            limiters: options.limiters ?? RateLimiterPool(), cassette: options.cassette)
        let knowledge = try knowledgeSearcher(plan, options: options, transport: transport)
        tools = try await ToolBox.open(
            plan: plan, crewFolder: options.crewFolder, environment: options.environment, knowledge: knowledge,
            startTimeout: options.toolStartTimeout)
        try checkTools(plan, tools)
        return (clients, knowledge)
    }

    /// A searcher when an agent reads knowledge: through `knowledge_context: auto` or a `knowledge` tool.
    static func knowledgeSearcher(_ plan: ExecutionPlan, options: Options, transport: ProviderTransport) throws
        -> KnowledgeSearcher?
    {
        let usedTools = Set(plan.agents.values.flatMap(\.tools))
        let needsKnowledge =
            plan.agents.values.contains { $0.knowledgeContext == .auto && !$0.knowledge.isEmpty }
            || plan.tools.values.contains { $0.type == .knowledge && usedTools.contains($0.name) }
        guard needsKnowledge, let folder = options.artifactFolder else { return nil }
        return try KnowledgeSearcher(
            plan: plan, artifact: folder, environment: options.environment, transport: transport)
    }

    /// Two tools of one agent with the same name (an MCP server's tool named like a built-in one, say).
    static func checkTools(_ plan: ExecutionPlan, _ tools: ToolBox) throws {
        var problems: [String] = []
        // Sorted once there is something to report, not agent by agent: a crew of many agents has none.
        for agent in plan.agents.values {
            var names = tools.clashes(for: agent)
            if !agent.delegateTo.isEmpty,
                tools.tools(for: agent).contains(where: {
                    $0.tool.descriptor.name == Executor.delegationToolName
                })
            {
                names.append(Executor.delegationToolName)
            }
            for name in Set(names).sorted() {
                problems.append(
                    "agent `\(agent.name)` would see two tools named `\(name)`; use `include`/`exclude` on its MCP "
                        + "tools so each name is offered once")
            }
        }
        if !problems.isEmpty { throw CrewFailure(.r514, problems.sorted().joined(separator: "\n")) }
    }
}
