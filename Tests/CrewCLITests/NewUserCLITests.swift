import CrewCore
import CrewDocuments
import CrewTestSupport
import Foundation
import Testing

/// The rough edges a new user meets (issue 12): the answer printed at the end, `--json` answers, `--quiet`,
/// `--input name=@file`, the crew PATH for `runs`/`show`/`logs`, a resume after the crew changed, totals across
/// attempts, `crew init`'s `.gitignore`, a refused connection, the built-in prices.
@Suite struct NewUserCLITests {
    let cli = CLITests()
    let key = ["CREW_TEST_KEY": "k"]

    func crew(_ server: ProviderTestServer, model: String = "test-model", tasks: String? = nil) -> TemporaryFolder {
        let folder = TemporaryFolder(prefix: "crew-new-user")
        folder.write(
            "crew/crew.yaml",
            """
            version: 1
            name: new-user
            inputs: { notes: { type: string, default: none } }
            models:
              m: { provider: openai, model: \(model), base_url: "\(server.baseURL)/v1", api_key: "${env:CREW_TEST_KEY}", max_retries: 0 }
            agents:
              a: { role: Tester, goal: "Read {notes}" }
            tasks:
            \(tasks ?? "  first: { agent: a, description: FIRST }\n  last: { agent: a, description: LAST, context: [first] }")

            """)
        return folder
    }

