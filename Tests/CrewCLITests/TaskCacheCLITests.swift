import CrewCore
import CrewTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The task cache through the `crew` binary (specs/cache.md), counting the requests that reach the provider test
/// server: what a second run, an edited prompt, a hot model, a tool and a damaged or hostile cache do.
@Suite struct TaskCacheCLITests {
    let cli = CLITests()
    static let key = ["CREW_TEST_KEY": "sk-canary-cache-51c3"]

    /// Each answer names the prompt it answers, so an edited prompt changes the output, and with it the key of every
    /// task downstream.
    static func provider() async throws -> ProviderTestServer {
        try await ProviderTestServer.start { request in
            let prompt = request.lastUserText
            let task = prompt.split(separator: " ").first.map(String.init) ?? "?"
            return .reply(text: "\(task) done: \(Hashing.sha256(prompt).prefix(8))", inputTokens: 100, outputTokens: 20)
        }
    }

    /// `a` → `b` → `c`, and `a` → `d`: editing `b` reaches `c` and not `d`.
    static func crew(
        _ provider: ProviderTestServer, temperature: String = "0", bDescription: String = "B explain",
        extraTask: String = "", tools: String = "", agentTools: String = ""
    ) -> String {
        """
        version: 1
        name: cached
        inputs:
          topic: { type: string }
        models:
          m: { provider: openai, model: gpt-test, base_url: "\(provider.baseURL)/v1", api_key: "${env:CREW_TEST_KEY}", temperature: \(temperature), max_retries: 0, price: { input_per_million: 2, output_per_million: 8 } }
        \(tools)
        agents:
          w: { role: Writer, goal: Write, model: m\(agentTools) }
        tasks:
          a: { agent: w, description: "A research {topic}" }
          b: { agent: w, description: "\(bDescription)", context: [a] }
          c: { agent: w, description: C conclude, context: [b] }
          d: { agent: w, description: D summarize, context: [a] }
        \(extraTask)
        """
    }

    /// The tasks whose prompts reached the server since `from` requests.
    static func asked(_ provider: ProviderTestServer, from: Int) -> [String] {
        provider.requests.dropFirst(from).compactMap { $0.lastUserText.split(separator: " ").first.map(String.init) }
            .sorted()
    }

    func run(_ folder: TemporaryFolder, _ extra: [String] = [], environment: [String: String] = [:]) async throws
        -> CLITests.Output
    {
        try await cli.crew(
            ["run", folder.path + "/crew", "--input", "topic=tides", "--json"] + extra,
            environment: Self.key.merging(environment) { $1 })
    }

    static func events(_ output: CLITests.Output) -> [JSONValue] {
        output.stdout.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
    }

