import AsyncHTTPClient
import CrewCore
import CrewDocuments
import CrewTestSupport
import Foundation
import NIOCore
import NIOHTTP1

/// `crew-bench serve`: `crew serve` as a separate process under load. 100 runs of a 5-task crew in flight at once
/// against the provider test server answering after 200 ms; the delay from a task's end to its SSE event; then the
/// read endpoints under `wrk` at 64 connections; and the server's memory at idle and under load.
enum ServeBench {
    typealias Server = ServeProcess

    static let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)))

    static func main(runs: Int, latencyMS: Int, seconds: Int) async throws {
        let provider = try await ProviderTestServer.start { _ in
            .delay(seconds: Double(latencyMS) / 1000, then: .reply(text: "done", inputTokens: 10, outputTokens: 2))
        }
        let folder = TemporaryFolder(prefix: "crew-bench-serve")
        folder.write("crews/five/crew.yaml", RunBench.chainYAML(5, baseURL: provider.baseURL))
        let server = try await start(folder)
        defer {
            server.process.terminate()
            server.process.waitUntilExit()
        }
        try await Task.sleep(nanoseconds: 500_000_000)
        let idle = server.memoryKiB("VmRSS")
        print("crew serve: idle RSS \(idle / 1024) MiB")

        // 100 runs at once, and SSE on ten of them.
        let started = DispatchTime.now().uptimeNanoseconds
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<runs {
                group.addTask {
                    let (status, body) = try await call(server, "POST", "/v1/crews/five/runs", body: "{}")
                    guard status == 202, let id = body?["id"]?.stringValue else { throw BenchError("start: \(status)") }
                    return id
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let delays = Task { try await sseDelays(server, ids: Array(ids.prefix(10))) }
        var peakDuringRuns = 0
        while true {
            peakDuringRuns = max(peakDuringRuns, server.memoryKiB("VmRSS"))
            let (_, page) = try await call(server, "GET", "/v1/runs?status=running&limit=500")
            let (_, queued) = try await call(server, "GET", "/v1/runs?status=queued&limit=500")
            if page?["runs"]?.arrayValue?.isEmpty == true, queued?["runs"]?.arrayValue?.isEmpty == true { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        var complete = 0
        var failed: [String] = []
        for id in ids {
            let base = folder.path + "/data/runs/\(id)"
            let run = try? JSONParser.parse(Array(FileManager.default.contents(atPath: base + "/run.json") ?? Data()))
            let results = (0..<5).filter { FileManager.default.fileExists(atPath: base + "/tasks/t\($0)/output.md") }
            if run?["status"]?.stringValue == "succeeded" && results.count == 5 {
                complete += 1
            } else {
                failed.append(id)
            }
        }
        print(
            String(
                format: "%d runs of a 5-task chain at %d ms a request, all in flight at once: %.2f s wall, "
                    + "%d complete records, %d failed; server RSS peak %d MiB",
                runs, latencyMS, wall, complete, failed.count, peakDuringRuns / 1024))
        let sse = try await delays.value.sorted()
        if !sse.isEmpty {
            print(
                String(
                    format: "task end -> SSE event (%d events): p50 %.1f ms, p95 %.1f ms, max %.1f ms", sse.count,
                    sse[sse.count / 2], sse[min(sse.count - 1, sse.count * 95 / 100)], sse.last ?? 0))
        }

        // The read endpoints under wrk.
        let one = ids[0]
        for path in ["/v1/runs?limit=50", "/v1/runs/\(one)", "/v1/crews", "/v1/analytics/summary"] {
            let sampler = Task {
                var peak = 0
                while !Task.isCancelled {
                    peak = max(peak, server.memoryKiB("VmRSS"))
                    try? await Task.sleep(nanoseconds: 100_000_000)
                }
                return peak
            }
            let figures = try wrk(port: server.port, path: path, seconds: seconds)
            sampler.cancel()
            let peak = await sampler.value
            print("GET \(path) at 64 connections, \(seconds) s: \(figures); RSS \(peak / 1024) MiB")
        }
        try await http.shutdown()
        try await provider.shutdown()
    }

    static func start(_ folder: TemporaryFolder) async throws -> Server {
        try await ServeProcess.start(
            binary: crewBinary(),
            arguments: [
                folder.path + "/crews", "--data", folder.path + "/data", "--max-runs", "100", "--rate-limit", "1000000",
            ],
            environment: ["BENCH_KEY": "k"], logFolder: folder.path)
    }

    static func call(_ server: Server, _ method: String, _ path: String, body: String? = nil) async throws -> (
        Int, JSONValue?
    ) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)\(path)")
        request.method = HTTPMethod(rawValue: method)
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), try? JSONParser.parse(Array(bytes.readableBytesView)))
    }

    /// For each `task_finished` event: when it arrived over SSE minus its `ts` (when the run wrote it), in ms.
    static func sseDelays(_ server: Server, ids: [String]) async throws -> [Double] {
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for id in ids {
                group.addTask {
                    let request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/v1/runs/\(id)/events")
                    let response = try await http.execute(request, timeout: .seconds(600))
                    var delays: [Double] = []
                    var pending = ""
                    for try await chunk in response.body {
                        let arrived = Date().timeIntervalSince1970
                        pending += String(buffer: chunk)
                        while let end = pending.range(of: "\n\n") {
                            let frame = pending[..<end.lowerBound]
                            pending = String(pending[end.upperBound...])
                            guard frame.contains("event: task_finished"),
                                let data = frame.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }),
                                let json = try? JSONParser.parse(Array(data.dropFirst(6).utf8)),
                                let ts = json["ts"]?.stringValue.flatMap(Timestamp.parse)
                            else { continue }
                            delays.append((arrived - ts.timeIntervalSince1970) * 1000)
                        }
                    }
                    return delays
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    static func wrk(port: Int, path: String, seconds: Int) throws -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Benchmarks/serve/latency.lua"
        ).standardized.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t2", "-c64", "-d\(seconds)s", "-s", script, "http://127.0.0.1:\(port)\(path)"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("FIGURES") }) else {
            throw BenchError("wrk said: \(text)")
        }
        return String(line.dropFirst("FIGURES ".count))
    }
}
