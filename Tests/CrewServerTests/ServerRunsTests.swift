import AsyncHTTPClient
import CrewCore
import CrewDocuments
import CrewKit
import CrewServer
import CrewTestSupport
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import CrewSpec

/// A provider whose answers to `SECOND` wait while `slow` is on, and the crew that calls it.
struct SlowProvider {
    let provider: ProviderTestServer
    let slow: LockedFlag

    static func start(slow: Bool = true) async throws -> SlowProvider {
        let flag = LockedFlag(slow)
        let provider = try await ProviderTestServer.start { request in
            let reply = Behavior.reply(text: "done " + request.lastUserText.prefix(6))
            return flag.value && request.lastUserText.hasPrefix("SECOND") ? .delay(seconds: 60, then: reply) : reply
        }
        return SlowProvider(provider: provider, slow: flag)
    }

    var crew: String { ServerRunControlTests.crew(baseURL: provider.baseURL) }

    func count(_ prefix: String) -> Int { provider.requests.filter { $0.lastUserText.hasPrefix(prefix) }.count }

    /// The provider, and a server of crew `slow` that runs one run at a time.
    static func oneSlotServer(store: StoreKind) async throws -> (SlowProvider, ServerHarness) {
        let slow = try await start()
        let server = try await ServerHarness.start(
            crews: ["slow": slow.crew], environment: ["CREW_TEST_KEY": "k"], store: store,
            configure: { $0.maxRuns = 1 })
        return (slow, server)
    }

    func waitForSecond(_ count: Int = 1) async throws {
        for _ in 0..<400 where self.count("SECOND") < count { try await Task.sleep(nanoseconds: 25_000_000) }
    }
}

