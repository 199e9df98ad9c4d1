import CrewCore
import CrewDocuments
import CrewRuntime
import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Whether and how runs are traced, from the environment. Nothing is exported, and no exporter starts, unless an OTLP
/// endpoint is named (specs/telemetry.md).
public struct TelemetrySettings: Sendable, Equatable {
    /// Prompts, answers, tool arguments and results, and knowledge queries go into spans only when this is set.
    public var captureContent: Bool

    public static let endpointVariables = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]
    /// The variable OpenTelemetry's GenAI instrumentations read for the same choice.
    public static let captureVariable = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"

    public init(captureContent: Bool = false) {
        self.captureContent = captureContent
    }

    /// Nil when no endpoint is set, when `OTEL_SDK_DISABLED` is true, or when traces are sent nowhere
    /// (`OTEL_TRACES_EXPORTER=none`). Values swift-otel cannot honour are refused here, with what to set instead:
    /// it would stop the process on some of them.
    public static func from(environment: [String: String]) throws(CrewFailure) -> TelemetrySettings? {
        func value(_ name: String) -> String? {
            environment[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        guard endpointVariables.contains(where: { value($0) != nil }) else { return nil }
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
        return TelemetrySettings(captureContent: value(captureVariable)?.lowercased() == "true")
    }

    /// What crew's exporter (swift-otel over OTLP/HTTP) can do, by variable.
    static let supported: [(String, Set<String>)] = [
        ("OTEL_TRACES_EXPORTER", ["otlp", "none"]),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", ["http/protobuf", "http/json"]),
        ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", ["http/protobuf", "http/json"]),
        (
            "OTEL_TRACES_SAMPLER",
            [
                "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off",
                "parentbased_traceidratio",
            ]
        ),
        ("OTEL_PROPAGATORS", ["tracecontext", "none"]),
    ]
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
        var configuration = OTel.Configuration.default
        configuration.serviceName = "crew"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.diagnosticLogger = .custom(logger)
        configuration.diagnosticLogLevel = .warning
        configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(1)
        let (tracer, service) = try OTel.makeTracingBackend(configuration: configuration)
        let capture = settings.captureContent
        observe = { plan, runs in
            let spans = RunSpans(tracer: tracer, plan: plan, captureContent: capture, records: runs) { $0.otelTraceID }
            return TracedRun(observer: spans, traceID: spans.traceID)
        }
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        self.group = group
        running = Task { try? await group.run() }
    }

    /// The observer that traces one run of `plan` recorded in `runs`, and the trace's id.
    public func trace(_ plan: PlanDocument, runs: ConfinedPath) -> TracedRun { observe(plan, runs) }

    /// Exports the spans still queued, then stops.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        await running.value
    }
}
