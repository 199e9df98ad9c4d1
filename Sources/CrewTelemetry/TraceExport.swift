import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Whether and how runs are traced: the standard `OTEL_*` variables, over the crew file's `telemetry:` section
/// (specs/telemetry.md). Nothing is exported, and no exporter starts, unless one of them names an OTLP endpoint.
public struct TelemetrySettings: Sendable {
    /// Prompts, answers, tool arguments and results, and knowledge queries go into spans only when this is set.
    public var captureContent: Bool
    /// W3C `traceparent` goes with http tool requests and MCP requests over HTTP.
    public var propagate: Bool
    /// The crew file's choices, which swift-otel's reading of the variables overrides field by field.
    var crew = CrewChoices()

    struct CrewChoices: Sendable {
        /// The traces URL (the base endpoint with `v1/traces`).
        var tracesURL: String?
        var wire: OTLPProtocol?
        /// Resolved at run time; secrets, so never shown.
        var headers: [(String, String)] = []
        var serviceName: String?
        var sampler: TraceSampler?
        var ratio: Double?
    }

    public static let endpointVariables = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]
    /// The variable OpenTelemetry's GenAI instrumentations read for the same choice.
    public static let captureVariable = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
    public static let propagatorsVariable = "OTEL_PROPAGATORS"

    public init(captureContent: Bool = false, propagate: Bool = false) {
        self.captureContent = captureContent
        self.propagate = propagate
    }

    /// Nil when neither the environment nor `crew` names an endpoint, when `OTEL_SDK_DISABLED` is true, or when
    /// traces are sent nowhere (`OTEL_TRACES_EXPORTER=none`). Values swift-otel cannot honour are refused here, with
    /// what to set instead: it would stop the process on some of them. A header or endpoint the crew file reads
    /// from an unset variable or an unreadable file is refused too, naming the reference only.
    public static func from(environment: [String: String], crew: TelemetryDefinition? = nil) throws(CrewFailure)
        -> TelemetrySettings?
    {
        func value(_ name: String) -> String? {
            environment[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let named = endpointVariables.contains { value($0) != nil }
        guard named || crew?.endpoint != nil else { return nil }
        guard value("OTEL_SDK_DISABLED")?.lowercased() != "true" else { return nil }
        for (name, allowed) in supported {
            let given = value(name)?.lowercased()
            if name == "OTEL_TRACES_EXPORTER", given == "none" { return nil }
            let values = given?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? []
            if let refused = values.first(where: { !allowed.contains($0) }) {
                throw CrewFailure(
                    .r521, "traces cannot be exported: \(name)=\(refused.prefix(64)) is not supported",
                    hint: "use one of \(allowed.sorted().joined(separator: ", ")), or unset it")
            }
        }
        let capture = value(captureVariable).map { $0.lowercased() == "true" } ?? crew?.captureContent ?? false
        // OpenTelemetry's default propagators would make propagation the default; crew sends `traceparent` only
        // when the variable names tracecontext or the crew file asks.
        let propagators = value(propagatorsVariable)?.lowercased().split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let propagate = propagators.map { $0.contains("tracecontext") } ?? crew?.propagate ?? false
        var settings = TelemetrySettings(captureContent: capture, propagate: propagate)
        if let crew { settings.crew = try choices(crew, environment: environment) }
        return settings
    }

    private static func choices(_ crew: TelemetryDefinition, environment: [String: String]) throws(CrewFailure)
        -> CrewChoices
    {
        func resolved(_ template: Template, _ what: String) throws(CrewFailure) -> String {
            guard let text = ModelClients.resolve(template, environment) else {
                let references = template.segments.compactMap { segment -> String? in
                    switch segment {
                    case .env(let name): return "the environment variable \(name)"
                    case .file(let path): return "the secret file \(path)"
                    default: return nil
                    }
                }
                throw CrewFailure(
                    .r521,
                    "traces cannot be exported: \(what) reads \(references.joined(separator: " and ")), "
                        + "which is not set, empty or unreadable",
                    hint: "set it, or remove the reference from the crew file's `telemetry:` section")
            }
            return text
        }
        var choices = CrewChoices()
        if let endpoint = crew.endpoint {
            let base = try resolved(endpoint, "telemetry.endpoint")
            let lowered = base.lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
                throw CrewFailure(
                    .r521, "traces cannot be exported: telemetry.endpoint is not an http:// or https:// URL",
                    hint: "give the OTLP/HTTP base URL, e.g. http://127.0.0.1:4318")
            }
            choices.tracesURL = (base.hasSuffix("/") ? base : base + "/") + "v1/traces"
        }
        for (name, template) in crew.headers {
            choices.headers.append((name, try resolved(template, "the header \(name) in telemetry.headers")))
        }
        choices.wire = crew.wire
        choices.serviceName = crew.serviceName
        choices.sampler = crew.sampler
        choices.ratio = crew.samplerRatio
        return choices
    }

    /// What crew's exporter (swift-otel over OTLP/HTTP) can do, by variable.
    static let supported: [(String, Set<String>)] = [
        ("OTEL_TRACES_EXPORTER", ["otlp", "none"]),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", Set(OTLPProtocol.allCases.map(\.rawValue))),
        ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", Set(OTLPProtocol.allCases.map(\.rawValue))),
        ("OTEL_TRACES_SAMPLER", Set(TraceSampler.allCases.map(\.rawValue))),
        (propagatorsVariable, ["tracecontext", "none"]),
    ]

    /// The configuration swift-otel starts from; its reading of the `OTEL_*` variables is applied over it.
    func configuration(logger: Logger) -> OTel.Configuration {
        var configuration = OTel.Configuration.default
        configuration.serviceName = crew.serviceName ?? "crew"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogger = .custom(logger)
        configuration.diagnosticLogLevel = .warning
        configuration.propagators = propagate ? [.traceContext] : [.none]
        configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(1)
        if let url = crew.tracesURL { configuration.traces.otlpExporter.endpoint = url }
        if !crew.headers.isEmpty { configuration.traces.otlpExporter.headers = crew.headers }
        if let wire = crew.wire {
            configuration.traces.otlpExporter.protocol = wire == .httpJSON ? .httpJSON : .httpProtobuf
        }
        if let sampler = crew.sampler { configuration.traces.sampler = Self.sampler(sampler, ratio: crew.ratio ?? 1) }
        return configuration
    }

    static func sampler(_ sampler: TraceSampler, ratio: Double)
        -> OTel.Configuration.TracesConfiguration
        .SamplerConfiguration
    {
        switch sampler {
        case .alwaysOn: return .alwaysOn
        case .alwaysOff: return .alwaysOff
        case .traceIDRatio: return .traceIDRatio(ratio: ratio) ?? .traceIDRatio
        case .parentBasedAlwaysOn: return .parentBasedAlwaysOn
        case .parentBasedAlwaysOff: return .parentBasedAlwaysOff
        case .parentBasedTraceIDRatio: return .parentBasedTraceIDRatio(ratio: ratio) ?? .parentBasedTraceIDRatio
        }
    }
}

