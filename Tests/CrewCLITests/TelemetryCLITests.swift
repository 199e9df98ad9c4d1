import CrewCore
import CrewTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `crew run` exporting its trace over OTLP/HTTP to a real receiver (Tests/Fixtures/otlp/receiver.py, decoding the
/// protobuf with the `opentelemetry-proto` package), and exporting nothing when it is not told to.
@Suite(.enabled(if: OTLPReceiver.available, "needs python3 with opentelemetry-proto; CI sets CREW_REQUIRE_OTLP=1"))
struct TelemetryCLITests {
    let cli = CLITests()
    static let key = "sk-canary-otlp-93be"

    /// A crew on the provider test server: `look` answers, `broken` gets a 500.
    static func crew(_ provider: ProviderTestServer) -> TemporaryFolder {
        let folder = TemporaryFolder(prefix: "crew-otlp")
        folder.write(
            "crew/crew.yaml",
            """
            version: 1
            name: traced
            models:
              m: { provider: openai, model: gpt-test, base_url: "\(provider.baseURL)/v1", api_key: "${env:CREW_TEST_KEY}", max_retries: 0 }
            agents:
              a: { role: Researcher, goal: Find }
            tasks:
              look: { agent: a, description: LOOK }
              broken: { agent: a, description: BROKEN }

            """)
        return folder
    }

    static func provider() async throws -> ProviderTestServer {
        try await ProviderTestServer.start { request in
            request.lastUserText.hasPrefix("BROKEN")
                ? .status(500) : .reply(text: "done", inputTokens: 9, outputTokens: 4)
        }
    }

    @Test func aRunIsExportedAsOneTraceAndRunJSONNamesIt() async throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let provider = try await Self.provider()
        defer { Task { try? await provider.shutdown() } }
        let folder = Self.crew(provider)
        let run = try await cli.crew(
            ["run", folder.path + "/crew"],
            environment: [
                "CREW_TEST_KEY": Self.key, "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(receiver.port)",
                "OTEL_SERVICE_NAME": "crew-under-test",
            ])
        #expect(run.status == 1, "the broken task fails the run: \(run.stderr)")
        let requests = receiver.requests()
        let spans = requests.flatMap { $0["spans"]?.arrayValue ?? [] }
        #expect(requests.allSatisfy { $0["path"]?.stringValue == "/v1/traces" })
        #expect(requests.first?["content_type"]?.stringValue == "application/x-protobuf")
        func named(_ prefix: String) -> [JSONValue] {
            spans.filter { $0["name"]?.stringValue?.hasPrefix(prefix) == true }
        }
        let root = try #require(named("invoke_workflow traced").first)
        #expect(root["parent_span_id"]?.stringValue == "")
        #expect(root["resource"]?["service.name"]?.stringValue == "crew-under-test")
        #expect(root["status"]?["code"]?.intValue == 2, "a failed run is an error (STATUS_CODE_ERROR)")
        let trace = try #require(root["trace_id"]?.stringValue)
        #expect(spans.allSatisfy { $0["trace_id"]?.stringValue == trace } && spans.count == 5)
        let tasks = named("invoke_agent a")
        #expect(tasks.count == 2 && tasks.allSatisfy { $0["parent_span_id"] == root["span_id"] })
        let chats = named("chat")
        #expect(chats.count == 2)
        let answered = try #require(chats.first { $0["attributes"]?["gen_ai.usage.input_tokens"] != nil })
        #expect(answered["name"]?.stringValue == "chat gpt-test" && answered["kind"]?.intValue == 3)
        #expect(answered["attributes"]?["gen_ai.usage.input_tokens"]?.intValue == 9)
        #expect(answered["attributes"]?["gen_ai.usage.output_tokens"]?.intValue == 4)
        #expect(answered["attributes"]?["gen_ai.provider.name"]?.stringValue == "openai")
        #expect(answered["attributes"]?["gen_ai.request.model"]?.stringValue == "gpt-test")
        let failed = try #require(chats.first { $0["status"]?["code"]?.intValue == 2 })
        #expect(failed["events"]?.arrayValue?.contains { $0["name"]?.stringValue == "exception" } == true)
        // run.json names the trace; no byte sent holds the key.
        let record = try JSONParser.parse(
            Array(try String(contentsOfFile: Self.runJSON(folder.path + "/crew"), encoding: .utf8).utf8))
        #expect(record["trace_id"]?.stringValue == trace)
        for request in requests {
            let raw = try #require(Data(base64Encoded: request["raw"]?.stringValue ?? ""))
            #expect(raw.range(of: Data(Self.key.utf8)) == nil, "the key was exported")
        }
    }

    @Test func nothingIsSentUnlessAnEndpointIsNamed() async throws {
        // A receiver on the OTLP default port: an exporter started with defaults would reach it.
        guard let receiver = try? OTLPReceiver(port: 4318) else { return }
        defer { receiver.stop() }
        let provider = try await Self.provider()
        defer { Task { try? await provider.shutdown() } }
        let folder = Self.crew(provider)
        let unset = ["OTEL_EXPORTER_OTLP_ENDPOINT": "", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": ""]
        _ = try await cli.crew(
            ["run", folder.path + "/crew"], environment: unset.merging(["CREW_TEST_KEY": Self.key]) { $1 })
        // Named, but switched off.
        _ = try await cli.crew(
            ["run", folder.path + "/crew"],
            environment: [
                "CREW_TEST_KEY": Self.key, "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
                "OTEL_SDK_DISABLED": "true",
            ])
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(receiver.lines().isEmpty, "no connection, no request: \(receiver.lines())")
    }

    @Test func anExporterThatCannotBeMadeStopsTheRunBeforeItStarts() async throws {
        let folder = Self.crew(try await Self.provider())
        let run = try await cli.crew(
            ["run", folder.path + "/crew"],
            environment: [
                "CREW_TEST_KEY": Self.key, "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9",
                "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc",
            ])
        #expect(run.status == 2 && run.stderr.contains("R521") && run.stderr.contains("traces cannot be exported"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/crew/.crew/runs"), "no run was recorded")
    }

    /// `crew serve` traces each run it runs, logs the trace id, and keeps the exporter's headers from its crews.
    @Test func aServerTracesItsRunsAndKeepsTheCollectorKeyFromItsCrews() async throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let provider = try await Self.provider()
        defer { Task { try? await provider.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-otlp-serve")
        let model = "provider: openai, model: gpt-test, base_url: \"\(provider.baseURL)/v1\", max_retries: 0"
        folder.write(
            "crews/traced/crew.yaml",
            """
            version: 1
            name: traced
            models:
              m: { \(model), api_key: "${env:CREW_TEST_KEY}" }
            agents:
              a: { role: Researcher, goal: Find }
            tasks:
              look: { agent: a, description: LOOK }

            """)
        folder.write(
            "crews/leak/crew.yaml",
            """
            version: 1
            name: leak
            models:
              m: { \(model), api_key: "${env:OTEL_EXPORTER_OTLP_HEADERS}" }
            agents:
              a: { role: Researcher, goal: Find }
            tasks:
              look: { agent: a, description: LOOK }

            """)
        let collectorKey = "x-api-key=collector-canary-5e21"
        let served = try await ServeCLITests.Served.start(
            folder,
            environment: [
                "CREW_TEST_KEY": Self.key, "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(receiver.port)",
                "OTEL_EXPORTER_OTLP_HEADERS": collectorKey,
            ])
        defer { served.process.terminate() }
        let (status, started) = try await served.call("POST", "/v1/crews/traced/runs", body: "{}")
        let id = try #require(started?["id"]?.stringValue, "\(status)")
        let run = try #require(try await served.waitForStatus(id, ["succeeded", "failed"]))
        let trace = try #require(run["trace_id"]?.stringValue, "the run's detail (run.json) names its trace")
        // The crew that names the collector's header as its key gets nothing: no such variable (checked below, at
        // the provider).
        let (_, leak) = try await served.call("POST", "/v1/crews/leak/runs", body: "{}")
        if let leaked = leak?["id"]?.stringValue {
            _ = try await served.waitForStatus(leaked, ["succeeded", "failed"])
        }
        kill(served.process.processIdentifier, SIGTERM)
        _ = await served.exit(within: 20)
        let spans = receiver.requests().flatMap { $0["spans"]?.arrayValue ?? [] }
        let root = try #require(spans.first { $0["attributes"]?["crew.run.id"]?.stringValue == id })
        #expect(root["trace_id"]?.stringValue == trace && root["name"]?.stringValue == "invoke_workflow traced")
        #expect(spans.filter { $0["trace_id"]?.stringValue == trace }.count == 3, "run, task, answer")
        // The header went to the collector, and nowhere else.
        #expect(receiver.requests().first?["headers"]?["x-api-key"]?.stringValue == "collector-canary-5e21")
        // Its stderr is no terminal: every log line is a JSON object, with fields for the trace and each request.
        let log = try String(contentsOfFile: served.log, encoding: .utf8)
        let lines = log.split(separator: "\n").map { try? JSONParser.parse(Array($0.utf8)) }
        #expect(!lines.isEmpty && lines.allSatisfy { $0?["level"] != nil && $0?["message"] != nil }, "\(log)")
        #expect(lines.contains { $0?["trace_id"]?.stringValue == trace && $0?["run_id"]?.stringValue == id })
        #expect(
            lines.contains {
                $0?["message"]?.stringValue == "run \(id) succeeded" && $0?["run_id"]?.stringValue == id
                    && $0?["status"]?.stringValue == "succeeded"
            })
        #expect(
            lines.contains {
                $0?["route"]?.stringValue == "/v1/crews/{name}/runs" && $0?["status"]?.stringValue == "202"
                    && $0?["request_id"] != nil
            })
        for request in provider.requests {
            #expect(!String(decoding: request.body, as: UTF8.self).contains("collector-canary"))
            #expect(!request.headers.contains { $0.value.contains("collector-canary") })
        }
        let records = FileManager.default.enumerator(atPath: folder.path + "/data")
        while let file = records?.nextObject() as? String {
            let text = (try? String(contentsOfFile: folder.path + "/data/" + file, encoding: .utf8)) ?? ""
            #expect(!text.contains("collector-canary"), "the collector key is in \(file)")
        }
    }

    /// The crew file's `telemetry:` alone switches tracing on (its endpoint and header read from the environment),
    /// and with `propagate: true` the http tool's request and the MCP server's HTTP request carry `traceparent`:
    /// the run's trace and the span of the very tool call that made them.
    @Test(.enabled(if: MCPServer.available, "needs python3 with the `mcp` module; CI sets CREW_REQUIRE_MCP=1"))
    func aCrewFileTracesItsRunAndPropagatesTheContextToItsTools() async throws {
        let receiver = try OTLPReceiver()
        defer { receiver.stop() }
        let mcp = try await HTTPDemoServer.start(script: MCPServer.script)
        defer { mcp.stop() }
        let provider = try await ProviderTestServer.start { request in
            guard request.toolResults.isEmpty else { return .reply(text: "probed both") }
            return .toolCalls([
                ScriptedToolCall(
                    id: "web1", name: "web", arguments: #"{"url": "http://127.0.0.1:\#(receiver.port)/probe"}"#),
                ScriptedToolCall(id: "mcp1", name: "header", arguments: #"{"name": "traceparent"}"#),
            ])
        }
        defer { Task { try? await provider.shutdown() } }
        let folder = TemporaryFolder(prefix: "crew-otlp-file")
        folder.write(
            "crew/crew.yaml",
            """
            version: 1
            name: probing
            telemetry:
              endpoint: "${env:MY_COLLECTOR}"
              headers: { x-collector-key: "${env:COLLECTOR_KEY}" }
              propagate: true
              service_name: probing-crew
            models:
              m: { provider: openai, model: gpt-test, base_url: "\(provider.baseURL)/v1", api_key: "${env:CREW_TEST_KEY}" }
            tools:
              web: { type: http, allow: ["http://127.0.0.1:\(receiver.port)/*"] }
              demo: { type: mcp, url: "\(mcp.url)", include: [header] }
            agents:
              a: { role: Prober, goal: Probe, tools: [web, demo] }
            tasks:
              probe: { agent: a, description: PROBE }

            """)
        let run = try await cli.crew(
            ["run", folder.path + "/crew"],
            environment: [
                "CREW_TEST_KEY": Self.key, "MY_COLLECTOR": "http://127.0.0.1:\(receiver.port)",
                "COLLECTOR_KEY": "collector-canary-77aa",
            ])
        #expect(run.status == 0, "\(run.stderr)")
        let spans = receiver.requests().flatMap { $0["spans"]?.arrayValue ?? [] }
        let root = try #require(spans.first { $0["name"]?.stringValue == "invoke_workflow probing" })
        #expect(root["resource"]?["service.name"]?.stringValue == "probing-crew")
        #expect(receiver.requests().first?["headers"]?["x-collector-key"]?.stringValue == "collector-canary-77aa")
        let trace = try #require(root["trace_id"]?.stringValue)
        func toolSpan(_ name: String) -> String? {
            spans.first { $0["name"]?.stringValue == "execute_tool \(name)" }?["span_id"]?.stringValue
        }
        let webSpan = try #require(toolSpan("web"))
        let mcpSpan = try #require(toolSpan("header"))
        // The http tool's GET, as the site saw it.
        let probe = try #require(receiver.lines().first { $0["get"]?.stringValue == "/probe" })
        #expect(probe["headers"]?["traceparent"]?.stringValue == "00-\(trace)-\(webSpan)-01")
        // The MCP server read the header of the HTTP request that carried the call, and answered it.
        let answered = provider.requests.flatMap(\.toolResults).first { $0.callID == "mcp1" }?.content
        #expect(answered == "00-\(trace)-\(mcpSpan)-01", "\(answered ?? "no result")")
        // Without `propagate`, neither carries one.
        let quiet = try String(contentsOfFile: folder.path + "/crew/crew.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  propagate: true\n", with: "")
        folder.write("crew/crew.yaml", quiet)
        let again = try await cli.crew(
            ["run", folder.path + "/crew"],
            environment: [
                "CREW_TEST_KEY": Self.key, "MY_COLLECTOR": "http://127.0.0.1:\(receiver.port)",
                "COLLECTOR_KEY": "collector-canary-77aa",
            ])
        #expect(again.status == 0, "\(again.stderr)")
        let probes = receiver.lines().filter { $0["get"]?.stringValue == "/probe" }
        #expect(probes.count == 2 && probes.last?["headers"]?["traceparent"] == nil)
        let unpropagated = provider.requests.flatMap(\.toolResults).filter { $0.callID == "mcp1" }.last?.content
        #expect(unpropagated == "(none)")
        // The collector's key went to the collector only: not into the record, nor to the tools.
        #expect(probes.allSatisfy { !"\($0)".contains("collector-canary") })
        let runs = FileManager.default.enumerator(atPath: folder.path + "/crew/.crew")
        while let file = runs?.nextObject() as? String {
            let text = (try? String(contentsOfFile: folder.path + "/crew/.crew/" + file, encoding: .utf8)) ?? ""
            #expect(!text.contains("collector-canary"), "the collector key is in \(file)")
        }
    }

    @Test func anUnsetReferenceInTheTelemetrySectionStopsTheRunNamingIt() async throws {
        let folder = TemporaryFolder(prefix: "crew-otlp-unset")
        folder.write(
            "crew/crew.yaml",
            """
            version: 1
            name: unset
            telemetry:
              endpoint: http://127.0.0.1:9
              headers: { Authorization: "Bearer ${env:NO_SUCH_COLLECTOR_KEY}" }
            models:
              m: { provider: mock }
            agents:
              a: { role: R, goal: G }
            tasks:
              t: { agent: a, description: D }

            """)
        let run = try await cli.crew(
            ["run", folder.path + "/crew"], environment: ["NO_SUCH_COLLECTOR_KEY": ""])
        #expect(run.status == 2 && run.stderr.contains("R521"), "\(run.stderr)")
        #expect(run.stderr.contains("NO_SUCH_COLLECTOR_KEY") && run.stderr.contains("telemetry.headers"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/crew/.crew/runs"), "no run was recorded")
    }

    static func runJSON(_ crew: String) throws -> String {
        let runs = crew + "/.crew/runs"
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: runs).first)
        return runs + "/" + id + "/run.json"
    }
}

/// The Python OTLP/HTTP receiver as a child process: its port, and the JSON lines it wrote.
final class OTLPReceiver: @unchecked Sendable {
    static let script = Fixtures.root + "/otlp/receiver.py"
    static let available: Bool = {
        if ProcessInfo.processInfo.environment["CREW_REQUIRE_OTLP"] == "1" { return true }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import opentelemetry.proto.collector.trace.v1.trace_service_pb2"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    let process = Process()
    let folder = TemporaryFolder(prefix: "crew-otlp-receiver")
    let output: String
    private(set) var port = 0

    struct NotListening: Error {}

    init(port requested: Int = 0) throws {
        output = folder.path + "/received.jsonl"
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, output, String(requested)]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // One line, read byte by byte: the receiver keeps its stdout open, and a whole-pipe read would wait for its end.
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count < 64, read(out.fileHandleForReading.fileDescriptor, &byte, 1) == 1, byte != 10 {
            bytes.append(byte)
        }
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.terminate()
            throw NotListening()
        }
        self.port = port
    }

    func lines() -> [JSONValue] {
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
    }

    func requests() -> [JSONValue] { lines().filter { $0["spans"] != nil } }

    /// SIGKILL: a child started by a test process may inherit an ignored SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
