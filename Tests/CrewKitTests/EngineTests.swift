import CrewBuild
import CrewCore
import CrewDocuments
import CrewKit
import CrewProviders
import CrewRuntime
import CrewTestSupport
import Foundation
import Testing

/// The library as a server drives it: one engine, many crews and runs at once in one process, typed events and
/// records, cancelling one run without touching the others.
@Suite struct EngineTests {
    /// Five tasks: a diamond (a -> b, c -> d) and a tail (d -> e).
    static func crew(_ index: Int, baseURL: String) -> String {
        let name = "crew-\(index)"
        var yaml = """
            version: 1
            name: \(name)
            models:
              m: { provider: openai, model: test, base_url: "\(baseURL)/v1", api_key: "${env:CREW_TEST_KEY}", max_retries: 1 }
            agents:
              w: { role: Worker, goal: Work }
            tasks:

            """
        let context = ["a": "", "b": "a", "c": "a", "d": "b, c", "e": "d"]
        for task in ["a", "b", "c", "d", "e"] {
            let upstream = context[task]!.isEmpty ? "" : ", context: [\(context[task]!)]"
            yaml += "  \(task): { agent: w, description: \"C\(index)T\(task)\"\(upstream) }\n"
        }
        return yaml
    }

    /// Answers each task with its own description, so a record can be checked task by task. `SLOW` tasks wait.
    static func answer(_ request: RecordedRequest) -> Behavior {
        let description = request.lastUserText.split(separator: "\n").first.map(String.init) ?? ""
        let reply = Behavior.reply(text: "out-" + description, inputTokens: 10, outputTokens: 2)
        return description.hasPrefix("SLOW") ? .delay(seconds: 30, then: reply) : reply
    }

    static func engine() -> CrewEngine {
        CrewEngine(
            configuration: CrewEngine.Configuration(
                environment: ["CREW_TEST_KEY": "test-key-123"],
                retry: RetryPolicy(maxRetries: 1, baseDelay: 0.01, maxDelay: 0.05)))
    }

    @Test func aHundredCrewsRunAtOnceAndCancellingOneLeavesTheOthersRunning() async throws {
        let server = try await ProviderTestServer.start(script: Self.answer)
        let engine = Self.engine()
        let folder = TemporaryFolder(prefix: "crew-engine-100")
        defer {
            Task {
                await engine.shutdown()
                try? await server.shutdown()
            }
        }
        var options = RunOptions()
        options.runsFolder = ConfinedPath(base: folder.path + "/runs")
        // The run to cancel: its second task never gets an answer in time.
        let slowYAML = Self.crew(100, baseURL: server.baseURL).replacing("\"C100Tb\"", with: "\"SLOW\"")
        let slowCompiled = engine.compile(path: folder.write("crew-100/crew.yaml", slowYAML))
        let slow = try engine.start(try await engine.runnable(slowCompiled), inputs: [:], options: options)
        var handles: [(Int, RunHandle)] = []
        for index in 0..<100 {
            let compiled = engine.compile(
                path: folder.write("crew-\(index)/crew.yaml", Self.crew(index, baseURL: server.baseURL)))
            #expect(compiled.succeeded, "\(compiled.diagnostics.items)")
            handles.append(
                (index, try engine.start(try await engine.runnable(compiled), inputs: [:], options: options)))
        }
        #expect(Set(handles.map(\.1.runID)).count == 100)
        try await waitFor { server.requests.contains { $0.lastUserText.hasPrefix("SLOW") } }
        slow.cancel()
        let cancelled = try await slow.result()
        #expect(cancelled.status == .interrupted)
        #expect(cancelled.record.totals == nil || cancelled.record.totals?.succeeded ?? 0 < 5)

        let store = RunStore(ConfinedPath(base: folder.path + "/runs"))
        for (index, handle) in handles {
            let outcome = try await handle.result()
            #expect(outcome.status == .succeeded, "crew \(index): \(outcome.status)")
            let record = try #require(store.record(handle.runID))
            #expect(record.crew == "crew-\(index)" && record.status == .succeeded && record.attempts == 1)
            #expect(record.tasks == ["a", "b", "c", "d", "e"] && record.totals?.succeeded == 5)
            #expect(record.totals?.inputTokens == 50 && record.totals?.outputTokens == 10)
            #expect(record == outcome.record)
            let outputs = store.finishedOutputs(handle.runID)
            for task in ["a", "b", "c", "d", "e"] {
                #expect(outputs[task] == "out-C\(index)T\(task)", "crew \(index) task \(task)")
                #expect(store.taskResult(handle.runID, task: task)?.status == .succeeded)
            }
            let events = store.events(handle.runID)
            #expect(events.first?.kind == .runStarted && events.last?.kind == .runFinished)
            #expect(events.filter { $0.kind == .taskFinished }.count == 5)
        }
        // Every run is listed, the cancelled one as interrupted.
        let listed = engine.runs(in: ConfinedPath(base: folder.path + "/runs"))
        #expect(listed.count == 101)
        #expect(listed.first { $0.id == slow.runID }?.record.status == .interrupted)
        #expect(listed.allSatisfy { !$0.crashed })
        // 500 requests of the hundred, and the cancelled run's three (a, the slow one, c).
        #expect(server.requests.count == 503)
    }

