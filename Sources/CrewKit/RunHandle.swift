import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation

/// How one run goes; everything unset takes the plan's or the crew folder's default.
public struct RunOptions: Sendable {
    /// Where run folders go (default: `.crew/runs` below the plan's base folder).
    public var runsFolder: ConfinedPath?
    /// The folder `output.file` paths are relative to (default: the plan's base folder).
    public var outputFolder: String?
    /// Tasks running at once (default: the plan's `max_parallel`).
    public var maxParallel: Int?
    /// Stop at the first failed task.
    public var failFast = false
    /// Ask providers for streamed answers.
    public var stream = true
    /// Who approves the drafts of `human_review` tasks; a plan with such tasks does not start without one.
    public var reviewer: (any Reviewer)?
    /// Told of every event as it happens, and of streamed tokens (which are not events).
    public var observers: [any RunObserver] = []
    /// The new run's folder (default: a fresh one). Ignored by `resume`.
    public var runFolder = RunFolderChoice.fresh
    /// Events each of the handle's readers keeps when it falls behind; older ones are dropped from that reader (the
    /// record keeps them all).
    public var eventBuffer = 10_000
    /// The OpenTelemetry trace the run is exported as (its observer is in `observers`), for run.json.
    public var traceID: String?
    /// Answer every task the cache policy finds sound from the task cache (`crew run --cache`); tasks with their
    /// own `cache: true`, and crews with `defaults.cache: true`, use it either way (specs/cache.md).
    public var cache = false
    /// The task cache (default: `.crew/cache/tasks` below the plan's base folder).
    public var cacheFolder: ConfinedPath?
    /// Record every model exchange, or answer them all from a cassette without calling any model.
    public var cassette: CassetteMode?
    /// No task cache at all, not even for tasks with their own `cache: true` (`crew test`: a test judges a run).
    public var cacheDisabled = false
    /// Resume a run even though the crew changed since it started (it goes on with the plan it started with).
    public var resumeChanged = false

    public init() {}
}

/// Which folder a new run records into.
public enum RunFolderChoice: Sendable, Equatable {
    /// A new id, drawn now.
    case fresh
    /// This id, which must not exist yet.
    case named(String)
    /// A folder `CrewEngine.reserveRun` made for the caller earlier (a server's queued run).
    case reserved(String)
}

/// A run in progress: its id and folder at once, its events as they happen, a way to stop it, and its result.
public final class RunHandle: Sendable {
    public let runID: String
    /// The run folder, as shown.
    public let folder: String
    let relay: EventRelay
    let work: Task<RunSession.Outcome, any Error>

    init(
        runID: String, folder: String, buffer: Int,
        body: @escaping @Sendable ([any RunObserver]) async throws -> RunSession.Outcome
    ) {
        self.runID = runID
        self.folder = folder
        let relay = EventRelay(buffer: buffer)
        self.relay = relay
        work = Task {
            defer { relay.finish() }
            return try await body([relay])
        }
    }

    /// The run's events in order, ending after `run_finished` (or when the run fails to set up). Each call is a
    /// reader of its own, so several may watch one run. The first reader also gets what happened before it came
    /// (calling this right after `start` misses nothing); later readers get the events from when they subscribe (the
    /// record, `events.jsonl`, has them all). A reader more than `RunOptions.eventBuffer` events behind loses the
    /// oldest.
    public func events() -> AsyncStream<RunEvent> {
        relay.subscribe()
    }

    /// Stops the run: running tasks are cancelled, and the run is recorded as `interrupted`.
    public func cancel() {
        work.cancel()
    }

    /// How the run ended. Throws a `CodedFailure` when it could not be set up (a missing key, a tool that does not
    /// start, a run another process holds).
    public func result() async throws -> RunSession.Outcome {
        try await work.value
    }
}

/// Passes a run's events on to its handle's readers. Until the first reader comes, events wait in `early` (at most
/// `buffer` of them), so that one reader subscribing right after the start misses nothing.
final class EventRelay: RunObserver, @unchecked Sendable {
    private let lock = NSLock()
    private let buffer: Int
    private var readers: [UInt64: AsyncStream<RunEvent>.Continuation] = [:]
    private var nextReader: UInt64 = 0
    private var finished = false
    private var early: [RunEvent]? = []

