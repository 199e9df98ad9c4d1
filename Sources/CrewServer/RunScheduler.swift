import CrewCore
import CrewDocuments
import CrewKit
import CrewRuntime
import CrewTelemetry
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a caller asked for: a new run of a crew, or the resumption of a run that stopped.
struct RunRequest: Sendable {
    enum Kind: String, Sendable { case start, resume }

    var kind: Kind
    /// The crew's folder name in the catalog.
    var crewFolder: String
    var inputs: [String: String]
    var webhook: String?
    var requestedBy: String?

    var json: JSONValue {
        .object(dropping: [
            ("kind", .string(kind.rawValue)), ("crew_folder", .string(crewFolder)),
            ("inputs", .object(inputs.mapValues(JSONValue.string))), ("webhook", webhook.map(JSONValue.string)),
        ])
    }

    init(kind: Kind, crewFolder: String, inputs: [String: String], webhook: String?, requestedBy: String?) {
        self.kind = kind
        self.crewFolder = crewFolder
        self.inputs = inputs
        self.webhook = webhook
        self.requestedBy = requestedBy
    }

    /// A queued run's request as the index stored it.
    init?(stored text: String?, requestedBy: String?) {
        guard let text, let json = try? JSONParser.parse(Array(text.utf8)),
            let kind = json["kind"]?.stringValue.flatMap(Kind.init(rawValue:)),
            let folder = json["crew_folder"]?.stringValue
        else { return nil }
        self.kind = kind
        crewFolder = folder
        inputs = (json["inputs"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        webhook = json["webhook"]?.stringValue
        self.requestedBy = requestedBy
    }
}

/// The runs of one server: at most `--max-runs` execute at once, the rest wait in order (in the database, so a
/// restart keeps them). It keeps the run index current as runs start and end, feeds the metrics, calls webhooks,
/// and on shutdown stops what runs so each is recorded as interrupted at a task boundary.
actor RunScheduler {
    let engine: CrewEngine
    let catalog: CrewCatalog
    let store: ServerStore
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    let webhooks: WebhookSender?
    let logger: Logger
    /// The trace exporter, when the server exports traces.
    let traces: TraceExporter?
    private var active: [String: RunHandle] = [:]
    private var pulses: [String: EventPulse] = [:]
    private var watchers: [String: Task<Void, Never>] = [:]
    private var queue: [(id: String, request: RunRequest)] = []
    private var stopping = false

    init(
        engine: CrewEngine, catalog: CrewCatalog, store: ServerStore, runs: RunStore,
        configuration: ServerConfiguration, metrics: ServerMetrics, webhooks: WebhookSender?, logger: Logger,
        traces: TraceExporter? = nil
    ) {
        self.traces = traces
        self.runs = runs
        self.engine = engine
        self.catalog = catalog
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        self.webhooks = webhooks
        self.logger = logger
    }

    /// The records, read below one descriptor of the runs folder.
    let runs: RunStore

    enum Admission: Sendable, Equatable {
        case running
        case queued(position: Int)
    }

    /// Starts the run now when a slot is free, else queues it; `id` is a folder `reserveRun` made.
    func submit(id: String, _ request: RunRequest) async throws -> Admission {
        if active.count < configuration.maxRuns, !stopping, queue.isEmpty {
            try await launch(id: id, request)
            return .running
        }
        var entry = RunEntry(id: id, crew: await crewName(request.crewFolder), status: .queued, startedAt: Date())
        entry.request = request.json.serialized()
        entry.requestedBy = request.requestedBy
        try await store.runs.upsert(entry)
        queue.append((id, request))
        publishLoad()
        return .queued(position: queue.count)
    }

    func isActive(_ id: String) -> Bool { active[id] != nil }

    /// What wakes the event streams of a run this server runs now.
    func pulse(_ id: String) -> EventPulse? { pulses[id] }

    /// What lists need in one call: the runs executing here, and the queue's positions.
    func snapshot() -> (active: Set<String>, positions: [String: Int]) {
        (Set(active.keys), Dictionary(queue.enumerated().map { ($1.id, $0 + 1) }) { a, _ in a })
    }

    /// 1 for the next run to start; nil when `id` is not waiting.
    func position(_ id: String) -> Int? { queue.firstIndex { $0.id == id }.map { $0 + 1 } }

    enum Cancellation: Sendable { case cancelling, dequeued, notHere }

    func cancel(_ id: String) async throws -> Cancellation {
        if let handle = active[id] {
            handle.cancel()
            return .cancelling
        }
        guard let index = queue.firstIndex(where: { $0.id == id }) else { return .notHere }
        let request = queue.remove(at: index).request
        publishLoad()
        if request.kind == .resume, let record = runs.record(id) {
            try await store.runs.upsert(RunEntry(record: record, crashed: false))
        } else {
            var entry = try await store.runs.entry(id) ?? RunEntry(id: id, crew: "", status: .queued, startedAt: Date())
            entry.status = .interrupted
            entry.finishedAt = Date()
            try await store.runs.upsert(entry)
            metrics.runEnded(.interrupted)
            // Its folder was reserved and stays empty: give it back.
            rmdir(configuration.runsFolder.appending(id).description)
        }
        return .dequeued
    }

    /// Runs start from the queue in order as slots free; a crew that cannot run any more fails its queued runs.
    private func drain() async {
        while active.count < configuration.maxRuns, !stopping, !queue.isEmpty {
            let (id, request) = queue.removeFirst()
            do {
                try await launch(id: id, request)
            } catch {
                logger.error("queued run \(id) could not start: \(ErrorReport.text(error))")
                var entry =
                    (try? await store.runs.entry(id))
                    ?? RunEntry(
                        id: id, crew: request.crewFolder, status: .failed, startedAt: Date())
                entry.status = .failed
                entry.finishedAt = Date()
                try? await store.runs.upsert(entry)
                metrics.runEnded(.failed)
            }
        }
        publishLoad()
    }

    private func launch(id: String, _ request: RunRequest) async throws {
        guard let crew = await catalog.entry(request.crewFolder), let runnable = crew.runnable else {
            throw CrewFailure(.r520, "crew `\(request.crewFolder)` is not available on this server")
        }
        let pulse = EventPulse()
        var options = RunOptions()
        options.observers = [LiveOutputObserver(pulse: pulse), RunLog(logger: logger, runID: id)]
        if let traces {
            let traced = traces.trace(runnable.document, runs: configuration.runsFolder)
            options.observers.append(traced.observer)
            options.traceID = traced.traceID
        }
        options.runsFolder = configuration.runsFolder
        options.outputFolder = configuration.outputFolder(crew: request.crewFolder)
        options.cacheFolder = configuration.cacheFolder(crew: request.crewFolder)
        let handle: RunHandle
        switch request.kind {
        case .start:
            options.runFolder = .reserved(id)
            handle = try engine.start(runnable, inputs: request.inputs, options: options)
        case .resume:
            handle = try engine.resume(runID: id, of: runnable, options: options)
        }
        active[id] = handle
        pulses[id] = pulse
        if let trace = options.traceID {
            logger.info("run \(id) traced", metadata: ["run_id": "\(id)", "trace_id": "\(trace)"])
        }
        if let record = runs.record(id) {
            var entry = RunEntry(record: record, crashed: false)
            entry.requestedBy = request.requestedBy
            entry.request = request.webhook.map { _ in request.json.serialized() }
            try? await store.runs.upsert(entry)
        }
        watchers[id] = Task { await self.watch(handle, pulse: pulse, webhook: request.webhook) }
        publishLoad()
    }

    /// Follows a run's events for the metrics, then indexes its end, calls its webhook and frees its slot.
    private func watch(_ handle: RunHandle, pulse: EventPulse, webhook: String?) async {
        // The recorder writes each event before the handle passes it on, so a woken stream finds it in the file.
        for await event in handle.events() {
            pulse.signal()
            guard event.kind == .taskFinished || event.kind == .taskFailed else { continue }
            let figures = event.figures
            metrics.taskFinished(
                milliseconds: figures?.latencyMS ?? 0, inputTokens: figures?.inputTokens ?? 0,
                outputTokens: figures?.outputTokens ?? 0)
        }
        _ = try? await handle.result()
        await ended(handle.runID, webhook: webhook)
    }

    /// The run stays active until it is indexed, so a client that sees it inactive finds it in the index too.
    private func ended(_ id: String, webhook: String?) async {
        defer {
            active[id] = nil
            watchers[id] = nil
            pulses[id]?.signal()
            pulses[id] = nil
        }
        if let record = runs.record(id) {
            let entry = RunEntry(record: record, crashed: false)
            do {
                try await store.runs.upsert(entry, tasks: TaskEntry.all(of: record, store: runs))
            } catch {
                logger.error("run \(id) could not be indexed: \(ErrorReport.text(error))")
            }
            metrics.runEnded(entry.status)
            if let webhook, let webhooks {
                let body = WebhookSender.body(record, sequence: Self.eventCount(runs: configuration.runsFolder, id))
                Task.detached { await webhooks.deliver(body, to: webhook, runID: id) }
            }
        }
        active[id] = nil
        await drain()
    }

    static func eventCount(runs: ConfinedPath, _ id: String) -> Int {
        guard let tail = try? EventTail(runs: runs, runID: id) else { return 0 }
        _ = tail.read()
        return tail.lineNumber
    }

    private func crewName(_ folder: String) async -> String {
        await catalog.entry(folder)?.runnable?.document.crewName ?? folder
    }

    private func publishLoad() { metrics.load(active: active.count, queued: queue.count) }

    /// At start: runs a crash left `running` (no process holds their lock) become interrupted, run folders the index
    /// lacks are indexed, and queued runs wait again in their order.
    func recover(reindex: Bool) async throws {
        if reindex { try await store.runs.removeAll() }
        let known = Set(try await store.runs.ids())
        for id in runs.runIDs() where !known.contains(id) { try await index(id) }
        for id in try await store.runs.ids(status: .running) where !isActive(id) {
            guard let record = runs.record(id) else {
                try await store.runs.remove(id)
                continue
            }
            if runs.isCrashed(id, run: record) { try await index(id) }
        }
        for entry in try await store.runs.queued() {
            guard let request = RunRequest(stored: entry.request, requestedBy: entry.requestedBy) else { continue }
            queue.append((entry.id, request))
        }
        await drain()
    }

    private func index(_ id: String) async throws {
        guard let record = runs.record(id) else { return }
        try await store.runs.upsert(
            RunEntry(record: record, crashed: runs.isCrashed(id, run: record)),
            tasks: TaskEntry.all(of: record, store: runs))
    }

    /// Stops taking runs, cancels those in flight (each records `interrupted` once its running tasks stop) and
    /// waits until each is recorded and indexed. Queued runs stay queued for the next start.
    func shutdown() async {
        stopping = true
        for handle in active.values { handle.cancel() }
        let pending = Array(watchers.values)
        for watcher in pending { await watcher.value }
    }
}
