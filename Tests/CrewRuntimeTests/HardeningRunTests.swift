import CrewBuild
import CrewCore
import CrewDocuments
import CrewProviders
import CrewTestSupport
import Foundation
import Testing

@testable import CrewRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// The hardening of f942a9b through the library: outputs and records written below their folders through no link,
/// plan.json held to what the compiler guarantees, run folders locked, crashed runs told apart, and setup that can
/// be interrupted.
@Suite struct HardeningRunTests {
    // MARK: - Helpers

    /// The plan.json document of a crew written in a test.
    static func planJSON(_ yaml: String, in folder: TemporaryFolder) throws -> JSONValue {
        let path = folder.write("crew/crew.yaml", yaml)
        let compiled = Compiler.compile(path: path)
        let validated = try #require(compiled.validated, "\(compiled.diagnostics.items)")
        let plan = try #require(compiled.plan)
        return PlanBuilder.document(validated, plan).json
    }

    static func options(runs: ConfinedPath, output: String) -> RunSession.Options {
        RunSession.Options(
            runsFolder: runs,
            settings: RunSettings(maxParallel: 4, failFast: false, stream: true, outputFolder: output),
            environment: ["CREW_TEST_KEY": "k"], retry: RetryPolicy(maxRetries: 0, baseDelay: 0.01, maxDelay: 0.05),
            crewFolder: output)
    }

    static func listing(_ folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
    }

    static func link(_ link: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    }

    static func waitFor(_ condition: () -> Bool, seconds: Double = 60) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else {
                Issue.record("timed out waiting")
                return
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    /// Whether a live process's command line ends with `commandLine`.
    static func running(_ commandLine: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.contains { pid in
            guard pid.allSatisfy(\.isNumber),
                let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), !stat.contains(") Z ")
            else { return false }
            let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return arguments.joined(separator: " ").hasSuffix(commandLine)
        }
    }

    // MARK: - Writes outside the crew's folder

    @Test func anOutputThroughALinkedFolderFailsAndWritesNothingOutside() async throws {
        let harness = try await RunHarness.start { _ in .reply(text: "ssh-ed25519 AAAA attacker") }
        defer { Task { try? await harness.server.shutdown() } }
        let outside = TemporaryFolder(prefix: "crew-harden-outside")
        try FileManager.default.createDirectory(
            atPath: harness.folder.path + "/crew", withIntermediateDirectories: true)
        try Self.link(harness.folder.path + "/crew/cfg", to: outside.path)
        let run = try await harness.run(
            crew(
                harness.model(),
                tasks: "  keys: { agent: a, description: K, output: { file: cfg/authorized_keys } }\n"
                    + "  climb: { agent: a, description: C, output: { file: \"x/../cfg/other_keys\" } }\n"))
        #expect(run.outcome.status == .failed)
        for task in ["keys", "climb"] {
            #expect(run.result(task)?["status"]?.stringValue == "failed")
            #expect(run.result(task)?["error"]?.stringValue?.contains("symbolic link `cfg`") == true)
        }
        #expect(Self.listing(outside.path) == [])
    }

