import CrewCore
import CrewKit
import Foundation
import Prometheus

/// What `/metrics` shows, in Prometheus' text format: requests by route and status, their durations, runs by how
/// they ended, task durations, tokens, and the runs in flight and queued. Labels come from route patterns and
/// enums only, so a client cannot make the label set grow.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let active: Gauge
    private let queued: Gauge
    private let taskDuration: DurationHistogram
    private let inputTokens: Counter
    private let outputTokens: Counter

    static let requestBuckets: [Duration] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 5_000].map { .milliseconds($0) }
    static let taskBuckets: [Duration] = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600].map { .seconds($0) }

    init() {
        active = registry.makeGauge(descriptor: Self.name("runs_active", "Runs executing now"))
        queued = registry.makeGauge(descriptor: Self.name("runs_queued", "Runs waiting for a slot (--max-runs)"))
        taskDuration = registry.makeDurationHistogram(
            descriptor: Self.name("task_duration_seconds", "How long tasks took, by outcome"), labels: [],
            buckets: Self.taskBuckets)
        inputTokens = registry.makeCounter(
            descriptor: Self.name("tokens_total", "Tokens used by tasks"), labels: [("direction", "input")])
        outputTokens = registry.makeCounter(
            descriptor: Self.name("tokens_total", "Tokens used by tasks"), labels: [("direction", "output")])
        for status in IndexedStatus.allCases where status != .queued {
            _ = runsCounter(status)
        }
    }

    static func name(_ metric: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "crew", metricName: metric, helpText: help)
    }

    func request(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.name("http_requests_total", "HTTP requests by route and status"),
            labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name("http_request_duration_seconds", "HTTP request durations by route"),
            labels: [("method", method), ("route", route)], buckets: Self.requestBuckets
        ).record(duration)
    }

    func runEnded(_ status: IndexedStatus) { runsCounter(status).increment() }

    private func runsCounter(_ status: IndexedStatus) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("runs_total", "Runs that ended, by status"), labels: [("status", status.rawValue)])
    }

    func taskFinished(milliseconds: Int, inputTokens input: Int, outputTokens output: Int) {
        taskDuration.record(.milliseconds(milliseconds))
        inputTokens.increment(by: Int64(input))
        outputTokens.increment(by: Int64(output))
    }

    func load(active count: Int, queued waiting: Int) {
        active.set(Int64(count))
        queued.set(Int64(waiting))
    }

    var text: String { registry.emitToString() }
}
