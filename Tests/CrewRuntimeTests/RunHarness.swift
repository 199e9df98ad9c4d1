import CrewBuild
import CrewCore
import CrewDocuments
import CrewProviders
import CrewRuntime
import CrewTestSupport
import Foundation
import Testing

/// Compiles a crew written in a test, runs it in-process against the provider test server, and reads the record.
struct RunHarness {
    let folder = TemporaryFolder(prefix: "crew-run")
    let server: ProviderTestServer

    static func start(_ script: @escaping @Sendable (RecordedRequest) -> Behavior = { _ in .reply() }) async throws
        -> RunHarness
    {
        RunHarness(server: try await ProviderTestServer.start(script: script))
    }

    /// A models section for `provider`, pointing at the test server; the key comes from CREW_TEST_KEY.
    func model(_ provider: String = "openai", extra: String = "") -> String {
        let base: String
        switch provider {
        case "openai": base = server.baseURL + "/v1"
        default: base = server.baseURL
        }
        return "models:\n  m: { provider: \(provider), model: test-model, base_url: \"\(base)\", "
            + "api_key: \"${env:CREW_TEST_KEY}\", max_retries: 3, timeout: 2s\(extra) }\n"
    }

    struct Run {
        var outcome: RunSession.Outcome
        var store: RunStore
        var events: [RunEvent]

        func output(_ task: String) -> String? { store.finishedOutputs(outcome.runID)[task] }
        func result(_ task: String) -> JSONValue? { store.taskResult(outcome.runID, task: task)?.json }
        func events(_ kind: RunEvent.Kind, task: String? = nil) -> [RunEvent] {
            events.filter { $0.kind == kind && (task == nil || $0.task == task) }
        }
    }

    func run(
        _ yaml: String, inputs: [String: String] = [:], maxParallel: Int? = nil, failFast: Bool = false,
        stream: Bool = true, key: String = "test-key-123", observers: [any RunObserver] = [],
        reviewer: (any Reviewer)? = nil, environment: [String: String] = [:]
    ) async throws -> Run {
        let path = folder.write("crew/crew.yaml", yaml)
        let compiled = Compiler.compile(path: path)
        let validated = try #require(compiled.validated, "\(compiled.diagnostics.items)")
        let plan = try #require(compiled.plan)
        let planJSON = PlanBuilder.document(validated, plan).json
        let decoded = try ExecutionPlan.decode(planJSON, artifactHash: "test")
        let values = try RunInputs.resolve(decoded.inputs, given: inputs).get()
        let settings = RunSettings(
            maxParallel: maxParallel ?? decoded.maxParallel, failFast: failFast, stream: stream,
            outputFolder: folder.path + "/crew")
        let options = RunSession.Options(
            runsFolder: ConfinedPath(base: folder.path + "/runs"), settings: settings,
            environment: environment.merging(["CREW_TEST_KEY": key]) { a, _ in a },
            retry: RetryPolicy(maxRetries: 3, baseDelay: 0.01, maxDelay: 0.05), crewFolder: folder.path + "/crew",
            reviewer: reviewer)
        let outcome = try await RunSession.start(
            plan: try ExecutionPlan.decode(planJSON, artifactHash: "test"), inputs: values, options: options,
            observers: observers)
        let store = RunStore(ConfinedPath(base: folder.path + "/runs"))
        return Run(outcome: outcome, store: store, events: store.events(outcome.runID))
    }

    /// Every file under the harness's folder, as text.
    func allFiles() -> [(String, String)] {
        var files: [(String, String)] = []
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let path = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: folder.path + "/" + path) {
                files.append((path, String(decoding: data, as: UTF8.self)))
            }
        }
        return files
    }
}

/// A crew header with one agent; tasks are appended by each test.
/// Two tasks, the second reading the first's output.
let firstThenSecond =
    "  first: { agent: a, description: FIRST }\n  second: { agent: a, description: SECOND, context: [first] }\n"

func crew(_ models: String, tasks: String, inputs: String = "") -> String {
    "version: 1\nname: test\n\(inputs)\(models)agents:\n  a: { role: Tester, goal: Test things, backstory: You test. }\n"
        + "tasks:\n\(tasks)"
}