    @Test func theLastTasksAnswerIsPrintedAndJSONEventsCarryAnswers() async throws {
        let server = try await ProviderTestServer.start { request in
            .reply(text: request.lastUserText.contains("LAST") ? "the final answer\u{1B}[2J" : "first answer")
        }
        defer { Task { try? await server.shutdown() } }
        let folder = crew(server)
        let run = try await cli.crew(["run", folder.path + "/crew"], environment: key)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("── output of `last` ──\nthe final answer"))
        #expect(!run.stdout.contains("\u{1B}[2J"))  // a model's escape sequence never reaches the terminal
        // The summary after it: a row per task and the total, columns aligned, no trailing spaces.
        let table = Array(run.stdout.split(separator: "\n").drop { !$0.hasPrefix("task ") }.prefix(4))
        #expect(table.count == 4 && table.allSatisfy { !$0.hasSuffix(" ") }, "\(run.stdout)")
        let status = try #require(table.first?.range(of: "status")).lowerBound
        let column = table[0].distance(from: table[0].startIndex, to: status)
        #expect(table.dropFirst().allSatisfy { $0.dropFirst(column).hasPrefix("succeeded") }, "\(table)")
        #expect(table[1].hasPrefix("first ") && table[2].hasPrefix("last ") && table[3].hasPrefix("total "))
        let json = try await cli.crew(["run", folder.path + "/crew", "--json"], environment: key)
        let finished = json.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
            .filter { $0["type"]?.stringValue == "task_finished" }
        #expect(
            finished.compactMap { $0["output_text"]?.stringValue }.sorted() == [
                "first answer", "the final answer\u{1B}[2J",
            ])
        // events.jsonl itself is unchanged: the answer stays in its own file.
        let quiet = try await cli.crew(["run", folder.path + "/crew", "--quiet"], environment: key)
        #expect(quiet.status == 0)
        #expect(quiet.stdout.hasPrefix("run ") && quiet.stdout.hasSuffix(": succeeded\n"), "\(quiet.stdout)")
        #expect(quiet.stdout.split(separator: "\n").count == 1)
    }

    @Test func anInputIsReadFromAFileWithAt() async throws {
        let server = try await ProviderTestServer.start { _ in .reply(text: "ok") }
        defer { Task { try? await server.shutdown() } }
        let folder = crew(server, tasks: "  only: { agent: a, description: ONLY }")
        folder.write("brief.md", "notes from a file\nline two\n")
        let run = try await cli.crew(
            ["run", folder.path + "/crew", "--input", "notes=@\(folder.path)/brief.md", "--quiet"], environment: key)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(server.requests.first?.systemText?.contains("Read notes from a file\nline two") == true)
        let literal = try await cli.crew(
            ["run", folder.path + "/crew", "--input", "notes=@@handle", "--quiet"], environment: key)
        #expect(literal.status == 0)
        #expect(server.requests.last?.systemText?.contains("Read @handle") == true)
        let missing = try await cli.crew(
            ["run", folder.path + "/crew", "--input", "notes=@\(folder.path)/nope.md"], environment: key)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read the input file") && missing.stderr.contains("nope.md"))
    }

    @Test func runsShowAndLogsTakeTheCrewsPath() async throws {
        let server = try await ProviderTestServer.start { _ in .reply(text: "the answer") }
        defer { Task { try? await server.shutdown() } }
        let folder = crew(server, tasks: "  only: { agent: a, description: ONLY }")
        #expect(try await cli.crew(["run", folder.path + "/crew", "--quiet"], environment: key).status == 0)
        let runs = try await cli.crew(["runs", folder.path + "/crew"])
        #expect(runs.stdout.contains("new-user") && runs.stdout.contains("succeeded"), "\(runs.stdout)")
        let show = try await cli.crew(["show", folder.path + "/crew", "last"])
        #expect(show.stdout.contains("=== only (succeeded)\nthe answer"), "\(show.stdout)\(show.stderr)")
        let logs = try await cli.crew(["logs", folder.path + "/crew/crew.yaml", "last"])
        #expect(logs.stdout.contains("finished `only`"), "\(logs.stdout)\(logs.stderr)")
        let both = try await cli.crew(["runs", folder.path + "/crew", "--runs-dir", folder.path])
        #expect(both.status == 2)
    }

    @Test func aResumeAfterTheCrewChangedIsRefusedUnlessAskedAnywayAndTotalsAddUp() async throws {
        let server = try await ProviderTestServer.start { request in
            request.lastUserText.contains("LAST")
                ? .status(500) : .reply(text: "first", inputTokens: 100, outputTokens: 10)
        }
        defer { Task { try? await server.shutdown() } }
        let folder = crew(server, model: "gpt-4o-mini")
        let failed = try await cli.crew(["run", folder.path + "/crew", "--quiet"], environment: key)
        #expect(failed.status == 1)
        let crewFile = folder.path + "/crew/crew.yaml"
        let text = try String(contentsOfFile: crewFile, encoding: .utf8)
        try text.replacingOccurrences(of: "Read {notes}", with: "Read {notes} carefully")
            .write(toFile: crewFile, atomically: true, encoding: .utf8)
        server.setScript { _ in .reply(text: "last", inputTokens: 50, outputTokens: 5) }
        let refused = try await cli.crew(["run", folder.path + "/crew", "--resume", "last"], environment: key)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("R523") && refused.stderr.contains("--resume-anyway"), "\(refused.stderr)")
        let resumed = try await cli.crew(
            ["run", folder.path + "/crew", "--resume", "last", "--resume-anyway"], environment: key)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("total (2 attempts)"), "\(resumed.stdout)")
        let runs = folder.path + "/crew/.crew/runs"
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs).first)
        let data = try #require(FileManager.default.contents(atPath: runs + "/" + id + "/run.json"))
        let totals = try #require(try JSONParser.parse(Array(data))["totals"])
        // 100 + 50 in, 10 + 5 out, at the built-in price of gpt-4o-mini ($0.15 / $0.60 per million).
        #expect(totals["input_tokens"]?.intValue == 150 && totals["output_tokens"]?.intValue == 15)
        let cost = try #require(totals["cost_usd"]?.doubleValue)
        #expect(abs(cost - (150 * 0.15 + 15 * 0.60) / 1e6) < 1e-6)  // run.json rounds to 6 decimals
    }

    @Test func initLeavesCrewsRecordsOutOfGit() async throws {
        let folder = TemporaryFolder(prefix: "crew-init-ignore")
        #expect(try await cli.crew(["init", folder.path + "/fresh"]).status == 0)
        #expect(try String(contentsOfFile: folder.path + "/fresh/.gitignore", encoding: .utf8).contains(".crew/\n"))
        folder.write("mine/.gitignore", "node_modules/")
        #expect(try await cli.crew(["init", folder.path + "/mine"]).status == 0)
        #expect(
            try String(contentsOfFile: folder.path + "/mine/.gitignore", encoding: .utf8).hasPrefix("node_modules/\n#"))
        folder.write("kept/.gitignore", "/.crew\n")
        #expect(try await cli.crew(["init", folder.path + "/kept"]).status == 0)
        #expect(try String(contentsOfFile: folder.path + "/kept/.gitignore", encoding: .utf8) == "/.crew\n")
    }

    /// A tool named as the delegation tool clashes with it for every agent that delegates: the run stops before any
    /// request, naming each agent once, in order, whatever order the crew file lists them in.
    @Test func toolNameClashesStopTheRunInAgentOrder() async throws {
        let folder = TemporaryFolder(prefix: "crew-clash")
        folder.write(
            "crew.yaml",
            """
            version: 1
            name: clash
            models: { m: { provider: mock } }
            tools:
              ask_agent: { type: command, program: /bin/echo, args: [hi] }
            agents:
              zed: { role: Z, goal: G, tools: [ask_agent], delegate_to: [helper] }
              amy: { role: A, goal: G, tools: [ask_agent], delegate_to: [helper] }
              helper: { role: H, goal: G }
            tasks:
              t: { agent: zed, description: D }
              u: { agent: amy, description: D }
            """)
        let run = try await cli.crew(["run", folder.path, "--quiet"])
        #expect(run.status == 1)
        let lines = run.stderr.split(separator: "\n").filter { $0.contains("would see two tools named `ask_agent`") }
        #expect(lines.count == 2, "\(run.stderr)")
        #expect(lines.first?.contains("agent `amy`") == true && lines.last?.contains("agent `zed`") == true)
    }

    @Test func aRefusedConnectionFailsWithAPlainMessage() async throws {
        let port = try LocalPorts.free()
        let folder = TemporaryFolder(prefix: "crew-refused")
        folder.write(
            "crew.yaml",
            """
            version: 1
            name: refused
            models:
              m: { provider: openai, model: gpt-test, base_url: "http://127.0.0.1:\(port)/v1", api_key: "${env:CREW_TEST_KEY}", max_retries: 1 }
            agents:
              a: { role: Tester, goal: Test }
            tasks:
              only: { agent: a, description: ONLY }
            """)
        let run = try await cli.crew(["run", folder.path, "--quiet"], environment: key)
        #expect(run.status == 1)
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/.crew/runs").first)
        let result = Record.result(folder.path + "/.crew/runs", id, "only")?["error"]?.stringValue ?? ""
        #expect(result.contains("connection refused"), "\(result)")
        #expect(!result.contains("errno") && !result.contains("error set"), "\(result)")
    }

    @Test func theBuiltInPricesMatchTheLongestPrefix() {
        #expect(PriceTable.price(provider: .openai, model: "gpt-4o-mini-2024-07-18")! == (0.15, 0.60))
        #expect(PriceTable.price(provider: .openai, model: "gpt-4o-2024-11-20")! == (2.50, 10.00))
        #expect(PriceTable.price(provider: .openai, model: "gpt-4o-2024-05-13")! == (5.00, 15.00))
        #expect(PriceTable.price(provider: .anthropic, model: "claude-opus-4-20250514")! == (15.00, 75.00))
        #expect(PriceTable.price(provider: .anthropic, model: "claude-opus-4-5-20251101")! == (5.00, 25.00))
        #expect(PriceTable.price(provider: .gemini, model: "models/gemini-2.5-flash-lite")! == (0.10, 0.40))
        #expect(PriceTable.price(provider: .openai, model: "claude-opus-4") == nil)  // the provider must match
        #expect(PriceTable.price(provider: .ollama, model: "gpt-4o") == nil)
        var model = ModelDefinition(name: "m", provider: .openai, model: "gpt-4o")
        model.price = (1, 2)
        #expect(model.effectivePrice! == (1, 2))  // a model's own price wins
    }

    /// Prices are remembered by provider and model, within a bound: asking again, after many other names, from many
    /// tasks at once, gives what the table says.
    @Test func pricesAreRememberedWithinABound() async {
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<400 {
                        let suffix = "-\(worker)-\(index)"
                        #expect(PriceTable.price(provider: .openai, model: "gpt-4o-mini" + suffix)! == (0.15, 0.60))
                        #expect(PriceTable.price(provider: .ollama, model: "gpt-4o-mini" + suffix) == nil)
                    }
                }
            }
        }
        #expect(PriceTable.price(provider: .openai, model: "gpt-4o-mini-2024-07-18")! == (0.15, 0.60))
        #expect(PriceTable.price(provider: .openai, model: "gpt-4o-mini-2024-07-18")! == (0.15, 0.60))
        #expect(PriceTable.price(provider: .anthropic, model: "gpt-4o-mini-2024-07-18") == nil)
    }
}
