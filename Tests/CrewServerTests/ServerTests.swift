import AsyncHTTPClient
import CrewCore
import CrewDocuments
import CrewKit
import CrewProviders
import CrewServer
import CrewTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@Suite struct ServerTests {
    @Test(arguments: StoreKind.available) func crewsAreListedWithTheirDiagnostics(store: StoreKind) async throws {
        let server = try await ServerHarness.start(
            crews: ["echo": ServerHarness.mockCrew, "broken": "version: 1\nname: broken\nagents:\n  a: { role: R }\n"],
            store: store)
        defer { Task { await server.stop() } }
        let list = try await server.request(.GET, "/v1/crews")
        #expect(list.status == 200 && list.header("Content-Type") == "application/json")
        let crews = try #require(list.json?["crews"]?.arrayValue)
        #expect(crews.map { $0["name"]?.stringValue } == ["broken", "echo"])
        #expect(crews[0]["status"]?.stringValue == "invalid" && (crews[0]["errors"]?.intValue ?? 0) > 0)
        #expect(crews[1]["status"]?.stringValue == "ready" && crews[1]["tasks"]?.intValue == 2)

        let echo = try await server.request(.GET, "/v1/crews/echo").json
        #expect(echo?["plan"]?["format"]?.stringValue == "crew-plan")
        #expect(echo?["inputs"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["topic", "count"])
        #expect(echo?["graph"]?["critical_path"] == JSONValue.strings(["first", "second"]))
        let broken = try await server.request(.GET, "/v1/crews/broken").json
        #expect(
            (broken?["diagnostics"]?["diagnostics"]?.arrayValue?.count ?? broken?["diagnostics"]?.arrayValue?.count ?? 0)
                > 0)

        let refused = try await server.request(.POST, "/v1/crews/broken/runs", body: "{}")
        #expect(refused.status == 422 && refused.json?["error"]?["code"]?.stringValue == "invalid_crew")
    }

    @Test(arguments: StoreKind.available) func aRunStartsRunsAndIsRecorded(store: StoreKind) async throws {
        let server = try await ServerHarness.start(store: store)
        defer { Task { await server.stop() } }
        let started = try await server.request(
            .POST, "/v1/crews/echo/runs", body: #"{"inputs": {"topic": "tides", "count": 3}}"#)
        #expect(started.status == 202)
        let id = try #require(started.json?["id"]?.stringValue)
        #expect(started.header("Location") == "/v1/runs/\(id)")
        let run = try await server.waitForEnd(id)
        #expect(run["status"]?.stringValue == "succeeded" && run["inputs"]?["count"]?.stringValue == "3")
        #expect(run["tasks"]?.arrayValue?.map { $0["status"]?.stringValue } == ["succeeded", "succeeded"])
        let task = try await server.request(.GET, "/v1/runs/\(id)/tasks/first").json
        #expect(task?["output"]?.stringValue == "FIRST about it")
        #expect(
            task?["messages"]?.arrayValue?.last?["content"]?.stringValue?.contains("Write about tides, 3 times") == true
        )

        let listed = try await server.request(.GET, "/v1/runs?crew=echo&status=succeeded&limit=10")
        // A page is assembled from cached summaries: byte for byte what the one JSON writer makes of it.
        #expect(try JSONParser.parse(Array(listed.body.utf8)).serialized() + "\n" == listed.body)
        let again = try await server.request(.GET, "/v1/runs?crew=echo&status=succeeded&limit=10")
        #expect(again.body == listed.body)
        let list = listed.json
        #expect(list?["runs"]?.arrayValue?.map { $0["id"]?.stringValue } == [id])
        #expect(list?["runs"]?.arrayValue?.first?["inputs"] == nil, "a list gives summaries")
        let none = try await server.request(.GET, "/v1/runs?status=failed").json
        #expect(none?["runs"]?.arrayValue?.isEmpty == true)
    }

    @Test(arguments: StoreKind.available) func badRequestsGetTheOneErrorShape(store: StoreKind) async throws {
        let server = try await ServerHarness.start(store: store)
        defer { Task { await server.stop() } }
        struct Case {
            var method: HTTPMethod
            var path: String
            var body: String?
            var status: Int
            var code: String
            init(_ method: HTTPMethod, _ path: String, _ body: String? = nil, _ status: Int, _ code: String) {
                self.method = method
                self.path = path
                self.body = body
                self.status = status
                self.code = code
            }
        }
        let huge = "{\"inputs\": {\"topic\": \"" + String(repeating: "x", count: 2 << 20) + "\"}}"
        let cases: [Case] = [
            Case(.GET, "/v1/crews/nope", nil, 404, "not_found"),
            Case(.GET, "/v1/crews/..%2F..%2Fetc", nil, 404, "not_found"),
            Case(.GET, "/v1/runs/..%2F..%2Fetc", nil, 404, "not_found"),
            Case(.GET, "/v1/runs/20991231-000000-beef", nil, 404, "not_found"),
            Case(.GET, "/v1/nowhere", nil, 404, "not_found"),
            Case(.POST, "/v1/crews/echo/runs", "{not json", 400, "bad_request"),
            Case(.POST, "/v1/crews/echo/runs", #"{"inputs": {}, "extra": 1}"#, 400, "bad_request"),
            Case(.POST, "/v1/crews/echo/runs", #"{"inputs": {"count": 2}}"#, 422, "invalid_input"),
            Case(.POST, "/v1/crews/echo/runs", #"{"inputs": {"topic": "x", "count": "many"}}"#, 422, "invalid_input"),
            Case(.POST, "/v1/crews/echo/runs", #"{"inputs": {"topic": ["x"]}}"#, 422, "invalid_input"),
            Case(.POST, "/v1/crews/echo/runs", huge, 413, "payload_too_large"),
            Case(.GET, "/v1/runs?status=done", nil, 400, "bad_request"),
            Case(.GET, "/v1/runs?limit=0", nil, 400, "bad_request"),
            Case(.GET, "/v1/runs?crew='%20OR%201=1;--", nil, 200, ""),
            Case(.GET, "/v1/runs?cursor=../x", nil, 400, "bad_request"),
            Case(.GET, "/v1/runs?since=yesterday", nil, 400, "bad_request"),
            Case(.GET, "/v1/runs?bogus=1", nil, 400, "bad_request"),
        ]
        for test in cases {
            let (method, path, status, code) = (test.method, test.path, test.status, test.code)
            let answer = try await server.request(method, path, body: test.body)
            #expect(
                answer.status == status, "\(method) \(path.prefix(80)): \(answer.status) \(answer.body.prefix(300))")
            if !code.isEmpty {
                #expect(
                    answer.json?["error"]?["code"]?.stringValue == code,
                    "\(path.prefix(80)): \(answer.body.prefix(300))")
                #expect(answer.json?["error"]?["message"]?.stringValue?.isEmpty == false)
            }
            #expect(answer.header("X-Request-ID")?.isEmpty == false)
        }
        // Missing input: the same located message the CLI prints.
        let missing = try await server.request(.POST, "/v1/crews/echo/runs", body: #"{"inputs": {}}"#)
        #expect(missing.json?["error"]?["message"]?.stringValue?.contains("input `topic` (string) is required") == true)
        let echoed = try await server.request(.GET, "/healthz", headers: [("X-Request-ID", "abc-123")])
        #expect(echoed.header("X-Request-ID") == "abc-123")
        // An id that is not plain, or too long, is replaced: it goes into logs and headers.
        for hostile in ["<script>alert(1)</script>", "a b", String(repeating: "x", count: 300)] {
            let answer = try await server.request(.GET, "/healthz", headers: [("X-Request-ID", hostile)])
            #expect(answer.header("X-Request-ID") != hostile && answer.header("X-Request-ID")?.count == 36)
        }
    }

    @Test(arguments: StoreKind.available) func eventsReplayFromTheRecordAfterLastEventID(store: StoreKind) async throws
    {
        let server = try await ServerHarness.start(store: store)
        defer { Task { await server.stop() } }
        let started = try await server.request(.POST, "/v1/crews/echo/runs", body: #"{"inputs": {"topic": "tides"}}"#)
        let id = try #require(started.json?["id"]?.stringValue)
        // The run exists as soon as its 202 is out.
        #expect(try await server.request(.GET, "/v1/runs/\(id)").status == 200)
        // Read while it runs: the stream ends by itself after run_finished.
        let live = try await server.request(.GET, "/v1/runs/\(id)/events")
        #expect(live.status == 200 && live.header("Content-Type") == "text/event-stream")
        #expect(live.header("X-Accel-Buffering") == "no")
        let frames = live.body.components(separatedBy: "\n\n").filter { !$0.isEmpty && !$0.hasPrefix(":") }
        let ids: [Int] = frames.compactMap { frame in
            guard let line = frame.split(separator: "\n").first(where: { $0.hasPrefix("id: ") }) else { return nil }
            return Int(line.dropFirst(4))
        }
        #expect(ids.count >= 6, "\(live.body.prefix(500))")
        #expect(ids == Array(1..<(ids.count + 1)))
        #expect(frames.last?.contains("event: run_finished") == true)
        // The same events as the record, line for line.
        let lines = try String(contentsOfFile: server.folder.path + "/data/runs/\(id)/events.jsonl", encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == ids.count)
        // A reconnect after event 3 gets 4 onwards, from the record.
        let replay = try await server.request(.GET, "/v1/runs/\(id)/events", headers: [("Last-Event-ID", "3")])
        let replayed = replay.body.components(separatedBy: "\n\n").filter { $0.hasPrefix("id: ") }
        #expect(replayed.first?.hasPrefix("id: 4\n") == true && replayed.count == ids.count - 3)
    }
}

@Suite struct ServerRunControlTests {
    static func crew(baseURL: String) -> String {
        """
        version: 1
        name: slow
        models:
          m: { provider: openai, model: t, base_url: "\(baseURL)/v1", api_key: "${env:CREW_TEST_KEY}", max_retries: 1 }
        agents:
          a: { role: Worker, goal: Work }
        tasks:
          first: { agent: a, description: FIRST }
          second: { agent: a, description: SECOND, context: [first] }

        """
    }

    /// A server running crew `slow`, started, whose second task is in flight and answers only when `slow` is off.
    static func startSlowRun(slow: LockedFlag, store: StoreKind = .sqlite) async throws -> (
        ProviderTestServer, ServerHarness, String
    ) {
        let provider = try await ProviderTestServer.start { request in
            let reply = Behavior.reply(text: "done " + request.lastUserText.prefix(6))
            return slow.value && request.lastUserText.hasPrefix("SECOND") ? .delay(seconds: 60, then: reply) : reply
        }
        let server = try await ServerHarness.start(
            crews: ["slow": Self.crew(baseURL: provider.baseURL)], environment: ["CREW_TEST_KEY": "k"], store: store)
        let id = try #require(
            try await server.request(.POST, "/v1/crews/slow/runs", body: "{}").json?["id"]?.stringValue)
        for _ in 0..<400 where !provider.requests.contains(where: { $0.lastUserText.hasPrefix("SECOND") }) {
            try await Task.sleep(nanoseconds: 25_000_000)
        }
        return (provider, server, id)
    }

    @Test(arguments: StoreKind.available) func aRunIsCancelledThenResumedThroughTheAPI(store: StoreKind) async throws {
        let slow = LockedFlag(true)
        let (provider, server, id) = try await Self.startSlowRun(slow: slow, store: store)
        defer {
            Task {
                await server.stop()
                try? await provider.shutdown()
            }
        }
        let running = try await server.request(.GET, "/v1/runs/\(id)").json
        #expect(running?["status"]?.stringValue == "running" && running?["active"]?.boolValue == true)
        let resumeWhileRunning = try await server.request(.POST, "/v1/runs/\(id)/resume")
        #expect(resumeWhileRunning.status == 409)
        let cancelled = try await server.request(.POST, "/v1/runs/\(id)/cancel")
        #expect(cancelled.status == 202)
        let ended = try await server.waitForEnd(id)
        #expect(ended["status"]?.stringValue == "interrupted")
        #expect(try await server.request(.POST, "/v1/runs/\(id)/cancel").status == 409)

        slow.value = false
        let resumed = try await server.request(.POST, "/v1/runs/\(id)/resume")
        #expect(resumed.status == 202)
        let done = try await server.waitForEnd(id)
        #expect(done["status"]?.stringValue == "succeeded" && done["attempts"]?.intValue == 2)
        // The finished task was not asked again.
        #expect(provider.requests.filter { $0.lastUserText.hasPrefix("FIRST") }.count == 1)
        let again = try await server.request(.POST, "/v1/runs/\(id)/resume")
        #expect(again.status == 409 && again.json?["error"]?["details"]?["failure_code"]?.stringValue == "R507")
    }

    /// Descriptors this process holds on `path`: the recorder's own, and one per open event stream.
    static func descriptors(on path: String) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) == path
        }
        .count
    }

    @Test func aClientThatGoesAwayReleasesItsStream() async throws {
        let (provider, server, id) = try await Self.startSlowRun(slow: LockedFlag(true))
        defer {
            Task {
                await server.stop()
                try? await provider.shutdown()
            }
        }
        let events = server.folder.path + "/data/runs/\(id)/events.jsonl"
        let before = Self.descriptors(on: events)
        // A plain socket, so that closing it really closes the connection (a client library may drain and keep it).
        try Self.readFirstEventThenHangUp(port: server.port, path: "/v1/runs/\(id)/events")
        #expect(Self.descriptors(on: events) <= before + 1)
        // Gone within the heartbeat interval at the latest: the next write fails and the stream's file is closed.
        var released = false
        for _ in 0..<500 where !released {
            released = Self.descriptors(on: events) == before
            if !released { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        #expect(released, "the stream of a client that went away still holds the record open")
        _ = try await server.request(.POST, "/v1/runs/\(id)/cancel")
    }

    static func readFirstEventThenHangUp(port: Int, path: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(connected == 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains("id: 1") {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        #expect(String(decoding: received, as: UTF8.self).contains("event: run_started"))
    }

    @Test func aServerWithoutTokensListensOnThisMachineOnly() async throws {
        let folder = TemporaryFolder(prefix: "crew-serve-refuse")
        let server = CrewServer(
            configuration: ServerConfiguration(
                crewsFolder: folder.path, dataFolder: folder.path + "/data", host: "0.0.0.0", port: 0),
            engine: CrewEngine())
        await #expect(throws: CrewServer.RefusedAddress.self) { try await server.run(signals: false) }
    }
}

@Suite struct ServerAuthTests {
    @Test(arguments: StoreKind.available) func tokensAndRolesGuardTheAPI(store: StoreKind) async throws {
        let made = LockedTokens()
        let server = try await ServerHarness.start(
            host: "0.0.0.0", store: store,
            tokens: { tokens in
                for role in Role.allCases {
                    made.set(role.rawValue, try await tokens.create(name: role.rawValue, role: role).token)
                }
                made.set(
                    "expired",
                    try await tokens.create(
                        name: "old", role: .admin, expiresIn: 1, now: Date(timeIntervalSinceNow: -60)
                    )
                    .token)
                let revoked = try await tokens.create(name: "gone", role: .admin).token
                #expect(try await tokens.revoke("gone"))
                made.set("revoked", revoked)
            })
        defer { Task { await server.stop() } }
        func call(_ method: HTTPMethod, _ path: String, _ token: String?, body: String? = nil) async throws
            -> ServerHarness.Answer
        {
            try await server.request(
                method, path, body: body, headers: token.map { [("Authorization", "Bearer " + $0)] } ?? [])
        }
        let none = try await call(.GET, "/v1/crews", nil)
        #expect(none.status == 401 && none.header("WWW-Authenticate") == "Bearer")
        #expect(none.json?["error"]?["code"]?.stringValue == "unauthorized")
        for bad in ["nope", "crew_000000000000_x", made.get("expired"), made.get("revoked"), made.get("admin") + "x"] {
            #expect(try await call(.GET, "/v1/crews", bad).status == 401, "\(bad.prefix(20))")
        }
        #expect(try await server.request(.GET, "/healthz").status == 200)
        #expect(try await call(.GET, "/v1/crews", made.get("viewer")).status == 200)
        let forbidden = try await call(
            .POST, "/v1/crews/echo/runs", made.get("viewer"), body: #"{"inputs": {"topic": "t"}}"#)
        #expect(forbidden.status == 403 && forbidden.json?["error"]?["code"]?.stringValue == "forbidden")
        #expect(
            try await call(.POST, "/v1/crews/echo/runs", made.get("runner"), body: #"{"inputs": {"topic": "t"}}"#)
                .status == 202)
        #expect(try await call(.POST, "/v1/crews/reload", made.get("runner")).status == 403)
        #expect(try await call(.POST, "/v1/crews/reload", made.get("admin")).status == 200)
    }

    @Test(arguments: StoreKind.available) func aTokenIsStoredOnlyAsASaltedHash(store: StoreKind) async throws {
        let folder = TemporaryFolder(prefix: "crew-tokens")
        let postgres = store == .postgres ? try PostgresTestDatabase.make() : nil
        defer { postgres?.drop() }
        let location =
            postgres.map { StoreLocation.postgres(url: $0.url, password: StoreKind.password) }
            ?? .sqlite(dataFolder: folder.path)
        let opened = try await ServerStore.open(location)
        let tokens = opened.tokens
        let (token, info) = try await tokens.create(name: "ci", role: .runner)
        let secret = String(token.split(separator: "_", maxSplits: 2)[2])
        if store == .sqlite {
            let database = try #require(FileManager.default.contents(atPath: folder.path + "/crew.sqlite"))
            #expect(database.range(of: Data(secret.utf8)) == nil)
        }
        #expect(await tokens.verify(token) == info)
        #expect(try await tokens.list() == [info])
        await #expect(throws: TokenStore.Problem.self) { try await tokens.create(name: "ci", role: .admin) }
        await #expect(throws: TokenStore.Problem.self) { try await tokens.create(name: "../x", role: .admin) }
        #expect(try await tokens.revoke("ci"))
        #expect(await tokens.verify(token) == nil)
        #expect(try await !tokens.revoke("ci"))
        await opened.close()
    }
}
