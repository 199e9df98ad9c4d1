import ArgumentParser
import CrewCore
import CrewDocuments
import CrewKit
import CrewProviders
import CrewRuntime
import CrewTelemetry
import Foundation

/// `crew run`: execute a crew (or a build artifact) against its models, recording everything under .crew/runs.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "run", abstract: "Run a crew or a build artifact.",
        discussion: "Exit status: 0 when every task succeeded, 1 when one failed, 130 when interrupted.")

    @OptionGroup var crew: CrewPathOptions

    @OptionGroup var inputs: InputOptions

    @Option(help: "Tasks running at once (default: the crew's defaults.max_parallel, else 8).")
    var maxParallel: Int?

    @Flag(help: "Stop at the first failed task.")
    var failFast = false

    @Flag(help: "Print every task's messages without calling any model.")
    var dryRun = false

    @Option(help: "Continue an earlier run (its id, a prefix of it, or `last`).")
    var resume: String?

    @Flag(help: "With --resume: continue even though the crew changed since the run started (with its old plan).")
    var resumeAnyway = false

    @Option(help: "Where run records go (default: .crew/runs in the crew's folder).")
    var runsDir: String?

    @Option(help: "The folder `output.file` paths are relative to (default: the crew's folder).")
    var outputDir: String?

    @Flag(help: "Answer tasks from the task cache where that is sound, and store new answers (see specs/cache.md).")
    var cache = false

    @Option(help: "Run only this task, as one step of a workflow engine (with --state; see specs/argo.md).")
    var task: String?

    @Option(help: "The run folder a --task step reads its upstream outputs from and writes its record to.")
    var state: String?

    @Option(help: "Record every model exchange into this cassette file (see specs/cassette.md).", completion: .file())
    var record: String?

    @Option(help: "Answer every model request from this cassette, calling no model.", completion: .file())
    var replay: String?

    @Option(
        help: "The task cache's folder, e.g. one shared by CI jobs (default: .crew/cache/tasks in the crew's folder).")
    var cacheDir: String?

    @Flag(help: "Print the run's events as JSON lines on stdout.")
    var json = false

    @Flag(help: "Print nothing but errors and the final status.")
    var quiet = false

    @Flag(help: "Ask providers for whole answers instead of streams.")
    var noStream = false

    @Flag(help: "Approve every draft of a `human_review` task without asking.")
    var approveAll = false

    @Option(
        help: ArgumentHelp(
            "Review answers: a JSON or YAML file mapping task names to answers, used in order.",
            discussion: "An answer is `approve`, `reject: reason`, or feedback for another draft."),
        completion: .file())
    var answers: String?

    func validate() throws {
        if let maxParallel, maxParallel < 1 { throw ValidationError("--max-parallel must be at least 1") }
        if json && quiet { throw ValidationError("--json and --quiet exclude each other") }
        if approveAll && answers != nil { throw ValidationError("--approve-all and --answers exclude each other") }
        if record != nil && replay != nil { throw ValidationError("--record and --replay exclude each other") }
        if (task == nil) != (state == nil) { throw ValidationError("--task and --state go together") }
        if task != nil && (resume != nil || dryRun || record != nil) {
            throw ValidationError("--task runs one step: not with --resume, --dry-run or --record")
        }
        if dryRun && (record != nil || replay != nil) {
            throw ValidationError("--dry-run calls no model: it neither records nor replays")
        }
    }

    func run() async throws {
        let runnable = try await Engine.plan(at: crew.path, crewAI: crew.crewAI)
        let plan = runnable.plan
        var options = RunOptions()
        options.runsFolder = runsDir.map { ConfinedPath(base: $0) }
        options.outputFolder = outputDir
        options.maxParallel = maxParallel
        options.failFast = failFast
        options.stream = !noStream
        options.cache = cache
        options.resumeChanged = resumeAnyway
        options.cacheFolder = cacheDir.map { ConfinedPath(base: $0) }
        let cassette = record.map { CassetteFile.Recording(recorder: CassetteRecorder(), path: $0, plan: plan) }
        if let cassette { options.cassette = .record(cassette.recorder) }
        if let replay { options.cassette = .replay(try CassetteFile.player(replay)) }
        if let task, let state {
            try await step(task, runnable, state: state, options: options)
            return
        }
        if let resume {
            try await execute(runnable, options: options, review: try chooseReviewer(plan), recording: cassette) {
                options in try Engine.shared.resume(runID: resume, of: runnable, options: options)
            }
            return
        }
        let values = try resolveInputs(plan)
        if dryRun {
            let searcher = runnable.artifactFolder.flatMap {
                try? KnowledgeSearcher(
                    plan: plan, artifact: $0, environment: Engine.shared.configuration.environment,
                    transport: Engine.shared.transport)
            }
            Terminal.out(await DryRun.render(plan, inputs: values, knowledge: searcher))
            await searcher?.close()
            return
        }
        try await execute(runnable, options: options, review: try chooseReviewer(plan), recording: cassette) {
            options in try Engine.shared.start(runnable, inputs: values, options: options)
        }
    }

    /// Decided before anything runs, so a missing reviewer stops the run instead of failing its reviewed tasks.
    private func chooseReviewer(_ plan: ExecutionPlan) throws -> ReviewSetup.Choice {
        do {
            return try ReviewSetup.choose(plan: plan, approveAll: approveAll, answers: answers)
        } catch {
            throw Engine.fail(error, exit: 2)
        }
    }

    private func resolveInputs(_ plan: ExecutionPlan) throws -> [String: String] { try inputs.resolve(plan) }

    /// Starts the run with the terminal's observers and waits for it, turning Ctrl-C, SIGTERM and SIGHUP into an
    /// interrupted run. The signal handlers are the CLI's: the library installs none.
    private func execute(
        _ runnable: RunnablePlan, options: RunOptions, review: ReviewSetup.Choice, recording: CassetteFile.Recording?,
        _ start: (RunOptions) throws -> RunHandle
    ) async throws {
        let runs = options.runsFolder ?? ConfinedPath(base: runnable.baseFolder, below: ".crew/runs")
        let view = RunView.make(json: json, quiet: quiet, plan: runnable.plan, runs: runs)
        var options = options
        options.reviewer = ReviewSetup.reviewer(review, view: view, json: json)
        options.observers = view.observers
        let traces = try Self.traceExporter(crew: runnable.document.telemetry)
        if let traces {
            let traced = traces.trace(runnable.document, runs: runs)
            options.observers.append(traced.observer)
            options.traceID = traced.traceID
        }
        let handle: RunHandle
        do {
            handle = try start(options)
        } catch {
            await traces?.shutdown()
            // No way to review is a usage error, as when the CLI finds it first.
            throw Engine.fail(error, exit: (error as? any CodedFailure)?.code == .r517 ? 2 : 1)
        }
        let signals = SignalTrap { handle.cancel() }
        defer { signals.release() }
        let outcome: RunSession.Outcome
        do {
            outcome = try await handle.result()
        } catch {
            await traces?.shutdown()
            view.stop()
            try recording?.write()
            throw Engine.fail(error)
        }
        await traces?.shutdown()
        try recording?.write()
        view.finish(outcome, store: RunStore(runs))
        throw ExitCode(outcome.status.exitCode)
    }
}