    init(buffer: Int) {
        self.buffer = max(1, buffer)
    }

    func subscribe() -> AsyncStream<RunEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: RunEvent.self, bufferingPolicy: .bufferingNewest(buffer))
        let id: UInt64? = lock.withLock {
            // The events before the first reader, under the lock, so none comes between them and the live ones.
            for event in early ?? [] { continuation.yield(event) }
            early = nil
            guard !finished else { return nil }
            defer { nextReader += 1 }
            readers[nextReader] = continuation
            return nextReader
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            _ = self.lock.withLock { self.readers.removeValue(forKey: id) }
        }
        return stream
    }

    func handle(_ event: RunEvent) {
        lock.withLock {
            if early != nil {
                if early!.count < buffer { early!.append(event) }
                return
            }
            for reader in readers.values { reader.yield(event) }
        }
    }

    func finish() {
        let current = lock.withLock {
            finished = true
            return Array(readers.values)
        }
        for reader in current { reader.finish() }
    }
}

extension CrewEngine {
    /// Starts a run of `runnable` with `inputs` (checked against the plan's inputs and their defaults first).
    public func start(_ runnable: RunnablePlan, inputs: [String: String], options: RunOptions = RunOptions())
        throws -> RunHandle
    {
        let plan = runnable.plan
        let values = try RunInputs.resolve(plan.inputs, given: inputs).get()
        try checkReviewer(plan, options)
        let session = try sessionOptions(runnable, options)
        let runID: String
        switch options.runFolder {
        case .fresh: runID = try RunRecorder.reserve(runs: session.runsFolder)
        case .named(let chosen):
            try RunRecorder.claim(chosen, runs: session.runsFolder)
            runID = chosen
        case .reserved(let reserved): runID = reserved
        }
        // The record exists, as running, before the handle is returned: a caller may read the run at once.
        let prepared = try RunSession.prepareStart(plan: plan, inputs: values, options: session, runID: runID)
        let observers = options.observers
        return RunHandle(
            runID: runID, folder: session.runsFolder.appending(runID).description, buffer: options.eventBuffer
        ) { relay in
            try await RunSession.execute(prepared, options: session, observers: relay + observers)
        }
    }

    /// Claims a new run folder in `runsFolder` now, for a run started later with `.reserved(id)`: the id is known
    /// (and taken) before the run can start.
    public func reserveRun(in runsFolder: ConfinedPath) throws -> String {
        try RunRecorder.reserve(runs: runsFolder)
    }

    /// The inputs a run would start with (given values checked against the plan's types, defaults filled in), or
    /// every problem, as `start` reports them.
    public func checkInputs(_ runnable: RunnablePlan, _ inputs: [String: String]) throws -> [String: String] {
        try RunInputs.resolve(runnable.plan.inputs, given: inputs).get()
    }

    /// Continues run `runID` (an id, a prefix of one, or `last`) in `runnable`'s runs folder: tasks that finished
    /// keep their outputs, the rest run now, with the plan and inputs the run started with.
    public func resume(runID: String, of runnable: RunnablePlan, options: RunOptions = RunOptions()) throws
        -> RunHandle
    {
        let session = try sessionOptions(runnable, options)
        let store = RunStore(session.runsFolder)
        let id = try store.find(runID)
        try checkUnchanged(id, store: store, runnable: runnable, options)
        try checkReviewer(plan: try store.plan(id), options)
        // Locked, checked (another process, a run that succeeded) and recorded as running before this returns.
        let prepared = try RunSession.prepareResume(runID: id, options: session)
        let observers = options.observers
        return RunHandle(runID: id, folder: session.runsFolder.appending(id).description, buffer: options.eventBuffer) {
            relay in
            try await RunSession.execute(prepared, options: session, observers: relay + observers)
        }
    }

    /// The engine's environment, with a crewAI project's `.env` underneath when the engine reads it: a variable
    /// already set wins, as with python-dotenv. The file is read at run time only and never copied anywhere.
    func environment(for runnable: RunnablePlan) throws -> [String: String] {
        guard configuration.readsProjectEnvironmentFile, runnable.plan.document.crew.origin == .crewAI else {
            return configuration.environment
        }
        let bytes: [UInt8]
        do {
            let folder = try ConfinedFolder(opening: runnable.baseFolder)
            guard folder.kind(of: ".env") != nil else { return configuration.environment }
            bytes = try folder.read(".env", limit: 1 << 20)
        } catch {
            throw CrewFailure(
                .r512, "the project's .env cannot be read: \(error)",
                hint: "crew reads .env as a regular file of at most 1 MiB in the project folder, never through a link")
        }
        let file = DotEnv.parse(String(decoding: bytes, as: UTF8.self))
        return configuration.environment.merging(file) { set, _ in set }
    }

