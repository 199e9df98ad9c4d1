import CrewCore
import CrewDocuments
import CrewKit
import CrewRuntime
import CrewTestSupport
import Foundation

/// `crew-bench concurrent`: many runs at once in one process, through the library as `crew serve` runs them (one
/// engine, one HTTP client). The provider test server runs in a child process (`crew-bench provider`), so this
/// process's CPU time and peak memory are crew's alone.
enum ConcurrentBench {
    static func main(runs: Int, tasks: Int, latencies: [Int]) async throws {
        for latency in latencies {
            let provider = try ProviderChild(latencyMS: latency)
            defer { provider.stop() }
            let engine = CrewEngine(configuration: CrewEngine.Configuration(environment: ["BENCH_KEY": "k"]))
            let folder = TemporaryFolder(prefix: "crew-bench-concurrent")
            let path = folder.write("crew/crew.yaml", chain(tasks, baseURL: provider.baseURL))
            let compiled = engine.compile(path: path)
            guard compiled.succeeded else { throw BenchError("crew invalid") }
            let runnable = try await engine.runnable(compiled)
            // One run first, so that one-time costs (the connection pool, lazy metadata) are not counted per task.
            _ = try await run(engine, runnable, folder: folder)
            let before = Usage.now()
            let start = DispatchTime.now().uptimeNanoseconds
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<runs { group.addTask { try await run(engine, runnable, folder: folder) } }
                try await group.waitForAll()
            }
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let used = Usage.now()
            let cpu = used.cpu - before.cpu
            let count = Double(runs * tasks)
            print(
                "\(runs) concurrent runs of a \(tasks)-task chain, \(latency) ms per request: wall \(ms(wall)) "
                    + "(ideal \(ms(Double(tasks * latency) / 1000))), CPU \(ms(cpu)) = "
                    + String(
                        format: "%.3f ms per task (user %.3f, system %.3f)", cpu / count * 1000,
                        (used.user - before.user) / count * 1000, (used.system - before.system) / count * 1000)
                    + ", peak RSS \(used.maxRSSKiB / 1024) MiB")
            await engine.shutdown()
        }
    }

    static func run(_ engine: CrewEngine, _ runnable: RunnablePlan, folder: TemporaryFolder) async throws {
        var options = RunOptions()
        options.runsFolder = ConfinedPath(base: folder.path + "/runs")
        options.outputFolder = folder.path
        let outcome = try await engine.start(runnable, inputs: [:], options: options).result()
        guard outcome.status == .succeeded else { throw BenchError("run \(outcome.status)") }
    }

    static func chain(_ count: Int, baseURL: String) -> String {
        var yaml = RunBench.header(baseURL: baseURL, maxParallel: 1)
        for i in 0..<count {
            yaml += "  t\(i): { agent: a, description: \"Step \(i)\"\(i > 0 ? ", context: [t\(i - 1)]" : "") }\n"
        }
        return yaml
    }

    /// `crew-bench provider --latency MS`: the provider test server, answering "done" after `MS`; prints its port,
    /// then serves until its standard input closes (its parent ended).
    static func serveProvider(latencyMS: Int) async throws {
        let delay = Double(latencyMS) / 1000
        let server = try await ProviderTestServer.start { _ in
            delay > 0
                ? .delay(seconds: delay, then: .reply(text: "done", inputTokens: 10, outputTokens: 1))
                : .reply(text: "done", inputTokens: 10, outputTokens: 1)
        }
        FileHandle.standardOutput.write(Data("\(server.port)\n".utf8))
        // Read on a thread of its own: async code runs on the event loops, which a blocking read would stall.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                while readLine() != nil {}
                done.resume()
            }
        }
        try await server.shutdown()
    }
}

/// The provider test server in a child process of this binary.
struct ProviderChild {
    let process = Process()
    let input = Pipe()
    let baseURL: String

    init(latencyMS: Int) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["provider", "--latency", String(latencyMS)]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        guard let line = String(data: output.fileHandleForReading.availableData, encoding: .utf8),
            let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw BenchError("the provider server did not start") }
        baseURL = "http://127.0.0.1:\(port)"
    }

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// This process's CPU time and peak memory so far.
struct Usage {
    var user: Double
    var system: Double
    var maxRSSKiB: Int
    var cpu: Double { user + system }

    static func now() -> Usage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return Usage(user: seconds(usage.ru_utime), system: seconds(usage.ru_stime), maxRSSKiB: usage.ru_maxrss)
    }
}
