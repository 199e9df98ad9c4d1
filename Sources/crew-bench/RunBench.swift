import CrewBuild
import CrewCore
import CrewDocuments
import CrewKit
import CrewProviders
import CrewRuntime
import CrewTestSupport
import Foundation

/// `crew-bench run`: the executor's own overhead against the provider test server, and a fan-out's wall time, through
/// the library facade as a server would call it (one engine, so one HTTP client, for every run).
enum RunBench {
    static let engine = CrewEngine(configuration: CrewEngine.Configuration(environment: ["BENCH_KEY": "k"]))

    static func chainYAML(_ count: Int, baseURL: String) -> String {
        var yaml = header(baseURL: baseURL, maxParallel: 8)
        for i in 0..<count {
            yaml += "  t\(i): { agent: a, description: \"Step \(i)\"\(i > 0 ? ", context: [t\(i - 1)]" : "") }\n"
        }
        return yaml
    }

    static func fanOutYAML(_ width: Int, baseURL: String) -> String {
        var yaml = header(baseURL: baseURL, maxParallel: width)
        yaml += "  start: { agent: a, description: Start }\n"
        for i in 0..<width { yaml += "  w\(i): { agent: a, description: \"Work \(i)\", context: [start] }\n" }
        yaml +=
            "  end: { agent: a, description: End, context: [\((0..<width).map { "w\($0)" }.joined(separator: ", "))] }\n"
        return yaml
    }

    static func header(baseURL: String, maxParallel: Int) -> String {
        """
        version: 1
        name: bench
        models:
          m: { provider: openai, model: bench, base_url: "\(baseURL)/v1", api_key: "${env:BENCH_KEY}" }
        agents:
          a: { role: Worker, goal: Work }
        defaults: { max_parallel: \(maxParallel) }
        tasks:

        """
    }

    /// Runs a crew in this process; returns the wall time in seconds.
    static func runInProcess(_ yaml: String, folder: TemporaryFolder, stream: Bool, at crew: String? = nil)
        async throws -> Double
    {
        let relative = crew.map { String($0.dropFirst(folder.path.count + 1)) } ?? "crew-\(UUID().uuidString.prefix(6))"
        let path = folder.write(relative + "/crew.yaml", yaml)
        let compiled = engine.compile(path: path)
        guard compiled.succeeded else { throw BenchError("crew invalid") }
        var runnable = try await engine.runnable(compiled)
        runnable.baseFolder = crew ?? folder.path
        var options = RunOptions()
        options.runsFolder = ConfinedPath(base: folder.path + "/runs")
        options.outputFolder = folder.path
        options.stream = stream
        let start = DispatchTime.now().uptimeNanoseconds
        let outcome = try await engine.start(runnable, inputs: [:], options: options).result()
        guard outcome.status == .succeeded else { throw BenchError("run \(outcome.status)") }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func main(runs: Int) async throws {
        // A short fixed answer: the default echo would make each prompt of a chain carry all earlier ones.
        let server = try await ProviderTestServer.start { _ in .reply(text: "done", inputTokens: 10, outputTokens: 1) }
        let folder = TemporaryFolder(prefix: "crew-bench-run")
        defer { _ = Task { try? await server.shutdown() } }
        let chain = chainYAML(200, baseURL: server.baseURL)
        for stream in [false, true] {
            var times: [Double] = []
            for _ in 0..<runs { times.append(try await runInProcess(chain, folder: folder, stream: stream)) }
            let best = median(times)
            print(
                "chain of 200 tasks, server without latency, \(stream ? "streamed" : "whole answers"): "
                    + "median \(ms(best)), \(String(format: "%.2f", best / 200 * 1000)) ms per task "
                    + "(HTTP round trip on loopback, record writes and scheduling included)")
        }
        let replies = (0..<200).map { "t\($0): done" }.joined(separator: ", ")
        let mock = chain.replacing(
            #"{ provider: openai, model: bench, base_url: "\#(server.baseURL)/v1", api_key: "${env:BENCH_KEY}" }"#,
            with: "{ provider: mock, replies: { \(replies) } }")
        var mockTimes: [Double] = []
        for _ in 0..<runs { mockTimes.append(try await runInProcess(mock, folder: folder, stream: false)) }
        print(
            "chain of 200 tasks, mock provider (no HTTP): median \(ms(median(mockTimes))), "
                + "\(String(format: "%.3f", median(mockTimes) / 200 * 1000)) ms per task of pure orchestration")
        try KitCases.main(runs: runs)
        try await toolLoop(server: server, folder: folder, runs: runs)
        server.setScript { _ in .delay(seconds: 0.2, then: .reply()) }
        var fanTimes: [Double] = []
        for _ in 0..<runs {
            fanTimes.append(
                try await runInProcess(fanOutYAML(16, baseURL: server.baseURL), folder: folder, stream: true))
        }
        let fan = median(fanTimes)
        print(
            "fan-out 1 -> 16 -> 1, 200 ms per request: median \(ms(fan)) = \(String(format: "%.1f", (fan / 0.6 - 1) * 100))% over 3 x 200 ms; "
                + "server saw at most \(server.maxInFlight) requests at once")
        try await server.shutdown()
    }
}

extension RunBench {
    /// The agent loop's own cost: every task of a 200-task chain makes one round of `calls` file-tool reads (two
    /// model requests per task), against the same chain answering in one request.
    static func toolLoop(server: ProviderTestServer, folder: TemporaryFolder, runs: Int) async throws {
        let plainChain = chainYAML(200, baseURL: server.baseURL)
        var plainTimes: [Double] = []
        for _ in 0..<runs { plainTimes.append(try await runInProcess(plainChain, folder: folder, stream: false)) }
        for calls in [1, 4] {
            server.setScript { request in
                guard request.toolResults.isEmpty else { return .reply(text: "done", inputTokens: 10, outputTokens: 1) }
                let read = #"{"operation": "read", "path": "notes.md"}"#
                return .toolCalls((0..<calls).map { ScriptedToolCall(id: "c\($0)", name: "notes", arguments: read) })
            }
            let yaml = plainChain.replacing(
                "agents:\n  a: { role: Worker, goal: Work }",
                with:
                    "tools:\n  notes: { type: file, root: . }\nagents:\n  a: { role: Worker, goal: Work, tools: [notes] }"
            )
            var times: [Double] = []
            for _ in 0..<runs {
                let crew = folder.path + "/tools-\(UUID().uuidString.prefix(6))"
                folder.write(String(crew.dropFirst(folder.path.count + 1)) + "/notes.md", "Spring tides.\n")
                times.append(try await runInProcess(yaml, folder: folder, stream: false, at: crew))
            }
            let perTask = (median(times) - median(plainTimes)) / 200 * 1000
            print(
                "chain of 200 tasks, each with one round of \(calls) file-tool call\(calls == 1 ? "" : "s"): median "
                    + "\(ms(median(times))); \(String(format: "%.2f", perTask)) ms per task over the one-request chain "
                    + "(a second HTTP request, the calls, two more record writes)")
        }
        server.setScript { _ in .reply(text: "done", inputTokens: 10, outputTokens: 1) }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
