import CrewCore
import CrewDocuments
import CrewTelemetry
import Foundation
import InMemoryTracing
import Testing
import Tracing

/// Which settings win: the `OTEL_*` variables over the crew file's `telemetry:`, field by field; and the crew file's
/// references, resolved at run time without ever showing a value.
@Suite struct TelemetrySettingsTests {
    static func crew(_ edit: (inout TelemetryDefinition) -> Void = { _ in }) -> TelemetryDefinition {
        var telemetry = TelemetryDefinition()
        telemetry.endpoint = TemplateParser.parse("${env:BASE}", at: .file("crew.yaml"), inputs: false).0
        edit(&telemetry)
        return telemetry
    }

    @Test func theCrewFileAloneSwitchesTracingOn() throws {
        #expect(try TelemetrySettings.from(environment: [:]) == nil, "nothing named, nothing traced")
        #expect(try TelemetrySettings.from(environment: [:], crew: TelemetryDefinition()) == nil, "no endpoint")
        let settings = try #require(
            try TelemetrySettings.from(environment: ["BASE": "http://127.0.0.1:4318"], crew: Self.crew()))
        #expect(!settings.captureContent && !settings.propagate, "both are off unless asked for")
    }

    @Test func theVariablesWinOverTheCrewFile() throws {
        let asking = Self.crew {
            $0.captureContent = true
            $0.propagate = true
        }
        let base = ["BASE": "http://127.0.0.1:4318"]
        let overridden = try #require(
            try TelemetrySettings.from(
                environment: base.merging(
                    [TelemetrySettings.captureVariable: "false", TelemetrySettings.propagatorsVariable: "none"]) { $1 },
                crew: asking))
        #expect(!overridden.captureContent && !overridden.propagate)
        let kept = try #require(try TelemetrySettings.from(environment: base, crew: asking))
        #expect(kept.captureContent && kept.propagate)
        #expect(
            try TelemetrySettings.from(environment: base.merging(["OTEL_SDK_DISABLED": "true"]) { $1 }, crew: asking)
                == nil)
        #expect(
            try TelemetrySettings.from(environment: base.merging(["OTEL_TRACES_EXPORTER": "none"]) { $1 }, crew: asking)
                == nil)
        // Propagation follows OTEL_PROPAGATORS when it is set, and is off by default even when traces are on.
        let named = try #require(
            try TelemetrySettings.from(
                environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:4318", "OTEL_PROPAGATORS": "tracecontext"]))
        #expect(named.propagate)
        #expect(
            try TelemetrySettings.from(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://x:4318"])?.propagate
                == false)
    }

    @Test func anUnsetOrWrongReferenceIsRefusedWithoutItsValue() throws {
        let withHeader = Self.crew {
            $0.headers = [("Authorization", TemplateParser.parse("Bearer ${env:KEY}", at: .file("c"), inputs: false).0)]
        }
        let unset = #expect(throws: CrewFailure.self) {
            try TelemetrySettings.from(environment: ["BASE": "http://127.0.0.1:4318"], crew: withHeader)
        }
        #expect(unset?.code == .r521 && unset?.message.contains("environment variable KEY") == true)
        let notURL = #expect(throws: CrewFailure.self) {
            try TelemetrySettings.from(
                environment: ["BASE": "file:///etc/secret-base-99", "KEY": "k"], crew: withHeader)
        }
        #expect(notURL?.message.contains("not an http") == true && notURL?.message.contains("secret-base-99") == false)
    }

    /// With propagation on, a tool call's headers name the trace and the tool call's own span; off, none.
    @Test func aToolCallHandsItsSpanContextOn() throws {
        for propagate in [true, false] {
            let tracer = InMemoryTracer()
            let plan = PlanDocument(
                crew: CrewHeader(name: "c", origin: .native), inputs: [], models: [:], agents: [:], tasks: [])
            let spans = RunSpans(tracer: tracer, plan: plan, propagate: propagate)
            spans.handle(RunEvent(.runStarted, fields: ["run_id": .string("r1")]))
            spans.handle(RunEvent(.taskStarted, task: "t"))
            spans.handle(RunEvent(.toolCall, task: "t", fields: ["tool": .string("web"), "call_id": .string("c1")]))
            let headers = spans.traceHeaders(task: "t", callID: "c1")
            #expect(headers.isEmpty == !propagate)
            #expect(spans.traceHeaders(task: "t", callID: "unknown").isEmpty)
            spans.handle(RunEvent(.toolResult, task: "t", fields: ["tool": .string("web"), "call_id": .string("c1")]))
            #expect(spans.traceHeaders(task: "t", callID: "c1").isEmpty, "a finished call has no context to hand on")
            guard propagate else { continue }
            let tool = try #require(tracer.finishedSpans.first { $0.operationName == "execute_tool web" })
            #expect(headers.contains { $0.value.contains(tool.spanID) })
        }
    }

    /// A task answered from the task cache says so on its span; one that ran says it was not.
    @Test func aCacheHitIsAnAttributeOfItsTaskSpan() throws {
        let tracer = InMemoryTracer()
        let plan = PlanDocument(
            crew: CrewHeader(name: "c", origin: .native), inputs: [], models: [:], agents: [:], tasks: [])
        let spans = RunSpans(tracer: tracer, plan: plan)
        spans.handle(RunEvent(.runStarted, fields: ["run_id": .string("r1")]))
        for task in ["hit", "ran"] { spans.handle(RunEvent(.taskStarted, task: task)) }
        spans.handle(RunEvent(.taskCached, task: "hit", fields: ["key": .string("ab12")]))
        spans.handle(RunEvent(.taskFinished, task: "hit", fields: ["cached": .bool(true)]))
        spans.handle(RunEvent(.taskFinished, task: "ran"))
        func attribute(_ task: String, _ key: String) -> SpanAttribute? {
            tracer.finishedSpans.first { $0.attributes[CrewAttribute.task]?.toSpanAttribute() == .string(task) }?
                .attributes[key]?.toSpanAttribute()
        }
        #expect(attribute("hit", CrewAttribute.cacheHit) == .bool(true))
        #expect(attribute("hit", CrewAttribute.cacheKey) == .string("ab12"))
        #expect(attribute("ran", CrewAttribute.cacheHit) == .bool(false))
    }
}