/// One run's tracing: its observer (for `RunOptions.observers`) and its trace id (for `RunOptions.traceID`).
public struct TracedRun: Sendable {
    public let observer: any RunObserver
    public let traceID: String?
}

/// The OTLP/HTTP exporter of a process (swift-otel), and a `RunSpans` observer per run on its tracer. Its background
/// work runs until `shutdown()`, which sends what is left.
public final class TraceExporter: Sendable {
    private let observe: @Sendable (PlanDocument, ConfinedPath) -> TracedRun
    private let group: ServiceGroup
    private let running: Task<Void, Never>

    /// Starts the exporter; swift-otel reads the standard `OTEL_*` variables itself (endpoint, headers, service
    /// name, sampler, timeout, compression).
    public init(settings: TelemetrySettings, logger: Logger = Logger(label: "crew.telemetry")) throws {
        let (tracer, service) = try OTel.makeTracingBackend(configuration: settings.configuration(logger: logger))
        let (capture, propagate) = (settings.captureContent, settings.propagate)
        observe = { plan, runs in
            let spans = RunSpans(
                tracer: tracer, plan: plan, captureContent: capture, propagate: propagate, records: runs
            ) { $0.otelTraceID }
            return TracedRun(observer: spans, traceID: spans.traceID)
        }
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        self.group = group
        running = Task { try? await group.run() }
        Self.lifetime.withLock { Self.exporters.append(self) }
    }

    /// Every exporter lives as long as its process (there is one per `crew run` or `crew serve`). swift-otel's HTTP
    /// exporter shuts its client down synchronously when it is freed, which traps on an event loop thread, and crew
    /// runs its async code on the event loops (CrewKit's `EventLoopJobs`): so one is never freed.
    private static let lifetime = NSLock()
    nonisolated(unsafe) private static var exporters: [TraceExporter] = []

    /// The observer that traces one run of `plan` recorded in `runs`, and the trace's id.
    public func trace(_ plan: PlanDocument, runs: ConfinedPath) -> TracedRun { observe(plan, runs) }

    /// Exports the spans still queued, then stops.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        await running.value
    }
}
