import CrewBuild
import CrewCore
import CrewKit
import CrewPlanner
import CrewSpec
import CrewTestSupport
import Foundation

// crew-bench: the compiler's speed and memory, measured on this machine.
//   crew-bench compile [--tasks N] [--agents N] [--edges N] [--runs N]
//   crew-bench startup [--runs N]
//   crew-bench run [--runs N]
//   crew-bench kit [--runs 3]
//   crew-bench concurrent [--runs 100] [--tasks 5] [--pool]
//   crew-bench serve [--runs 100] [--latency 200] [--seconds 10] (needs wrk; builds next to `crew`)
//   crew-bench bm25 (data from Benchmarks/bm25/make_corpus.py)
//   crew-bench vectors (data from Benchmarks/vectors/make_data.py)
// Build it in release: `swift run -c release crew-bench compile`.

// As `crew run` does: async code runs on NIO's event loops, so the library is measured as it runs in the product;
// `--pool` keeps Swift's cooperative pool, as `crew serve` does, and so does `serve` (it waits on wrk).
if !CommandLine.arguments.contains("--pool"), CommandLine.arguments.dropFirst().first != "serve" {
    EventLoopJobs.takeOver()
}

let arguments = Array(CommandLine.arguments.dropFirst())

let usage = """
    usage: crew-bench compile [--tasks N] [--agents N] [--edges N] [--runs N]   the compiler on a generated crew
           crew-bench startup [--runs N]                                        `crew --version` and `crew validate`
           crew-bench run [--runs N]                                            `crew run` on the provider test server
           crew-bench kit [--runs 3]                                            the orchestration kit's two cases
           crew-bench concurrent [--runs 100] [--tasks 5] [--pool]              many runs at once in one process
           crew-bench serve [--runs 100] [--latency 200] [--seconds 10]         `crew serve` under wrk (needs wrk)
           crew-bench bm25 [options]                                            BM25 (Benchmarks/bm25/make_corpus.py)
           crew-bench vectors [options] [--cold]                                vector search (Benchmarks/vectors)
    """

func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: "--\(name)"), index + 1 < arguments.count,
        let value = Int(arguments[index + 1])
    else { return fallback }
    return value
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
func ms(_ s: Double) -> String { String(format: "%.1f ms", s * 1000) }

/// Runs a program and returns its wall time, CPU time (user + system), peak resident memory and voluntary context
/// switches (threads handing work to each other), from wait4's rusage.
func measureProcess(_ path: String, _ args: [String], environment: [String] = [])
    -> (seconds: Double, maxRSSKiB: Int, status: Int32, cpu: Double, switches: Int)
{
    var pid: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let start = DispatchTime.now().uptimeNanoseconds
    var env: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) }
    var index = 0
    while let entry = environ[index] {
        env.append(strdup(entry))
        index += 1
    }
    env.append(nil)
    defer { env.forEach { free($0) } }
    guard posix_spawn(&pid, path, &actions, nil, argv, env) == 0 else { return (0, 0, -1, 0, 0) }
    var status: Int32 = 0
    var usage = rusage()
    _ = wait4(pid, &status, 0, &usage)
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let cpu = [usage.ru_utime, usage.ru_stime].reduce(0) { $0 + Double($1.tv_sec) + Double($1.tv_usec) / 1e6 }
    return (elapsed, Int(usage.ru_maxrss), (status >> 8) & 0xFF, cpu, Int(usage.ru_nvcsw))
}

func crewBinary() -> String {
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    return me.deletingLastPathComponent().appendingPathComponent("crew").path
}

func benchCompile() throws {
    let tasks = option("tasks", 10_000)
    let generator = CrewGenerator(tasks: tasks, agents: option("agents", 50), edgesPerTask: option("edges", 3))
    let folder = TemporaryFolder(prefix: "crew-bench")
    let yaml = generator.yaml()
    let path = folder.write("crew.yaml", yaml)
    print(
        "crew: \(tasks) tasks, \(generator.agents) agents, ~\(generator.edgesPerTask) context edges per task, "
            + "\(yaml.utf8.count / 1024) KiB of YAML")
    var stages: [String: [Double]] = [:]
    for _ in 0..<option("runs", 5) {
        var loaded: CrewLoader.Output?
        var validated: ValidatedCrew?
        var plan: Plan?
        stages["load (parse + decode)", default: []].append(seconds { loaded = CrewLoader().load(path: path) })
        stages["validate", default: []].append(
            seconds { validated = Validator.validate(loaded!.crew!, sources: loaded!.sources).0 })
        stages["plan", default: []].append(seconds { plan = Planner.plan(validated!) })
        stages["encode + write artifact", default: []].append(
            try seconds {
                let artifact = Artifact(
                    validated: validated!, plan: plan!, inputFiles: Artifact.inputFiles(for: validated!))
                try artifact.write(to: ConfinedPath(base: folder.path + "/out"))
            })
    }
    var total = 0.0
    for stage in ["load (parse + decode)", "validate", "plan", "encode + write artifact"] {
        let value = median(stages[stage]!)
        total += value
        print("  \(stage.padding(toLength: 26, withPad: " ", startingAt: 0)) \(ms(value))")
    }
    print("  in-process total (median of stages): \(ms(total))")
    let binary = crewBinary()
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        return print("  (no crew binary next to crew-bench)")
    }
    let runs = (0..<option("runs", 5)).map { _ in
        measureProcess(binary, ["build", path, "-o", folder.path + "/cli-out"])
    }
    print(
        "  `crew build` as a process: median \(ms(median(runs.map(\.seconds)))), "
            + "peak RSS \(runs.map(\.maxRSSKiB).max()! / 1024) MiB, exit \(runs[0].status)")
}

func benchStartup() {
    let binary = crewBinary()
    let runs = (0..<option("runs", 50)).map { _ in measureProcess(binary, ["--version"]) }
    let times = runs.map(\.seconds)
    print(
        "`crew --version`: median \(ms(median(times))), min \(ms(times.min()!)), max \(ms(times.max()!)) over \(runs.count) runs; peak RSS \(runs.map(\.maxRSSKiB).max()! / 1024) MiB"
    )
}

switch arguments.first {
case "compile": try benchCompile()
case "run": try await RunBench.main(runs: option("runs", 5))
case "kit": try KitCases.main(runs: option("runs", 3))
case "concurrent":
    try await ConcurrentBench.main(runs: option("runs", 100), tasks: option("tasks", 5), latencies: [0, 200])
case "provider": try await ConcurrentBench.serveProvider(latencyMS: option("latency", 0))
case "serve":
    try await ServeBench.main(
        runs: option("runs", 100), latencyMS: option("latency", 200), seconds: option("seconds", 10))
case "bm25": try BM25Bench.main(arguments: Array(arguments.dropFirst()))
case "vectors": try VectorBench.main(arguments: Array(arguments.dropFirst()))
case "startup": benchStartup()
default:
    print(usage)
    exit(arguments.first.map { ["-h", "--help", "help"].contains($0) } == true ? 0 : 2)
}