    func sessionOptions(_ runnable: RunnablePlan, _ options: RunOptions) throws -> RunSession.Options {
        let settings = RunSettings(
            maxParallel: options.maxParallel ?? runnable.plan.maxParallel, failFast: options.failFast,
            stream: options.stream, outputFolder: options.outputFolder ?? runnable.baseFolder)
        var session = RunSession.Options(
            runsFolder: options.runsFolder ?? ConfinedPath(base: runnable.baseFolder, below: ".crew/runs"),
            settings: settings, environment: try environment(for: runnable), retry: configuration.retry,
            artifactFolder: runnable.artifactFolder, crewFolder: runnable.baseFolder, reviewer: options.reviewer)
        session.toolStartTimeout = configuration.toolStartTimeout
        session.transport = transport
        session.limiters = limiters
        session.traceID = options.traceID
        session.cassette = options.cassette
        session.cache =
            options.cacheDisabled
            ? nil
            : CacheSettings(
                requested: options.cache,
                folder: options.cacheFolder
                    ?? ConfinedPath(base: runnable.baseFolder, below: CacheSettings.defaultFolder))
        return session
    }

    /// Runs one task of `runnable` on its own in the run folder `state` (specs/argo.md): its upstream outputs are
    /// read from there and its record written there.
    public func runStep(
        _ task: String, of runnable: RunnablePlan, state: String, inputs: [String: String],
        options: RunOptions = RunOptions()
    ) async throws -> RunSession.StepOutcome {
        let url = URL(fileURLWithPath: state).standardizedFileURL
        var session = try sessionOptions(runnable, options)
        session.runsFolder = ConfinedPath(base: url.deletingLastPathComponent().path)
        return try await RunSession.step(
            task, of: runnable.plan, runID: url.lastPathComponent, inputs: inputs, options: session)
    }

    /// What a run of `runnable` with `inputs` (already checked) would do now: which tasks the cache answers and
    /// which run, with estimates (`crew plan`). Nothing is sent to a model.
    public func preview(_ runnable: RunnablePlan, inputs: [String: String], options: RunOptions = RunOptions())
        async throws -> RunPreview
    {
        let session = try sessionOptions(runnable, options)
        let cache =
            session.cache
            ?? CacheSettings(
                requested: options.cache,
                folder: options.cacheFolder
                    ?? ConfinedPath(base: runnable.baseFolder, below: CacheSettings.defaultFolder))
        return try await RunPreview.make(
            runnable.plan, inputs: inputs, cache: cache, options: session, transport: transport)
    }

    /// A resume goes on with the plan the run started with; when the crew has changed since, that is said and the
    /// resume refused, unless the caller asks for it anyway.
    func checkUnchanged(_ id: String, store: RunStore, runnable: RunnablePlan, _ options: RunOptions) throws {
        guard !options.resumeChanged, let started = store.record(id)?.artifactSHA256,
            started != runnable.plan.artifactHash
        else { return }
        throw CrewFailure(
            .r523,
            "the crew changed since run `\(id)` started (plan \(started.prefix(12)), now \(runnable.plan.artifactHash.prefix(12)))",
            hint: "start a new run, or pass --resume-anyway to finish this one with the plan it started with")
    }

    func checkReviewer(_ plan: ExecutionPlan, _ options: RunOptions) throws {
        try checkReviewer(plan: plan.document, options)
    }

    func checkReviewer(plan: PlanDocument, _ options: RunOptions) throws {
        let reviewed = plan.tasks.filter(\.humanReview).map(\.name)
        guard !reviewed.isEmpty, options.reviewer == nil else { return }
        throw CrewFailure(
            .r517, "tasks \(reviewed.map { "`\($0)`" }.joined(separator: ", ")) need a reviewer (human_review)",
            hint: "give the run a reviewer (the CLI: a terminal, --approve-all or --answers)")
    }
}