/// Runs as a service: idempotency, the queue, webhooks, recovery after a crash, the index, analytics and metrics.
@Suite struct ServerRunsTests {
    @Test(arguments: StoreKind.available) func anIdempotencyKeyStartsOneRun(store: StoreKind) async throws {
        let server = try await ServerHarness.start(store: store)
        defer { Task { await server.stop() } }
        let body = #"{"inputs": {"topic": "tides"}}"#
        let key = [("Idempotency-Key", "order-42")]
        let first = try await server.request(.POST, "/v1/crews/echo/runs", body: body, headers: key)
        #expect(first.status == 202)
        let id = try #require(first.json?["id"]?.stringValue)
        let again = try await server.request(.POST, "/v1/crews/echo/runs", body: body, headers: key)
        #expect(again.status == 200 && again.json?["id"]?.stringValue == id)
        #expect(again.header("Idempotent-Replayed") == "true" && again.header("Location") == "/v1/runs/\(id)")
        let changed = try await server.request(
            .POST, "/v1/crews/echo/runs", body: #"{"inputs": {"topic": "waves"}}"#, headers: key)
        #expect(changed.status == 422 && changed.json?["error"]?["code"]?.stringValue == "invalid_input")
        let other = try await server.request(
            .POST, "/v1/crews/echo/runs", body: body, headers: [("Idempotency-Key", "order-43")])
        #expect(other.status == 202 && other.json?["id"]?.stringValue != id)
        for bad in ["", String(repeating: "k", count: 256), "a b"] {
            let refused = try await server.request(
                .POST, "/v1/crews/echo/runs", body: body, headers: [("Idempotency-Key", bad)])
            #expect(refused.status == 400, "key `\(bad.prefix(10))`")
        }
        // A request refused for its inputs does not use up its key.
        let invalid = try await server.request(
            .POST, "/v1/crews/echo/runs", body: "{}", headers: [("Idempotency-Key", "order-44")])
        #expect(invalid.status == 422)
        _ = try await server.waitForEnd(id)
        let runs = try await server.request(.GET, "/v1/runs?limit=500").json?["runs"]?.arrayValue ?? []
        #expect(runs.count == 2, "one run per key")
        let folders = try FileManager.default.contentsOfDirectory(atPath: server.folder.path + "/data/runs")
        #expect(folders.count == 2, "no folder is left behind by a replay or a refusal: \(folders)")
    }

    @Test(arguments: StoreKind.available) func runsBeyondMaxRunsQueueInOrder(store: StoreKind) async throws {
        let (slow, server) = try await SlowProvider.oneSlotServer(store: store)
        defer {
            Task {
                await server.stop()
                try? await slow.provider.shutdown()
            }
        }
        var ids: [String] = []
        for expected in ["running", "queued", "queued"] {
            let started = try await server.request(.POST, "/v1/crews/slow/runs", body: "{}")
            #expect(started.status == 202 && started.json?["status"]?.stringValue == expected)
            ids.append(try #require(started.json?["id"]?.stringValue))
        }
        let third = try await server.request(.GET, "/v1/runs/\(ids[2])").json
        #expect(third?["status"]?.stringValue == "queued" && third?["queue_position"]?.intValue == 2)
        let queued = try await server.request(.GET, "/v1/runs?status=queued").json?["runs"]?.arrayValue ?? []
        #expect(Set(queued.compactMap { $0["id"]?.stringValue }) == Set(ids[1...]))
        let metrics = try await server.request(.GET, "/metrics").body
        #expect(metrics.contains("crew_runs_queued 2") && metrics.contains("crew_runs_active 1"), "\(metrics)")
        // A queued run cancelled never starts; the next one moves up.
        let dropped = try await server.request(.POST, "/v1/runs/\(ids[1])/cancel")
        #expect(dropped.status == 202 && dropped.json?["status"]?.stringValue == "interrupted")
        #expect(try await server.request(.GET, "/v1/runs/\(ids[2])").json?["queue_position"]?.intValue == 1)
        // When the running run ends, the queue moves.
        try await slow.waitForSecond()
        slow.slow.value = false
        _ = try await server.request(.POST, "/v1/runs/\(ids[0])/cancel")
        let last = try await server.waitForEnd(ids[2])
        #expect(last["status"]?.stringValue == "succeeded")
        let first = try await server.waitForEnd(ids[0])
        #expect(first["status"]?.stringValue == "interrupted")
        #expect(try await server.request(.GET, "/v1/runs/\(ids[1])").json?["status"]?.stringValue == "interrupted")
    }

    @Test(arguments: StoreKind.available) func queuedRunsSurviveARestart(store: StoreKind) async throws {
        let (slow, server) = try await SlowProvider.oneSlotServer(store: store)
        defer {
            Task {
                await server.stop()
                try? await slow.provider.shutdown()
            }
        }
        let running = try #require(
            try await server.request(.POST, "/v1/crews/slow/runs", body: "{}").json?["id"]?.stringValue)
        let waiting = try #require(
            try await server.request(.POST, "/v1/crews/slow/runs", body: "{}").json?["id"]?.stringValue)
        try await slow.waitForSecond()
        // Answers come at once from now on; the SECOND in flight still waits, until the stop cancels it.
        slow.slow.value = false
        // A graceful stop, as SIGTERM: the running run is recorded as interrupted, the queued one stays queued.
        try await server.restart()
        #expect(try await server.request(.GET, "/v1/runs/\(running)").json?["status"]?.stringValue == "interrupted")
        let ended = try await server.waitForEnd(waiting)
        #expect(ended["status"]?.stringValue == "succeeded")
        // The interrupted one resumes: its finished task is not asked again.
        #expect(try await server.request(.POST, "/v1/runs/\(running)/resume").status == 202)
        let resumed = try await server.waitForEnd(running)
        #expect(resumed["status"]?.stringValue == "succeeded" && resumed["attempts"]?.intValue == 2)
        #expect(slow.count("FIRST") == 2, "one FIRST per run, none again on resume")
    }