    @Test func aHandleStreamsTypedEventsInOrder() async throws {
        let server = try await ProviderTestServer.start(script: Self.answer)
        let engine = Self.engine()
        let folder = TemporaryFolder(prefix: "crew-engine-events")
        defer {
            Task {
                await engine.shutdown()
                try? await server.shutdown()
            }
        }
        let compiled = engine.compile(path: folder.write("crew/crew.yaml", Self.crew(7, baseURL: server.baseURL)))
        let runnable = try await engine.runnable(compiled)
        #expect(runnable.baseFolder == folder.path + "/crew" && runnable.artifactFolder == nil)
        let handle = try engine.start(runnable, inputs: [:])
        // The first reader gets every event, however fast the run; a second one the events from when it came.
        let first = handle.events()
        let second = handle.events()
        #expect(handle.folder == folder.path + "/crew/.crew/runs/" + handle.runID)
        // The run's plan.json is the compiled artifact's, byte for byte (not written a second way).
        #expect(
            FileManager.default.contents(atPath: handle.folder + "/plan.json")
                == compiled.artifact()?.files["plan.json"])
        var kinds: [RunEvent.Kind] = []
        var tokens = 0
        var ended: RunStatus?
        for await event in first {
            kinds.append(event.kind)
            tokens += event.figures?.inputTokens ?? 0
            ended = event.runStatus ?? ended
        }
        let outcome = try await handle.result()
        #expect(outcome.status == .succeeded && ended == .succeeded && tokens == 50)
        #expect(kinds.first == .runStarted && kinds.last == .runFinished)
        #expect(kinds.filter { $0 == .taskStarted }.count == 5 && kinds.filter { $0 == .taskFinished }.count == 5)
        var secondKinds: [RunEvent.Kind] = []
        for await event in second { secondKinds.append(event.kind) }
        #expect(Array(kinds.suffix(secondKinds.count)) == secondKinds && secondKinds.last == .runFinished)
        // The same events as the record, in the same order.
        let recorded = RunStore(ConfinedPath(base: folder.path + "/crew", below: ".crew/runs")).events(handle.runID)
        #expect(recorded.map(\.kind) == kinds)
        // A reader that comes after the end gets an empty stream, not a hang.
        for await _ in handle.events() { Issue.record("an event after the end") }
        #expect(
            try engine.record(runID: "last", in: ConfinedPath(base: folder.path + "/crew/.crew/runs")) == outcome.record
        )
    }

    @Test func aFailedRunResumesThroughTheEngine() async throws {
        let failing = LockedFlag(true)
        let server = try await ProviderTestServer.start { request in
            failing.value && request.lastUserText.hasPrefix("C3Td") ? .status(400) : Self.answer(request)
        }
        let engine = Self.engine()
        let folder = TemporaryFolder(prefix: "crew-engine-resume")
        defer {
            Task {
                await engine.shutdown()
                try? await server.shutdown()
            }
        }
        let runnable = try await engine.runnable(
            engine.compile(path: folder.write("crew/crew.yaml", Self.crew(3, baseURL: server.baseURL))))
        let first = try await engine.start(runnable, inputs: [:]).result()
        #expect(first.status == .failed && first.record.totals?.succeeded == 3 && first.record.totals?.failed == 1)
        failing.value = false
        let resumed = try await engine.resume(runID: first.runID, of: runnable).result()
        #expect(resumed.status == .succeeded && resumed.runID == first.runID)
        #expect(
            resumed.record.attempts == 2 && resumed.record.totals?.reused == 3 && resumed.record.totals?.succeeded == 2)
        await #expect(throws: CrewFailure(.r507, "run `\(first.runID)` already succeeded; there is nothing to resume"))
        {
            _ = try await engine.resume(runID: first.runID, of: runnable).result()
        }
    }

    @Test func setupProblemsAreCodedFailures() async throws {
        let engine = CrewEngine(configuration: CrewEngine.Configuration(environment: [:]))
        let folder = TemporaryFolder(prefix: "crew-engine-codes")
        defer { Task { await engine.shutdown() } }
        func code(_ body: () async throws -> Void) async -> FailureCode? {
            do {
                try await body()
                return nil
            } catch {
                return (error as? any CodedFailure)?.code
            }
        }
        let broken = engine.compile(path: folder.write("broken/crew.yaml", "version: 1\nname: x\n"))
        #expect(await code { _ = try await engine.runnable(broken) } == .r520)
        // An Anthropic model at its own endpoint always needs a key.
        let yaml = Self.crew(1, baseURL: "")
            .replacing(
                #/  m: \{.*\}\n/#, with: "  m: { provider: anthropic, model: t, api_key: \"${env:CREW_TEST_KEY}\" }\n"
            )
            .replacing("tasks:\n", with: "inputs:\n  n: { type: integer }\ntasks:\n")
            .replacing("\"C1Te\"", with: "\"C1Te {n}\", human_review: true")
        let runnable = try await engine.runnable(engine.compile(path: folder.write("crew/crew.yaml", yaml)))
        #expect(await code { _ = try engine.start(runnable, inputs: ["n": "many"]) } == .r510)
        #expect(await code { _ = try engine.start(runnable, inputs: ["n": "3"]) } == .r517)
        var options = RunOptions()
        options.reviewer = ApproveEverything()
        // No CREW_TEST_KEY in this engine's environment: the run records a failure and says why, coded.
        #expect(
            await code { _ = try await engine.start(runnable, inputs: ["n": "3"], options: options).result() } == .r511)
        #expect(await code { _ = try engine.resume(runID: "20991231-000000-ffff", of: runnable) } == .r504)
        #expect(await code { _ = try engine.load(artifact: folder.path + "/crew") } == .r502)
    }

    /// Polls `condition` for up to 20 seconds.
    func waitFor(_ condition: () -> Bool) async throws {
        for _ in 0..<400 where !condition() { try await Task.sleep(nanoseconds: 50_000_000) }
        #expect(condition())
    }
}

struct ApproveEverything: Reviewer {
    func review(task: String, agent: String, draft: String, round: Int) async -> ReviewDecision { .approve }
}
