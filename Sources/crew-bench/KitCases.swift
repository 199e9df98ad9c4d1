import CrewTestSupport
import Foundation

/// The orchestration kit's two headline cases (`../shared/bench-orchestration`), from the project alone: `crew run`
/// as a child process on a 200-task chain at 0 ms and a 1 -> 16 -> 1 fan-out at 200 ms, against the provider test
/// server in another process (`crew-bench provider`), as the kit runs it against its Python server. The figures are
/// the kit's: the crew process's wall time, its overhead per task over the ideal, its CPU time and peak RSS.
enum KitCases {
    static func main(runs: Int) throws {
        for (shape, latency) in [("chain200", 0), ("fanout16", 200)] {
            let provider = try ProviderChild(latencyMS: latency)
            defer { provider.stop() }
            let folder = TemporaryFolder(prefix: "crew-bench-kit")
            let (yaml, tasks, serial) =
                shape == "chain200"
                ? (RunBench.chainYAML(200, baseURL: provider.baseURL), 200, 200)
                : (RunBench.fanOutYAML(16, baseURL: provider.baseURL), 18, 3)
            let path = folder.write("crew/crew.yaml", yaml)
            var measured: [(seconds: Double, maxRSSKiB: Int, status: Int32, cpu: Double, switches: Int)] = []
            for attempt in 0..<runs {
                let child = measureProcess(
                    crewBinary(),
                    ["run", path, "--max-parallel", "16", "--runs-dir", folder.path + "/runs-\(attempt)", "--quiet"],
                    environment: ["BENCH_KEY=k"])
                guard child.status == 0 else { throw BenchError("crew run exited \(child.status)") }
                measured.append(child)
            }
            let walls = measured.map(\.seconds)
            let ideal = Double(serial * latency) / 1000
            print(
                "kit \(shape) @\(latency) ms, `crew run` as a process (median of \(runs)): wall \(ms(median(walls))) "
                    + "(\(ms(walls.min()!))-\(ms(walls.max()!)); ideal \(ms(ideal))), "
                    + String(format: "overhead %.2f ms per task", (median(walls) - ideal) / Double(tasks) * 1000)
                    + ", CPU \(ms(median(measured.map(\.cpu)))), peak RSS \(measured.map(\.maxRSSKiB).max()! / 1024) MiB, "
                    + "\(measured.map(\.switches).sorted()[runs / 2]) context switches")
        }
    }
}