    @Test(arguments: StoreKind.available) func aRunThatACrashLeftRunningIsInterruptedAtStart(store: StoreKind)
        async throws
    {
        let server = try await ServerHarness.start(store: store)
        defer { Task { await server.stop() } }
        let id = try await server.finishedEchoRun()
        // What a kill -9 leaves: run.json says running, and no process holds the lock.
        let runJSON = server.folder.path + "/data/runs/\(id)/run.json"
        let text = try String(contentsOfFile: runJSON, encoding: .utf8)
        try text.replacingOccurrences(of: "\"succeeded\"", with: "\"running\"").write(
            toFile: runJSON, atomically: true, encoding: .utf8)
        try await server.restart(configure: { $0.reindex = true })
        let listed = try await server.request(.GET, "/v1/runs?status=interrupted").json?["runs"]?.arrayValue ?? []
        #expect(listed.map { $0["id"]?.stringValue } == [id])
        #expect(listed.first?["crashed"]?.boolValue == true)
        let detail = try await server.request(.GET, "/v1/runs/\(id)").json
        #expect(detail?["status"]?.stringValue == "interrupted" && detail?["crashed"]?.boolValue == true)
        #expect(try await server.request(.POST, "/v1/runs/\(id)/resume").status == 202)
        #expect(try await server.waitForEnd(id)["status"]?.stringValue == "succeeded")
    }

    @Test(arguments: StoreKind.available) func theIndexIsRebuiltFromTheRecords(store: StoreKind) async throws {
        let server = try await ServerHarness.start(store: store)
        defer { Task { await server.stop() } }
        var ids: [String] = []
        for topic in ["a", "b", "c"] {
            let id = try await server.finishedEchoRun(topic: topic)
            ids.append(id)
        }
        let before = try await server.request(.GET, "/v1/runs").json?["runs"]
        try await server.restart(configure: { $0.reindex = true })
        let after = try await server.request(.GET, "/v1/runs").json?["runs"]
        #expect(before == after && after?.arrayValue?.count == 3)
        // Pages: newest first, the cursor goes on from the last id.
        let page = try await server.request(.GET, "/v1/runs?limit=2").json
        #expect(page?["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids.reversed().prefix(2)))
        let cursor = try #require(page?["next_cursor"]?.stringValue)
        let rest = try await server.request(.GET, "/v1/runs?limit=2&cursor=\(cursor)").json
        #expect(rest?["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[0]])
        #expect(rest?["next_cursor"] == .null)
    }

    @Test(arguments: StoreKind.available) func sqlMetacharactersInEveryFilterAreJustText(store: StoreKind)
        async throws
    {
        let server = try await ServerHarness.start(store: store)
        defer { Task { await server.stop() } }
        _ = try await server.finishedEchoRun()
        let hostile = ["' OR '1'='1", "echo'; DROP TABLE runs; --", "\" OR 1=1 --", "%", "_", "\\", "echo%"]
        for text in hostile {
            let escaped = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let answer = try await server.request(.GET, "/v1/runs?crew=\(escaped)")
            #expect(answer.status == 200 && answer.json?["runs"]?.arrayValue?.isEmpty == true, "crew=\(text)")
            for parameter in ["status", "since", "until", "limit", "cursor"] {
                let answer = try await server.request(.GET, "/v1/runs?\(parameter)=\(escaped)")
                #expect(answer.status == 400, "\(parameter)=\(text): \(answer.status) \(answer.body.prefix(200))")
            }
            for parameter in ["since", "until", "format"] {
                #expect(try await server.request(.GET, "/v1/analytics/crews?\(parameter)=\(escaped)").status == 400)
            }
            #expect(try await server.request(.GET, "/v1/runs/\(escaped)").status == 404)
            #expect(try await server.request(.GET, "/v1/crews/\(escaped)").status == 404)
        }
        // Every table is still there and whole.
        #expect(try await server.request(.GET, "/v1/runs?crew=echo").json?["runs"]?.arrayValue?.count == 1)
        #expect(try await server.request(.GET, "/v1/analytics/summary").json?["overall"]?["runs"]?.intValue == 1)
    }