    @Test func anEditedPromptRerunsItsTaskAndWhatDependsOnItOnly() async throws {
        let provider = try await Self.provider()
        defer { Task { try? await provider.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-cache")
        folder.write("crew/crew.yaml", Self.crew(provider))

        let first = try await run(folder, ["--cache"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(Self.asked(provider, from: 0) == ["A", "B", "C", "D"])
        let keys = Self.events(first).filter { $0["type"]?.stringValue == "task_finished" }
        #expect(keys.count == 4 && keys.allSatisfy { $0["cache_key"]?.stringValue?.count == 64 })

        let second = try await run(folder, ["--cache"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(Self.asked(provider, from: 4).isEmpty, "every answer came from the cache")
        let events = Self.events(second)
        #expect(events.filter { $0["type"]?.stringValue == "task_cached" }.count == 4)
        let end = try #require(events.last { $0["type"]?.stringValue == "run_finished" })
        #expect(end["cached"]?.intValue == 4 && end["succeeded"]?.intValue == 4)
        #expect(end["input_tokens"]?.intValue == 0 && end["saved_input_tokens"]?.intValue == 400)
        #expect(end["saved_output_tokens"]?.intValue == 80 && end["saved_cost_usd"]?.doubleValue == 0.00144)
        // The outputs are the first run's, in the record as for any task.
        let id = try #require(events.first?["run_id"]?.stringValue)
        #expect(Record.result(folder.path + "/crew/.crew/runs", id, "c")?["cached"] == .bool(true))
        let show = try await cli.crew(["show", id], environment: Self.key, in: folder.path + "/crew")
        #expect(show.stdout.contains("cached"), "\(show.stdout)")
        let firstOutputs = Self.outputs(first, folder)
        #expect(!firstOutputs.isEmpty && Self.outputs(second, folder) == firstOutputs)

        // One prompt in the middle edited: that task and its downstream run again, nothing else.
        folder.write("crew/crew.yaml", Self.crew(provider, bDescription: "B explain in depth"))
        // `crew plan` says so first, calling no model.
        let plan = try await cli.crew(
            ["plan", folder.path + "/crew", "--input", "topic=tides", "--cache", "--json"], environment: Self.key)
        #expect(plan.status == 0, "\(plan.stderr)")
        let decisions = try JSONParser.parse(Array(plan.stdout.utf8))["tasks"]?.arrayValue ?? []
        #expect(
            decisions.map { "\($0["task"]?.stringValue ?? ""):\($0["decision"]?.stringValue ?? "")" }
                == ["a:cached", "b:runs", "c:runs", "d:cached"])
        #expect(decisions[2]["reason"]?.stringValue == "upstream `b` runs")
        #expect(provider.requests.count == 4, "a plan calls no model")
        let third = try await run(folder, ["--cache"])
        #expect(third.status == 0, "\(third.stderr)")
        #expect(Self.asked(provider, from: 4) == ["B", "C"])
        let cached = Self.events(third).filter { $0["type"]?.stringValue == "task_cached" }.compactMap {
            $0["task"]?.stringValue
        }
        #expect(cached.sorted() == ["a", "d"])

        // Without --cache, nothing is read.
        _ = try await run(folder, [])
        #expect(Self.asked(provider, from: 6).count == 4)
    }

    @Test func aHotModelOrAToolIsCachedOnlyWhenTheTaskAsks() async throws {
        let provider = try await Self.provider()
        defer { Task { try? await provider.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-cache-hot")
        folder.write("crew/crew.yaml", Self.crew(provider, temperature: "0.7"))
        let first = try await run(folder, ["--cache"])
        let skipped = Self.events(first).filter { $0["type"]?.stringValue == "task_finished" }
        #expect(
            skipped.allSatisfy {
                $0["cache_skipped"]?.stringValue?.contains("temperature 0.7; set `cache: true` on the task") == true
            }, "\(skipped)")
        _ = try await run(folder, ["--cache"])
        #expect(Self.asked(provider, from: 0).count == 8, "nothing was cached")

        // `cache: true` on a task is the explicit ask, with or without --cache; `cache: false` wins over --cache.
        var yaml = Self.crew(provider, temperature: "0.7")
        yaml = yaml.replacingOccurrences(
            of: #"description: "A research {topic}" }"#, with: #"description: "A research {topic}", cache: true }"#)
        folder.write("crew/crew.yaml", yaml)
        _ = try await run(folder, [])
        _ = try await run(folder, [])
        #expect(Self.asked(provider, from: 8).filter { $0 == "A" }.count == 1, "the second `a` was a hit")

        // A task whose agent has an http tool is not sound to cache by default.
        let tools = "tools:\n  web: { type: http, allow: [\"https://example.com/*\"] }"
        folder.write("crew/crew.yaml", Self.crew(provider, tools: tools, agentTools: ", tools: [web]"))
        let withTool = try await run(folder, ["--cache"])
        #expect(
            Self.events(withTool).contains {
                $0["cache_skipped"]?.stringValue?.contains("tool `web` may answer differently") == true
            })
    }

    /// A damaged entry is a miss and is replaced; a link where the cache folder should be is not followed; nothing
    /// in the cache holds the key.
    @Test func aDamagedOrHostileCacheIsAMissNeverAFailure() async throws {
        let provider = try await Self.provider()
        defer { Task { try? await provider.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-cache-bad")
        folder.write("crew/crew.yaml", Self.crew(provider))
        let stored = try await run(folder, ["--cache"])
        #expect(stored.status == 0, "\(stored.stderr)")
        let cache = folder.path + "/crew/.crew/cache/tasks"
        let entries = try Self.entries(cache)
        try #require(entries.count == 4)
        for entry in entries {
            let text = try String(contentsOfFile: entry, encoding: .utf8)
            #expect(!text.contains("sk-canary-cache"), "the key is in \(entry)")
        }
        // Damage: truncated JSON, another key, and a FIFO in place of an entry.
        try "{\"format\": \"crew-task-cache\", \"out".write(toFile: entries[0], atomically: true, encoding: .utf8)
        var other = try String(contentsOfFile: entries[1], encoding: .utf8)
        other = other.replacingOccurrences(of: "\"key\": \"", with: "\"key\": \"0")
        try other.write(toFile: entries[1], atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: entries[2])
        #expect(mkfifo(entries[2], 0o644) == 0)
        let damaged = try await run(folder, ["--cache"])
        #expect(damaged.status == 0, "\(damaged.stderr)")
        #expect(Self.asked(provider, from: 4).count == 3, "three misses, one hit")
        #expect(
            try Self.entries(cache).allSatisfy {
                (try? JSONParser.parse(Array(Data(contentsOf: URL(fileURLWithPath: $0))))) != nil
            })

        // A link planted at the cache folder: the run goes on without a cache and writes nothing through it.
        let elsewhere = TemporaryFolder(prefix: "crew-cache-elsewhere")
        try FileManager.default.removeItem(atPath: cache)
        try FileManager.default.createSymbolicLink(atPath: cache, withDestinationPath: elsewhere.path)
        let linked = try await run(folder, ["--cache"])
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }

    /// Two runs at once sharing a `--cache-dir` both finish, and leave one readable entry per key.
    @Test func twoRunsAtOnceShareACacheFolder() async throws {
        let provider = try await Self.provider()
        defer { Task { try? await provider.shutdown() } }
        let shared = TemporaryFolder(prefix: "crew-cache-shared")
        let one = TemporaryFolder(prefix: "crew-cache-one")
        let two = TemporaryFolder(prefix: "crew-cache-two")
        one.write("crew/crew.yaml", Self.crew(provider))
        two.write("crew/crew.yaml", Self.crew(provider))
        async let first = run(one, ["--cache", "--cache-dir", shared.path])
        async let second = run(two, ["--cache", "--cache-dir", shared.path])
        let (a, b) = try await (first, second)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        let entries = try Self.entries(shared.path)
        #expect(entries.count == 4)
        // A third crew folder with the same crew is answered from the shared folder alone.
        let three = TemporaryFolder(prefix: "crew-cache-three")
        three.write("crew/crew.yaml", Self.crew(provider))
        let before = provider.requests.count
        #expect(try await run(three, ["--cache", "--cache-dir", shared.path]).status == 0)
        #expect(provider.requests.count == before)
    }

    /// An answer holding the run's key (a model that was somehow given it) is recorded, scrubbed as ever, but never
    /// kept in a cache another run may read.
    @Test func anAnswerHoldingASecretIsNotCached() async throws {
        let canary = Self.key["CREW_TEST_KEY"] ?? ""
        let provider = try await ProviderTestServer.start { request in
            let task = request.lastUserText.split(separator: " ").first.map(String.init) ?? "?"
            return .reply(text: task == "D" ? "the key is \(canary)" : "\(task) done")
        }
        defer { Task { try? await provider.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-cache-secret")
        folder.write("crew/crew.yaml", Self.crew(provider))
        let output = try await run(folder, ["--cache"])
        #expect(output.status == 0, "\(output.stderr)")
        let entries = try Self.entries(folder.path + "/crew/.crew/cache/tasks")
        #expect(entries.count == 3)
        for entry in entries {
            #expect(!(try String(contentsOfFile: entry, encoding: .utf8)).contains(canary))
        }
    }

    static func entries(_ folder: String) throws -> [String] {
        let found = FileManager.default.enumerator(atPath: folder)
        var paths: [String] = []
        while let name = found?.nextObject() as? String {
            if name.hasSuffix(".json") { paths.append(folder + "/" + name) }
        }
        return paths.sorted()
    }

    /// Each task's recorded output in the run that `output` printed.
    static func outputs(_ output: CLITests.Output, _ folder: TemporaryFolder) -> [String: String] {
        guard let id = events(output).first?["run_id"]?.stringValue else { return [:] }
        var outputs: [String: String] = [:]
        for task in ["a", "b", "c", "d"] {
            let path = folder.path + "/crew/.crew/runs/\(id)/tasks/\(task)/output.md"
            outputs[task] = try? String(contentsOfFile: path, encoding: .utf8)
        }
        return outputs
    }
}