    @Test(arguments: [".crew", ".crew/runs"])
    func aLinkedRunsFolderIsRefusedBeforeAnyRequest(linked: String) async throws {
        let server = try await ProviderTestServer.start()
        defer { Task { try? await server.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-harden-runs")
        let outside = TemporaryFolder(prefix: "crew-harden-outside")
        let model =
            "models:\n  m: { provider: openai, model: t, base_url: \"\(server.baseURL)/v1\", api_key: \"${env:CREW_TEST_KEY}\" }\n"
        let plan = try Self.planJSON(crew(model, tasks: "  one: { agent: a, description: D }\n"), in: folder)
        let crewFolder = folder.path + "/crew"
        if linked != ".crew" {
            try FileManager.default.createDirectory(atPath: crewFolder + "/.crew", withIntermediateDirectories: true)
        }
        try Self.link(crewFolder + "/" + linked, to: outside.path)
        let options = Self.options(runs: ConfinedPath(base: crewFolder, below: ".crew/runs"), output: crewFolder)
        do {
            _ = try await RunSession.start(
                plan: try ExecutionPlan.decode(plan, artifactHash: "test"), inputs: [:], options: options, observers: []
            )
            Issue.record("a run started below a linked runs folder")
        } catch let failure as PathFailure {
            #expect(failure.reason == .link(String(linked.split(separator: "/").last!)), "\(failure)")
        }
        #expect(server.requests.isEmpty)
        #expect(Self.listing(outside.path) == [])
        // The same folder named by the user is trusted as given.
        let trusted = Self.options(runs: ConfinedPath(base: crewFolder + "/" + linked), output: crewFolder)
        let outcome = try await RunSession.start(
            plan: try ExecutionPlan.decode(plan, artifactHash: "test"), inputs: [:], options: trusted, observers: [])
        #expect(outcome.status == .succeeded)
    }

    @Test func theRecorderAndTheStoreNeverTurnANameIntoAPath() throws {
        let folder = TemporaryFolder(prefix: "crew-harden-recorder")
        let runs = ConfinedPath(base: folder.path + "/records/runs")
        for id in ["../escape", "a/b", "..", ""] {
            #expect(throws: PathFailure.self) { try RunRecorder(runs: runs, runID: id) }
        }
        let recorder = try RunRecorder(runs: runs, runID: "20261204-000000-abcd")
        for task in ["../../../escape", "a/b", "..", ".", "", "x\u{1B}[2J"] {
            #expect(throws: PathFailure.self) { try recorder.writeOutput(task: task, "o", format: .markdown) }
            #expect(throws: PathFailure.self) { try recorder.writeMessages(task: task, []) }
        }
        #expect(Self.listing(folder.path).allSatisfy { $0.hasPrefix("records") }, "\(Self.listing(folder.path))")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/records/escape"))
        let store = RunStore(runs)
        #expect(store.taskResult("20261204-000000-abcd", task: "../../../etc") == nil)
        #expect(store.json("../..", "run.json") == nil)
        #expect(throws: RunStore.LookupError.self) { try store.find("../x") }
    }

    // MARK: - plan.json checked when read

    enum Tampering: String, CaseIterable, Sendable {
        case taskNamePath, taskNameSlash, taskNameDot, taskNameEmpty, taskNameControl, duplicateTask
        case unknownAgent, unknownModel, unknownTool, unknownDelegate, agentNamePath, modelNamePath, toolNamePath
        case selfContext, forwardContext, unknownContext
        case outputClimbs, outputAbsolute, outputClimbsInside, outputNUL
        case knowledgeFileClimbs
        case hugeTaskTimeout, negativeTaskTimeout, zeroTaskTimeout, hugeModelTimeout, hugeToolTimeout
        case hugeDefaultTimeout, zeroMaxParallel, hugeMaxParallel, zeroIterations, hugeIterations
    }

    static let tamperCrew = """
        version: 1
        name: tamper
        models:
          m: { provider: mock, timeout: 30s }
        tools:
          say: { type: command, program: echo, timeout: 10s }
        agents:
          a: { role: R, goal: G, model: m, tools: [say] }
          b: { role: R, goal: G, model: m, delegate_to: [a] }
        tasks:
          first: { agent: a, description: FIRST, timeout: 60s }
          second: { agent: b, description: SECOND, context: [first], output: { file: out/second.md } }
        defaults: { timeout: 120s }
        """

    /// `plan` with one thing changed the way a hand-edit (or a hostile artifact) could.
    static func tamper(_ plan: JSONValue, _ tampering: Tampering) -> JSONValue {
        guard case .object(var top) = plan, case .array(let list)? = top["tasks"] else { return plan }
        var tasks = list.compactMap(\.objectValue)
        var agents = top["agents"]?.objectValue ?? [:]
        var models = top["models"]?.objectValue ?? [:]
        var tools = top["tools"]?.objectValue ?? [:]
        func update(_ table: inout [String: JSONValue], _ key: String, _ field: String, _ value: JSONValue) {
            if case .object(var entry)? = table[key] {
                entry[field] = value
                table[key] = .object(entry)
            }
        }
        func rename(_ table: inout [String: JSONValue], _ from: String, _ to: String) {
            table[to] = table.removeValue(forKey: from)
        }
        switch tampering {
        case .taskNamePath: tasks[0]["name"] = .string("../../../x")
        case .taskNameSlash: tasks[0]["name"] = .string("a/b")
        case .taskNameDot: tasks[0]["name"] = .string("..")
        case .taskNameEmpty: tasks[0]["name"] = .string("")
        case .taskNameControl: tasks[0]["name"] = .string("x\u{1B}]0;pwned\u{07}")
        case .duplicateTask:
            tasks[1]["name"] = .string("first")
            tasks[1]["context"] = .array([])
        case .unknownAgent: tasks[0]["agent"] = .string("ghost")
        case .unknownModel: tasks[0]["model"] = .string("ghost")
        case .unknownTool: update(&agents, "a", "tools", .strings(["ghost"]))
        case .unknownDelegate: update(&agents, "b", "delegate_to", .strings(["ghost"]))
        case .agentNamePath:
            rename(&agents, "a", "../a")
            tasks[0]["agent"] = .string("../a")
        case .modelNamePath:
            rename(&models, "m", "../m")
            for index in tasks.indices { tasks[index]["model"] = .string("../m") }
            for name in ["a", "b"] { update(&agents, name, "model", .string("../m")) }
        case .toolNamePath:
            rename(&tools, "say", "../say")
            update(&agents, "a", "tools", .strings(["../say"]))
        case .selfContext: tasks[0]["context"] = .strings(["first"])
        case .forwardContext: tasks[0]["context"] = .strings(["second"])
        case .unknownContext: tasks[1]["context"] = .strings(["ghost"])
        case .outputClimbs: tasks[1]["output"] = .object(["file": .string("../../x")])
        case .outputAbsolute: tasks[1]["output"] = .object(["file": .string("/tmp/crew-harden-x")])
        case .outputClimbsInside: tasks[1]["output"] = .object(["file": .string("out/../../x")])
        case .outputNUL: tasks[1]["output"] = .object(["file": .string("out/x\u{0}y")])
        case .knowledgeFileClimbs:
            top["knowledge"] = .object(["kb": .object(["files": .strings(["../../secret.md"])])])
        case .hugeTaskTimeout: tasks[0]["timeout"] = .double(1e300)
        case .negativeTaskTimeout: tasks[0]["timeout"] = .int(-5)
        case .zeroTaskTimeout: tasks[0]["timeout"] = .int(0)
        case .hugeModelTimeout: update(&models, "m", "timeout", .int(999_999_999_999))
        case .hugeToolTimeout: update(&tools, "say", "timeout", .double(1e300))
        case .hugeDefaultTimeout: top["task_timeout"] = .double(1e300)
        case .zeroMaxParallel: top["max_parallel"] = .int(0)
        case .hugeMaxParallel: top["max_parallel"] = .int(Int.max)
        case .zeroIterations: update(&agents, "a", "max_iterations", .int(0))
        case .hugeIterations: update(&agents, "a", "max_iterations", .int(Int.max))
        }
        top["tasks"] = .array(tasks.map(JSONValue.object))
        top["agents"] = .object(agents)
        top["models"] = .object(models)
        top["tools"] = .object(tools)
        return .object(top)
    }

    @Test func theUntamperedPlanDecodesAndNamesItsDefaultTimeout() throws {
        let folder = TemporaryFolder(prefix: "crew-harden-plan")
        let plan = try Self.planJSON(Self.tamperCrew, in: folder)
        let decoded = try ExecutionPlan.decode(plan, artifactHash: "test")
        #expect(decoded.tasks.map(\.name) == ["first", "second"])
        // The key `hugeDefaultTimeout` edits must be the one the plan carries.
        #expect(plan["task_timeout"]?.doubleValue == 120, "\(plan.serialized(pretty: true))")
    }

    @Test(arguments: Tampering.allCases)
    func aTamperedPlanIsRefusedWhenRead(tampering: Tampering) async throws {
        let folder = TemporaryFolder(prefix: "crew-harden-plan")
        let tampered = Self.tamper(try Self.planJSON(Self.tamperCrew, in: folder), tampering)
        do {
            let plan = try ExecutionPlan.decode(tampered, artifactHash: "test")
            Issue.record("\(tampering): decoded, tasks \(plan.tasks.map(\.name))")
        } catch {
            #expect(error.description.hasPrefix("cannot read the plan: "))
            #expect(!TerminalText.needsEscaping(error.description), "\(error.description)")
        }
        // A session given it records nothing and runs nothing.
        let runs = folder.path + "/runs"
        await #expect(throws: DocumentFormatError.self) {
            _ = try await RunSession.start(
                plan: try ExecutionPlan.decode(tampered, artifactHash: "test"), inputs: [:],
                options: Self.options(runs: ConfinedPath(base: runs), output: folder.path + "/crew"), observers: [])
        }
        #expect(!FileManager.default.fileExists(atPath: runs))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/crew/out"))
    }

    @Test func aResumedRunWhosePlanWasTamperedIsRefused() async throws {
        let harness = try await RunHarness.start { request in
            request.lastUserText.hasPrefix("SECOND") ? .status(400) : .reply()
        }
        defer { Task { try? await harness.server.shutdown() } }
        let run = try await harness.run(
            crew(harness.model(), tasks: firstThenSecond))
        #expect(run.outcome.status == .failed)
        let planPath = run.outcome.folder + "/plan.json"
        let recorded = try JSONParser.parse(Array(try #require(FileManager.default.contents(atPath: planPath))))
        guard case .object(var top) = recorded, case .array(var tasks)? = top["tasks"],
            case .object(var second) = tasks[1]
        else { throw CancellationError() }
        second["output"] = .object(["file": .string("../../../../escape.md")])
        tasks[1] = .object(second)
        top["tasks"] = .array(tasks)
        try Data(JSONValue.object(top).serialized(pretty: true).utf8).write(to: URL(fileURLWithPath: planPath))
        let requests = harness.server.requests.count
        harness.server.setScript { _ in .reply() }
        let options = Self.options(
            runs: ConfinedPath(base: harness.folder.path + "/runs"), output: harness.folder.path + "/crew")
        await #expect(throws: DocumentFormatError.self) {
            _ = try await RunSession.resume(runID: run.outcome.runID, options: options, observers: [])
        }
        #expect(harness.server.requests.count == requests)
    }

    // MARK: - Locks and crashes

    /// Starts a run of two tasks, `fast` then `slow`, against `server`, and returns once `slow` has asked its model
    /// (a server that answers SLOW by hanging keeps the run live).
    static func startFastThenSlow(_ server: ProviderTestServer, in folder: TemporaryFolder) async throws -> (
        id: String, runs: ConfinedPath, options: RunSession.Options, live: Task<RunSession.Outcome, any Error>
    ) {
        let model =
            "models:\n  m: { provider: openai, model: t, base_url: \"\(server.baseURL)/v1\", api_key: \"${env:CREW_TEST_KEY}\", timeout: 120s }\n"
        let plan = try Self.planJSON(
            crew(
                model,
                tasks:
                    "  fast: { agent: a, description: FAST }\n  slow: { agent: a, description: SLOW, context: [fast] }\n"
            ), in: folder)
        let runs = ConfinedPath(base: folder.path + "/runs")
        let runOptions = Self.options(runs: runs, output: folder.path + "/crew")
        let id = try RunRecorder.reserve(runs: runs)
        let live = Task {
            try await RunSession.start(
                plan: try ExecutionPlan.decode(plan, artifactHash: "test"), inputs: [:], options: runOptions,
                observers: [], runID: id)
        }
        try await Self.waitFor { server.requests.contains { $0.lastUserText.hasPrefix("SLOW") } }
        return (id, runs, runOptions, live)
    }

    @Test func aLiveRunCannotBeResumedAndIsNotCrashed() async throws {
        let server = try await ProviderTestServer.start { request in
            request.lastUserText.hasPrefix("SLOW") ? .hang : .reply()
        }
        defer { Task { try? await server.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-harden-lock")
        let (id, runs, options, live) = try await Self.startFastThenSlow(server, in: folder)
        let store = RunStore(runs)
        #expect(store.isCrashed(id) == false)
        #expect(store.shownStatus(id, run: try #require(store.record(id))) == "running")
        #expect(store.json(id, "run.json")?["owner"]?["pid"]?.intValue == Int(getpid()))
        for _ in 0..<2 {
            do {
                _ = try await RunSession.resume(runID: id, options: options, observers: [])
                Issue.record("a live run was resumed")
            } catch let busy as RunLock.Busy {
                #expect(busy.runID == id)
                #expect(busy.owner?.pid == getpid())
                #expect(busy.description.contains("is being run by another crew process"))
            }
        }
        #expect(server.requests.filter { $0.lastUserText.hasPrefix("SLOW") }.count == 1)
        #expect(server.requests.filter { $0.lastUserText.hasPrefix("FAST") }.count == 1)
        live.cancel()
        let outcome = try await live.value
        #expect(outcome.status == .interrupted)
        #expect(store.json(id, "run.json")?["status"]?.stringValue == "interrupted")
        #expect(store.json(id, "run.json")?["owner"] == nil)
        #expect(store.isCrashed(id) == false)
        // The lock went with the run: a resume now runs what did not finish, and only that.
        server.setScript { _ in .reply() }
        let resumed = try await RunSession.resume(runID: id, options: options, observers: [])
        #expect(resumed.status == .succeeded)
        #expect(server.requests.filter { $0.lastUserText.hasPrefix("FAST") }.count == 1)
    }

    /// An output is written in place before the line that declares it whole: one cut short by a crash is no result,
    /// and a resume runs its task again and writes the output anew.
    @Test func anOutputCutShortIsWrittenAnewOnResume() async throws {
        let server = try await ProviderTestServer.start { request in
            request.lastUserText.hasPrefix("SLOW") ? .hang : .reply(text: "the whole answer of \(request.lastUserText)")
        }
        defer { Task { try? await server.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-harden-cut")
        let (id, _, options, live) = try await Self.startFastThenSlow(server, in: folder)
        live.cancel()
        #expect(try await live.value.status == .interrupted)
        let slowOutput = folder.path + "/runs/\(id)/tasks/slow/output.md"
        let fastOutput = folder.path + "/runs/\(id)/tasks/fast/output.md"
        let fastBefore = try String(contentsOfFile: fastOutput, encoding: .utf8)
        try FileManager.default.createDirectory(
            atPath: folder.path + "/runs/\(id)/tasks/slow", withIntermediateDirectories: true)
        try "the whole answer of SLOW, cut sh".write(toFile: slowOutput, atomically: false, encoding: .utf8)
        server.setScript { .reply(text: "the whole answer of \($0.lastUserText.prefix(4))") }
        let resumed = try await RunSession.resume(runID: id, options: options, observers: [])
        #expect(resumed.status == .succeeded)
        #expect(server.requests.filter { $0.lastUserText.hasPrefix("SLOW") }.count == 2)
        #expect(server.requests.filter { $0.lastUserText.hasPrefix("FAST") }.count == 1)
        #expect(try String(contentsOfFile: slowOutput, encoding: .utf8) == "the whole answer of SLOW")
        #expect(try String(contentsOfFile: fastOutput, encoding: .utf8) == fastBefore)
    }

    @Test func aRunningRecordWithAFreeLockIsCrashed() throws {
        let folder = TemporaryFolder(prefix: "crew-harden-crash")
        let runs = ConfinedPath(base: folder.path + "/runs")
        let store = RunStore(runs)
        func record(_ id: String, status: String, lock: Bool) {
            folder.write(
                "runs/\(id)/run.json",
                #"{"id": "\#(id)", "crew": "c", "artifact_sha256": "h", "started_at": "2026-12-04T00:00:01.000Z", "#
                    + #""status": "\#(status)"}"#)
            if lock { folder.write("runs/\(id)/lock", "") }
        }
        record("20261204-000001-aaaa", status: "running", lock: true)
        record("20261204-000002-bbbb", status: "running", lock: false)
        record("20261204-000003-cccc", status: "failed", lock: true)
        #expect(store.isCrashed("20261204-000001-aaaa"))
        #expect(
            store.shownStatus("20261204-000001-aaaa", run: try #require(store.record("20261204-000001-aaaa")))
                == "interrupted (crashed)")
        // No lock file: a record of an older crew, whose state cannot be told.
        #expect(!store.isCrashed("20261204-000002-bbbb"))
        #expect(
            store.shownStatus("20261204-000002-bbbb", run: try #require(store.record("20261204-000002-bbbb")))
                == "running")
        #expect(!store.isCrashed("20261204-000003-cccc"))
        #expect(
            store.shownStatus("20261204-000003-cccc", run: try #require(store.record("20261204-000003-cccc")))
                == "failed")
        // A lock held (here by this process, through a descriptor of its own) means a live run.
        let fd = open(folder.path + "/runs/20261204-000001-aaaa/lock", O_RDWR)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        #expect(!store.isCrashed("20261204-000001-aaaa"))
        #expect(
            store.shownStatus("20261204-000001-aaaa", run: try #require(store.record("20261204-000001-aaaa")))
                == "running")
        flock(fd, LOCK_UN)
        #expect(store.isCrashed("20261204-000001-aaaa"))
        // A lock that is a link is not followed, and says nothing.
        let outside = TemporaryFolder(prefix: "crew-harden-outside")
        outside.write("lock", "")
        record("20261204-000004-dddd", status: "running", lock: false)
        try Self.link(folder.path + "/runs/20261204-000004-dddd/lock", to: outside.path + "/lock")
        #expect(!store.isCrashed("20261204-000004-dddd"))
    }

    // MARK: - Setup that is interrupted

    @Test func cancellingWhileAnMCPServerStartsRecordsAnInterruptedRun() async throws {
        let server = try await ProviderTestServer.start()
        defer { Task { try? await server.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-harden-mcp")
        let marker = "time.sleep(32.\(Int.random(in: 1000...9999)))"
        let model =
            "models:\n  m: { provider: openai, model: t, base_url: \"\(server.baseURL)/v1\", api_key: \"${env:CREW_TEST_KEY}\" }\n"
            + "tools:\n  slow: { type: mcp, command: python3, args: [\"-c\", \"import time; \(marker)\"] }\n"
        let yaml = crew(model, tasks: "  one: { agent: a, description: ONE }\n")
            .replacing("backstory: You test. }", with: "backstory: You test., tools: [slow] }")
        let plan = try Self.planJSON(yaml, in: folder)
        let runs = ConfinedPath(base: folder.path + "/runs")
        var options = Self.options(runs: runs, output: folder.path + "/crew")
        options.toolStartTimeout = 120
        let id = try RunRecorder.reserve(runs: runs)
        let run = Task {
            try await RunSession.start(
                plan: try ExecutionPlan.decode(plan, artifactHash: "test"), inputs: [:], options: options,
                observers: [], runID: id)
        }
        try await Self.waitFor { Self.running("import time; " + marker) }
        // run.json is there, as running, before the tools are set up.
        #expect(RunStore(runs).json(id, "run.json")?["status"]?.stringValue == "running")
        run.cancel()
        let outcome = try await run.value
        #expect(outcome.status == .interrupted)
        #expect(RunStore(runs).json(id, "run.json")?["status"]?.stringValue == "interrupted")
        #expect(server.requests.isEmpty)
        try await Self.waitFor({ !Self.running("import time; " + marker) }, seconds: 15)
    }

    @Test func aSetupFailureStillEndsTheRecordWithAFinalStatus() async throws {
        let folder = TemporaryFolder(prefix: "crew-harden-setup")
        let model =
            "models:\n  m: { provider: anthropic, model: t, api_key: \"${env:CREW_TEST_MISSING_KEY}\" }\n"
        let plan = try Self.planJSON(crew(model, tasks: "  one: { agent: a, description: ONE }\n"), in: folder)
        let runs = ConfinedPath(base: folder.path + "/runs")
        let id = try RunRecorder.reserve(runs: runs)
        await #expect(throws: (any Error).self) {
            _ = try await RunSession.start(
                plan: try ExecutionPlan.decode(plan, artifactHash: "test"), inputs: [:],
                options: Self.options(runs: runs, output: folder.path + "/crew"), observers: [], runID: id)
        }
        let run = try #require(RunStore(runs).json(id, "run.json"))
        #expect(run["status"]?.stringValue == "failed")
        #expect(RunStore(runs).isCrashed(id) == false)
    }
}
