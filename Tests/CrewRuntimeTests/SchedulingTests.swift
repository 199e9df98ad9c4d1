import CrewCore
import CrewDocuments
import CrewProviders
import CrewRuntime
import CrewTestSupport
import Foundation
import Testing

/// DAG semantics: real overlap, the parallelism bound, skip-on-failure, fail-fast, resume.
@Suite struct SchedulingTests {
    static func fanOut(_ width: Int) -> String {
        var tasks = "  start: { agent: a, description: START }\n"
        for i in 0..<width { tasks += "  w\(i): { agent: a, description: WORK-\(i), context: [start] }\n" }
        tasks +=
            "  end: { agent: a, description: END, context: [\((0..<width).map { "w\($0)" }.joined(separator: ", "))] }\n"
        return tasks
    }

    @Test(arguments: [16, 4])
    func fanOutOverlapsUpToMaxParallel(maxParallel: Int) async throws {
        let harness = try await RunHarness.start { _ in .delay(seconds: 0.3, then: .reply()) }
        defer { Task { try? await harness.server.shutdown() } }
        let run = try await harness.run(crew(harness.model(), tasks: Self.fanOut(16)), maxParallel: maxParallel)
        #expect(run.outcome.status == .succeeded)
        #expect(harness.server.maxInFlight == maxParallel)
        let end = try #require(harness.server.requests.first { $0.lastUserText.hasPrefix("END") })
        for i in 0..<16 { #expect(end.lastUserText.contains("## w\(i)\n\necho: WORK-\(i)")) }
    }

    @Test func aFailureSkipsDownstreamAndIndependentBranchesFinish() async throws {
        let harness = try await RunHarness.start { request in
            request.lastUserText.hasPrefix("BAD")
                ? .status(400, message: "bad request") : .delay(seconds: 0.1, then: .reply())
        }
        defer { Task { try? await harness.server.shutdown() } }
        let run = try await harness.run(
            crew(
                harness.model(),
                tasks: """
                      bad: { agent: a, description: BAD }
                      after_bad: { agent: a, description: AFTER, context: [bad] }
                      after_after: { agent: a, description: LATER, context: [after_bad] }
                      good: { agent: a, description: GOOD }
                      after_good: { agent: a, description: AFTER GOOD, context: [good] }
                    """))
        #expect(run.outcome.status == .failed)
        #expect(Set(run.events(.taskSkipped).compactMap(\.task)) == ["after_bad", "after_after"])
        #expect(run.output("after_good") != nil)
        #expect(run.outcome.record.totals?.skipped == 2)
        #expect(
            run.events(.taskSkipped, task: "after_after").first?.fields["reason"]?.stringValue
                == "upstream task `bad` failed")
    }

    @Test func failFastStopsEverything() async throws {
        let harness = try await RunHarness.start { request in
            request.lastUserText.hasPrefix("BAD") ? .status(400) : .delay(seconds: 2, then: .reply())
        }
        defer { Task { try? await harness.server.shutdown() } }
        let run = try await harness.run(
            crew(
                harness.model(),
                tasks: "  bad: { agent: a, description: BAD }\n  slow: { agent: a, description: SLOW }\n"),
            failFast: true)
        #expect(run.outcome.status == .failed)
        #expect(run.output("slow") == nil)  // cancelled in flight, not waited for
        #expect(run.outcome.record.totals?.notRun == 1)
    }

    @Test func cancellingTheRunRecordsItAsInterrupted() async throws {
        let harness = try await RunHarness.start { request in
            request.lastUserText.hasPrefix("QUICK") ? .reply() : .hang
        }
        defer { Task { try? await harness.server.shutdown() } }
        let yaml = crew(
            harness.model(),
            tasks:
                "  quick: { agent: a, description: QUICK }\n  stuck: { agent: a, description: STUCK, context: [quick] }\n"
        )
        let work = Task { try await harness.run(yaml) }
        while !harness.server.requests.contains(where: { $0.lastUserText.hasPrefix("STUCK") }) {
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        let cancelled = Date()
        work.cancel()
        let run = try await work.value
        #expect(Date().timeIntervalSince(cancelled) < 2)
        #expect(run.outcome.status == .interrupted)
        #expect(run.outcome.record.status == .interrupted)
        #expect(run.output("quick") != nil)
    }

    @Test func resumeRunsOnlyWhatDidNotFinish() async throws {
        let harness = try await RunHarness.start { request in
            request.lastUserText.hasPrefix("B") ? .status(400) : .reply()
        }
        defer { Task { try? await harness.server.shutdown() } }
        let yaml = crew(
            harness.model(),
            tasks: "  a1: { agent: a, description: A1 }\n  b1: { agent: a, description: B1, context: [a1] }\n")
        let first = try await harness.run(yaml)
        #expect(first.outcome.status == .failed)
        harness.server.setScript { _ in .reply() }
        let options = RunSession.Options(
            runsFolder: ConfinedPath(base: harness.folder.path + "/runs"),
            settings: RunSettings(maxParallel: 4, outputFolder: harness.folder.path + "/crew"),
            environment: ["CREW_TEST_KEY": "k"])
        let resumed = try await RunSession.resume(runID: first.outcome.runID, options: options, observers: [])
        #expect(resumed.status == .succeeded)
        #expect(resumed.runID == first.outcome.runID)
        #expect(harness.server.requests.filter { $0.lastUserText.hasPrefix("A1") }.count == 1)
        #expect(resumed.record.attempts == 2)
        #expect(resumed.record.totals?.reused == 1)
    }
}