    @Test(arguments: StoreKind.available) func analyticsCountRunsTasksModelsAndCrews(store: StoreKind) async throws {
        let server = try await ServerHarness.start(store: store)
        defer { Task { await server.stop() } }
        for topic in ["a", "b"] { _ = try await server.finishedEchoRun(topic: topic) }
        let summary = try #require(try await server.request(.GET, "/v1/analytics/summary").json)
        let overall = summary["overall"]
        #expect(overall?["runs"]?.intValue == 2 && overall?["succeeded"]?.intValue == 2)
        #expect(overall?["success_rate"]?.doubleValue == 1 && overall?["p95_ms"]?.intValue != nil)
        #expect(summary["days"]?.arrayValue?.count == 1)
        let crews = try await server.request(.GET, "/v1/analytics/crews").json?["crews"]?.arrayValue ?? []
        #expect(crews.map { $0["crew"]?.stringValue } == ["echo"])
        let models = try await server.request(.GET, "/v1/analytics/models").json?["models"]?.arrayValue ?? []
        #expect(models.first?["model"]?.stringValue?.hasPrefix("mock/") == true)
        #expect(models.first?["overall"]?["runs"]?.intValue == 4, "two tasks in each of two runs")
        let tasks = try await server.request(.GET, "/v1/analytics/tasks").json?["tasks"]?.arrayValue ?? []
        #expect(tasks.map { $0["task"]?.stringValue } == ["first", "second"])
        let csv = try await server.request(.GET, "/v1/analytics/crews?format=csv")
        #expect(csv.header("Content-Type")?.hasPrefix("text/csv") == true)
        let rows = csv.body.split(separator: "\r\n")
        #expect(
            rows.first
                == "group,day,runs,succeeded,failed,success_rate,p50_ms,p95_ms,input_tokens,output_tokens,cost_usd")
        #expect(rows.dropFirst().first?.hasPrefix("echo,all,2,2,0,1") == true, "\(csv.body)")
        let empty = try await server.request(.GET, "/v1/analytics/summary?since=2020-01-01&until=2020-01-02").json
        #expect(empty?["overall"]?["runs"]?.intValue == 0 && empty?["overall"]?["p50_ms"] == .null)
        #expect(try await server.request(.GET, "/v1/analytics/summary?since=2026-12-05&until=2026-12-01").status == 400)
    }

    @Test func metricsCountRequestsRunsAndTasks() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        _ = try await server.finishedEchoRun()
        _ = try await server.request(.GET, "/v1/runs/nope")
        var metrics = try await server.request(.GET, "/metrics")
        // The run's end is counted once it is indexed, which the run's status may precede.
        for _ in 0..<100 where !metrics.body.contains(#"crew_runs_total{status="succeeded"} 1"#) {
            try await Task.sleep(nanoseconds: 20_000_000)
            metrics = try await server.request(.GET, "/metrics")
        }
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
        let text = metrics.body
        #expect(text.contains(#"crew_runs_total{status="succeeded"} 1"#), "\(text)")
        #expect(text.contains(#"crew_http_requests_total{method="POST",route="/v1/crews/{name}/runs",status="202"} 1"#))
        #expect(text.contains(#"route="/v1/runs/{id}",status="404""#))
        #expect(text.contains("crew_task_duration_seconds_count 2"))
        #expect(text.contains(#"crew_http_request_duration_seconds_bucket{method="GET",route="/v1/runs/{id}""#))
        #expect(text.contains(#"crew_tokens_total{direction="input"}"#))
    }

    @Test func webhooksAreSignedAndCarryTheEventSequence() async throws {
        let secret = "whsec-test-secret"
        let receiver = try await WebTestServer.start { _ in .text("ok") }
        let server = try await ServerHarness.start(configure: { $0.webhookSecret = secret })
        defer {
            Task {
                await server.stop()
                await receiver.shutdown()
            }
        }
        let started = try await server.request(
            .POST, "/v1/crews/echo/runs",
            body: #"{"inputs": {"topic": "t"}, "webhook": "\#(receiver.baseURL)/hooks/crew"}"#)
        let id = try #require(started.json?["id"]?.stringValue)
        _ = try await server.waitForEnd(id)
        for _ in 0..<200 where receiver.requests.isEmpty { try await Task.sleep(nanoseconds: 25_000_000) }
        let call = try #require(receiver.requests.first)
        #expect(call.method == "POST" && call.path == "/hooks/crew")
        let timestamp = try #require(call.header("X-Crew-Timestamp"))
        let expected = HMAC<SHA256>.authenticationCode(
            for: Array((timestamp + "." + call.bodyText).utf8), using: SymmetricKey(data: Array(secret.utf8)))
        #expect(call.header("X-Crew-Signature") == "sha256=" + expected.map { String(format: "%02x", $0) }.joined())
        let body = try JSONParser.parse(call.body)
        #expect(body["run"]?["id"]?.stringValue == id && body["run"]?["status"]?.stringValue == "succeeded")
        let lines = try String(contentsOfFile: server.folder.path + "/data/runs/\(id)/events.jsonl", encoding: .utf8)
            .split(separator: "\n").count
        #expect(body["sequence"]?.intValue == lines)
        try await server.restart(configure: { $0.webhookHosts = ["hooks.example.com"] })
        let elsewhere = try await server.request(
            .POST, "/v1/crews/echo/runs",
            body: #"{"inputs": {"topic": "t"}, "webhook": "\#(receiver.baseURL)/hooks/crew"}"#)
        #expect(elsewhere.status == 422 && elsewhere.body.contains("--webhook-host"))
        for bad in ["ftp://x/y", "http://user:pass@host/x", "not a url", String(repeating: "h", count: 3000)] {
            let refused = try await server.request(
                .POST, "/v1/crews/echo/runs", body: #"{"inputs": {"topic": "t"}, "webhook": "\#(bad)"}"#)
            #expect(refused.status == 422, "\(bad.prefix(20))")
        }
    }

    @Test func aWebhookNeedsASigningSecret() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let refused = try await server.request(
            .POST, "/v1/crews/echo/runs", body: #"{"inputs": {"topic": "t"}, "webhook": "http://127.0.0.1:9/x"}"#)
        #expect(refused.status == 422 && refused.body.contains("CREW_WEBHOOK_SECRET"))
    }

    @Test func changesAreAuditedWithWhoWhatAndWhere() async throws {
        let made = LockedTokens()
        let server = try await ServerHarness.start(tokens: { tokens in
            made.set("admin", try await tokens.create(name: "root", role: .admin).token)
            made.set("viewer", try await tokens.create(name: "eyes", role: .viewer).token)
        })
        defer { Task { await server.stop() } }
        let admin = [("Authorization", "Bearer " + made.get("admin")), ("X-Request-ID", "req-1")]
        let viewer = [("Authorization", "Bearer " + made.get("viewer"))]
        _ = try await server.request(.POST, "/v1/crews/echo/runs", body: #"{"inputs": {"topic": "t"}}"#, headers: admin)
        _ = try await server.request(
            .POST, "/v1/crews/echo/runs", body: #"{"inputs": {"topic": "t"}}"#, headers: viewer)
        _ = try await server.request(.POST, "/v1/crews/reload", body: nil)
        _ = try await server.request(.GET, "/v1/crews", headers: viewer)
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(try await server.request(.GET, "/v1/audit", headers: viewer).status == 403)
        let entries = try await server.request(.GET, "/v1/audit", headers: admin).json?["entries"]?.arrayValue ?? []
        let seen = entries.map {
            [$0["actor"]?.stringValue ?? "", $0["action"]?.stringValue ?? "", String($0["status"]?.intValue ?? 0)]
        }
        #expect(
            seen == [
                ["unauthenticated", "POST /v1/crews/reload", "401"],
                ["token:eyes", "POST /v1/crews/{name}/runs", "403"],
                ["token:root", "POST /v1/crews/{name}/runs", "202"],
            ], "reads are not audited: \(seen)")
        #expect(
            entries.last?["address"]?.stringValue == "127.0.0.1" && entries.last?["request_id"]?.stringValue == "req-1")
        #expect(entries.last?["target"]?.stringValue == "/v1/crews/echo/runs")
        let page = try await server.request(.GET, "/v1/audit?limit=1", headers: admin).json
        let cursor = try #require(page?["next_cursor"]?.stringValue)
        let next = try await server.request(.GET, "/v1/audit?limit=5&cursor=\(cursor)", headers: admin).json
        #expect(next?["entries"]?.arrayValue?.count == 2)
    }
}

/// The crew catalog and the API's description of itself.
@Suite struct ServerCatalogTests {
    @Test func aCrewIsRecompiledWhenItsFilesChange() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        #expect(try await server.request(.GET, "/v1/crews/echo").json?["status"]?.stringValue == "ready")
        server.folder.write("crews/echo/crew.yaml", "version: 1\nname: echo\ntasks:\n  t: { agent: nobody }\n")
        server.folder.write("crews/fresh/crew.yaml", ServerHarness.mockCrew)
        var status: String?
        for _ in 0..<100 where status != "invalid" {
            try await Task.sleep(nanoseconds: 50_000_000)
            status = try await server.request(.GET, "/v1/crews/echo").json?["status"]?.stringValue
        }
        #expect(status == "invalid")
        let names = try await server.request(.GET, "/v1/crews").json?["crews"]?.arrayValue?.compactMap {
            $0["name"]?.stringValue
        }
        #expect(names == ["echo", "fresh"])
    }

    @Test func validateReturnsDiagnosticsAndTheGraph() async throws {
        let server = try await ServerHarness.start()
        defer { Task { await server.stop() } }
        let valid = try await server.request(
            .POST, "/v1/validate", body: ServerHarness.mockCrew, contentType: "application/yaml")
        #expect(valid.status == 200 && valid.json?["valid"]?.boolValue == true)
        #expect(valid.json?["graph"]?["critical_path"] == JSONValue.strings(["first", "second"]))
        let invalid = try await server.request(
            .POST, "/v1/validate", body: "version: 1\nname: x\ntasks:\n  t: { agent: ghost }\n",
            contentType: "application/yaml")
        #expect(invalid.status == 200 && invalid.json?["valid"]?.boolValue == false)
        let diagnostics = invalid.json?["diagnostics"]?["diagnostics"]?.arrayValue ?? []
        #expect(diagnostics.contains { $0["message"]?.stringValue?.contains("ghost") == true })
        let bomb =
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + (1...12).map {
                "\(Character(UnicodeScalar(97 + $0)!)): &\(Character(UnicodeScalar(97 + $0)!)) ["
                    + String(repeating: "*\(Character(UnicodeScalar(96 + $0)!)), ", count: 9) + "]"
            }.joined(separator: "\n")
        let hostile = try await server.request(.POST, "/v1/validate", body: bomb, contentType: "application/yaml")
        #expect(hostile.status == 200 && hostile.json?["valid"]?.boolValue == false)
        let huge = try await server.request(
            .POST, "/v1/validate", body: String(repeating: "#", count: 2 << 20), contentType: "application/yaml")
        #expect(huge.status == 413)
        var notText = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/v1/validate")
        notText.method = .POST
        notText.body = .bytes(ByteBuffer(bytes: [0xFF, 0xFE, 0x00, 0x41]))
        #expect(try await server.http.execute(notText, timeout: .seconds(10)).status == .badRequest)
    }

    /// The document lists every route the server has, and every documented route answers with a documented status.
    @Test func theOpenAPIDocumentAndTheServerAgreeBothWays() async throws {
        let made = LockedTokens()
        let server = try await ServerHarness.start(tokens: { tokens in
            made.set("admin", try await tokens.create(name: "root", role: .admin).token)
        })
        defer { Task { await server.stop() } }
        let file = try String(contentsOfFile: Self.repository + "/specs/openapi.yaml", encoding: .utf8)
        let served = try await server.request(.GET, "/openapi.yaml")
        #expect(served.status == 200 && served.body == file, "the served document is specs/openapi.yaml")
        // The composer alone: crew files' pre-checks would refuse the `{file}` of a path as a flow mapping key.
        var composer = YAMLComposer(file: "openapi.yaml", budget: 1 << 20, textBudget: 1 << 24)
        let root = try #require(try composer.compose(Array(file.utf8)))
        let document = try #require(plainYAML(root) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: [String: [String: Any]] = [:]
        for (path, operations) in paths {
            for (method, operation) in operations where ["get", "post", "delete", "put", "patch"].contains(method) {
                documented["\(method.uppercased()) \(path)"] = operation as? [String: Any]
            }
        }
        #expect(Set(documented.keys) == Set(CrewServer.routes), "routes and document differ")

        let id = try #require(
            try await server.request(
                .POST, "/v1/crews/echo/runs", body: #"{"inputs": {"topic": "t"}}"#,
                headers: [("Authorization", "Bearer " + made.get("admin"))]
            ).json?["id"]?.stringValue)
        _ = try await server.waitForEnd(id, headers: [("Authorization", "Bearer " + made.get("admin"))])
        let values = ["name": "echo", "id": id, "task": "first"]
        for (route, operation) in documented.sorted(by: { $0.key < $1.key }) {
            let parts = route.split(separator: " ")
            var path = String(parts[1])
            for (key, value) in values { path = path.replacingOccurrences(of: "{\(key)}", with: value) }
            if route == "DELETE /v1/tokens/{name}" { path = "/v1/tokens/root-not-here" }
            let statuses = Set(((operation["responses"] as? [String: Any]) ?? [:]).keys)
            let method = HTTPMethod(rawValue: String(parts[0]))
            let body: String? =
                switch route {
                case "POST /v1/crews/{name}/runs": #"{"inputs": {"topic": "t"}}"#
                case "POST /v1/tokens": #"{"name": "made-by-test", "role": "viewer"}"#
                case "POST /v1/validate": ServerHarness.mockCrew
                default: method == .POST ? "" : nil
                }
            let auth = [("Authorization", "Bearer " + made.get("admin"))]
            let answer = try await server.request(method, path, body: body, headers: auth)
            #expect(
                statuses.contains(String(answer.status)),
                "\(route) answered \(answer.status): \(answer.body.prefix(200))")
            let anonymous = try await server.request(method, path, body: body)
            let open = (operation["security"] as? [Any])?.isEmpty == true
            if route.contains(" /v1/"), !open {
                #expect(anonymous.status == 401 && statuses.contains("401"), "\(route) without a token")
            }
        }
    }

    static var repository: String {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.path + "/Package.swift") {
            url.deleteLastPathComponent()
        }
        return url.path
    }
}

/// A YAML document as dictionaries, arrays and strings, as a generic reader gives it.
private func plainYAML(_ node: YAMLNode) -> Any {
    switch node.kind {
    case .scalar(let text, _): return text
    case .sequence(let items): return items.map(plainYAML)
    case .mapping(let pairs):
        return Dictionary(pairs.map { ($0.keyText, plainYAML($0.value)) }, uniquingKeysWith: { $1 })
    }
}