extension RunCommand {
    /// Exit codes of a `--task` step (specs/argo.md): a workflow engine retries 75 and not 1.
    enum StepExit {
        static let retryable: Int32 = 75
    }

    /// One task on its own in a state folder; Ctrl-C or SIGTERM interrupts it (retryable).
    func step(_ name: String, _ runnable: RunnablePlan, state: String, options: RunOptions) async throws {
        let values = try resolveInputs(runnable.plan)
        let work = Task {
            try await Engine.shared.runStep(name, of: runnable, state: state, inputs: values, options: options)
        }
        let signals = SignalTrap { work.cancel() }
        defer { signals.release() }
        let outcome: RunSession.StepOutcome
        do {
            outcome = try await work.value
        } catch let error as RunSession.StepError {
            throw Engine.fail(error, exit: 2)
        } catch {
            throw Engine.fail(error)
        }
        switch outcome {
        case .succeeded:
            if !quiet { Terminal.out("task \(name) succeeded; record in \(state)/tasks/\(name)\n") }
        case .alreadyFinished:
            if !quiet { Terminal.out("task \(name) had already finished in \(state); not run again\n") }
        case .failed(let message, let retryable):
            Terminal.err("task \(name) failed\(retryable ? " (retryable)" : ""): \(message)\n")
            throw ExitCode(retryable ? StepExit.retryable : 1)
        case .interrupted:
            Terminal.err("task \(name) was interrupted\n")
            throw ExitCode(StepExit.retryable)
        }
    }

    /// The OTLP exporter when the environment or the crew file's `telemetry:` names an endpoint
    /// (specs/telemetry.md); none otherwise.
    static func traceExporter(crew: TelemetryDefinition?) throws -> TraceExporter? {
        do {
            let environment = Engine.shared.configuration.environment
            guard let settings = try TelemetrySettings.from(environment: environment, crew: crew) else { return nil }
            return try TraceExporter(settings: settings)
        } catch let failure as CrewFailure {
            throw Engine.fail(failure, exit: 2)
        } catch {
            throw Engine.fail(
                CrewFailure(
                    .r521, "traces cannot be exported: \(error)", hint: "check the OTEL_EXPORTER_OTLP_* variables"),
                exit: 2)
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP (the terminal closed) cancel the run, recorded as interrupted; a second signal exits
/// at once. SIGPIPE is ignored while the run goes on: a closed stdout must not kill a run mid-write.
final class SignalTrap: @unchecked Sendable {
    static let trapped = [SIGINT, SIGTERM, SIGHUP]
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var fired = false

    init(_ onSignal: @escaping @Sendable () -> Void) {
        signal(SIGPIPE, SIG_IGN)
        for number in Self.trapped {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let again = self.lock.withLock { () -> Bool in
                    defer { self.fired = true }
                    return self.fired
                }
                if again { Foundation.exit(130) }
                onSignal()
            }
            source.resume()
            sources.append(source)
        }
    }

    func release() {
        for source in sources { source.cancel() }
        for number in Self.trapped { signal(number, SIG_DFL) }
    }
}
