import CrewCore
import CrewTestSupport
import Foundation
import Testing

/// `crew run` as a process: signals, `kill -9` and resume, secrets, dry runs, input errors, the record commands.
@Suite struct RunCommandTests {
    let cli = CLITests()

    func crewFolder(_ server: ProviderTestServer, tasks: String, extra: String = "") -> TemporaryFolder {
        let folder = TemporaryFolder(prefix: "crew-cli-run")
        folder.write(
            "crew.yaml",
            """
            version: 1
            name: cli-run
            inputs: { topic: { type: string, default: tides }, count: { type: integer, default: 3 } }
            models:
              m: { provider: openai, model: test-model, base_url: "\(server.baseURL)/v1", api_key: "${env:CREW_TEST_KEY}", max_retries: 1, timeout: 10s }
            agents:
              a: { role: Tester, goal: "Test {topic}" }
            tasks:
            \(tasks)
            \(extra)
            """)
        return folder
    }

    /// Starts `crew run` in the background; returns the process so a test can signal it.
    func launch(_ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits without blocking a thread of the cooperative pool.
    func exited(_ process: Process) async {
        while process.isRunning { try? await Task.sleep(nanoseconds: 10_000_000) }
    }

    func waitFor(_ condition: () -> Bool, seconds: Double = 20) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else {
                Issue.record("timed out waiting")
                return
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }

    func runJSON(_ folder: TemporaryFolder) throws -> JSONValue {
        let runs = folder.path + "/.crew/runs"
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs).first)
        let data = try #require(FileManager.default.contents(atPath: runs + "/" + id + "/run.json"))
        return try JSONParser.parse(Array(data))
    }

    @Test func ctrlCInterruptsWithin2SecondsAndExits130() async throws {
        let server = try await ProviderTestServer.start { request in
            request.lastUserText.hasPrefix("QUICK") ? .reply() : .hang
        }
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(
            server,
            tasks:
                "  quick: { agent: a, description: QUICK }\n  stuck: { agent: a, description: STUCK, context: [quick] }"
        )
        let process = try launch(["run", folder.path], environment: ["CREW_TEST_KEY": "k"])
        try await waitFor { server.requests.contains { $0.lastUserText.hasPrefix("STUCK") } }
        let sent = Date()
        kill(process.processIdentifier, SIGINT)
        await exited(process)
        #expect(Date().timeIntervalSince(sent) < 2)
        #expect(process.terminationStatus == 130)
        let run = try runJSON(folder)
        #expect(run["status"]?.stringValue == "interrupted")
        #expect(run["totals"]?["succeeded"]?.intValue == 1)
    }

    @Test func ctrlCDuringAToolCallStopsTheProgramAndTheRun() async throws {
        let server = try await ProviderTestServer.start { request in
            request.toolResults.isEmpty
                ? .toolCalls([ScriptedToolCall(id: "s1", name: "wait", arguments: #"{"seconds": "47.321"}"#)])
                : .reply(text: "done")
        }
        defer { Task { try? await server.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-cli-tool-signal")
        folder.write(
            "crew.yaml",
            """
            version: 1
            name: tool-signal
            models:
              m: { provider: openai, model: test-model, base_url: "\(server.baseURL)/v1", api_key: "${env:CREW_TEST_KEY}" }
            tools:
              wait:
                type: command
                program: sleep
                args: ["{seconds}"]
                input_schema: { type: object, required: [seconds], properties: { seconds: { type: string } } }
            agents:
              a: { role: Tester, goal: Wait, tools: [wait], model: m }
            tasks:
              t: { agent: a, description: Wait a while. }
            """)
        let process = try launch(["run", folder.path], environment: ["CREW_TEST_KEY": "k"])
        try await waitFor { Self.running("sleep 47.321") }
        let sent = Date()
        kill(process.processIdentifier, SIGINT)
        await exited(process)
        #expect(Date().timeIntervalSince(sent) < 3)
        #expect(process.terminationStatus == 130)
        #expect(!Self.running("sleep 47.321"), "the tool's program outlived the run")
        #expect(try runJSON(folder)["status"]?.stringValue == "interrupted")
    }

    /// Whether a process whose command line ends with this exists (zombies excluded: they are already dead).
    static func running(_ commandLine: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.contains { pid in
            guard pid.allSatisfy(\.isNumber),
                let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), !stat.contains(") Z ")
            else { return false }
            let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            // argv[0] may be the program's full path.
            return arguments.joined(separator: " ").hasSuffix(commandLine)
        }
    }

    @Test func resumeAfterKill9ReusesFinishedOutputs() async throws {
        let server = try await ProviderTestServer.start { request in
            request.lastUserText.hasPrefix("FAST") ? .reply(text: "fast output") : .delay(seconds: 30, then: .reply())
        }
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(
            server,
            tasks: "  fast: { agent: a, description: FAST }\n  slow: { agent: a, description: SLOW, context: [fast] }")
        let process = try launch(["run", folder.path], environment: ["CREW_TEST_KEY": "k"])
        let runs = folder.path + "/.crew/runs"
        try await waitFor { server.requests.contains { $0.lastUserText.hasPrefix("SLOW") } }
        kill(process.processIdentifier, SIGKILL)
        await exited(process)
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs).first)
        #expect(try runJSON(folder)["status"]?.stringValue == "running")  // killed: nobody wrote the end
        server.setScript { _ in .reply(text: "slow output") }
        let resumed = try await cli.crew(["run", folder.path, "--resume", id], environment: ["CREW_TEST_KEY": "k"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(server.requests.filter { $0.lastUserText.hasPrefix("FAST") }.count == 1)
        let run = try runJSON(folder)
        #expect(run["status"]?.stringValue == "succeeded")
        #expect(run["totals"]?["reused"]?.intValue == 1)
        let slowPrompt = try #require(server.requests.last { $0.lastUserText.hasPrefix("SLOW") })
        #expect(slowPrompt.lastUserText.contains("## fast\n\nfast output"))
    }

    @Test func aCanaryKeyAppearsNowhere() async throws {
        let canary = "sk-canary-" + UUID().uuidString
        let server = try await ProviderTestServer.start { request in
            request.lastUserText.hasPrefix("FAIL")
                ? .status(401, message: "Incorrect API key provided: \(canary)") : .reply()
        }
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(
            server,
            tasks:
                "  ok: { agent: a, description: OK, output: { file: out/ok.md } }\n  bad: { agent: a, description: FAIL }"
        )
        var outputs: [String] = []
        for format in [["--json"], [], ["--quiet"]] {
            let out = try await cli.crew(["run", folder.path] + format, environment: ["CREW_TEST_KEY": canary])
            #expect(out.status == 1)
            outputs += [out.stdout, out.stderr]
        }
        let logs = try await cli.crew(["logs", "last", "--runs-dir", folder.path + "/.crew/runs"])
        outputs += [logs.stdout, logs.stderr]
        #expect(outputs.allSatisfy { !$0.contains(canary) })
        #expect(outputs[0].contains("was rejected (401)"))
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        var files = 0
        while let path = enumerator?.nextObject() as? String {
            guard let data = FileManager.default.contents(atPath: folder.path + "/" + path) else { continue }
            files += 1
            #expect(!String(decoding: data, as: UTF8.self).contains(canary), "\(path) holds the key")
        }
        #expect(files > 10)
        #expect(server.requests.allSatisfy { $0.header("authorization") == "Bearer \(canary)" })
    }

    @Test func dryRunShowsMessagesWithoutCallingAnyModel() async throws {
        let server = try await ProviderTestServer.start()
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(
            server,
            tasks:
                "  one: { agent: a, description: \"About {topic}\" }\n  two: { agent: a, description: Next, context: [one] }"
        )
        let out = try await cli.crew(["run", folder.path, "--dry-run", "--input", "topic=waves"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("You are Tester.\n\nYour goal: Test waves"))
        #expect(out.stdout.contains("About waves"))
        #expect(out.stdout.contains("## one\n\n<the output of task `one`>"))
        #expect(server.requests.isEmpty)
    }

    @Test func badInputsStopBeforeAnythingRuns() async throws {
        let server = try await ProviderTestServer.start()
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(server, tasks: "  one: { agent: a, description: \"{topic} x{count}\" }")
        let typed = try await cli.crew(
            ["run", folder.path, "--input", "count=many"], environment: ["CREW_TEST_KEY": "k"])
        #expect(typed.status == 1)
        #expect(typed.stderr.contains("input `count` must be an integer, got `many`"))
        let unknown = try await cli.crew(
            ["run", folder.path, "--input", "topik=x"], environment: ["CREW_TEST_KEY": "k"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown input `topik` (did you mean `topic`?)"))
        let malformed = try await cli.crew(["run", folder.path, "--input", "novalue"])
        #expect(malformed.status == 2)
        #expect(server.requests.isEmpty)
    }

    @Test func recordsCanBeListedShownAndRead() async throws {
        let server = try await ProviderTestServer.start { _ in .reply(text: "the answer") }
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(server, tasks: "  one: { agent: a, description: D }")
        let run = try await cli.crew(["run", folder.path, "--json"], environment: ["CREW_TEST_KEY": "k"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        #expect(lines.first?["type"]?.stringValue == "run_started")
        #expect(lines.last?["type"]?.stringValue == "run_finished")
        let runsDir = folder.path + "/.crew/runs"
        let runs = try await cli.crew(["runs", "--runs-dir", runsDir])
        #expect(runs.stdout.contains("cli-run") && runs.stdout.contains("succeeded"))
        let show = try await cli.crew(["show", "last", "--runs-dir", runsDir])
        #expect(show.stdout.contains("=== one (succeeded)\nthe answer"))
        let logs = try await cli.crew(["logs", "last", "--runs-dir", runsDir, "--follow"])
        #expect(logs.stdout.contains("finished `one`"))
        #expect(try await cli.crew(["show", "nope", "--runs-dir", runsDir]).status == 1)
    }

    @Test func modelsCheckReportsWhatAnswers() async throws {
        let server = try await ProviderTestServer.start { request in
            request.model == "missing" ? .status(404, message: "no such model") : .reply(text: "OK")
        }
        defer { Task { try? await server.shutdown() } }
        let folder = crewFolder(
            server, tasks: "  one: { agent: a, description: D }",
            extra: "defaults: { model: m }\n")
        var yaml = try String(contentsOfFile: folder.path + "/crew.yaml", encoding: .utf8)
        yaml = yaml.replacing(
            "agents:",
            with:
                "  gone: { provider: openai, model: missing, base_url: \"\(server.baseURL)/v1\" }\nagents:\n  b: { role: B, goal: G, model: gone }"
        )
        yaml = yaml.replacing("tasks:\n", with: "tasks:\n  two: { agent: b, description: E }\n")
        folder.write("crew.yaml", yaml)
        let out = try await cli.crew(["models", folder.path, "--check"], environment: ["CREW_TEST_KEY": "k"])
        #expect(out.status == 1, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("ok   m: openai test-model: answered in"))
        #expect(out.stdout.contains("FAIL gone: openai missing"))
        #expect(out.stdout.contains("does not know model `missing` (404)"))
    }
}
