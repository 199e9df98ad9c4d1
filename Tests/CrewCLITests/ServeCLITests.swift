import AsyncHTTPClient
import CrewCore
import CrewTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `crew serve` as a process: killed with -9 mid-run and started again, stopped with SIGTERM, and what its crews can
/// see of its secrets.
@Suite struct ServeCLITests {
    let cli = CLITests()
    let hardening = HardeningCLITests()

    static let webhookSecret = "whsec-never-leaves-the-server"

    /// A crews folder with `slow` (FIRST answers at once, SECOND when `slow` is off) and `leak`, whose key names the
    /// server's webhook secret.
    static func crews(_ provider: ProviderTestServer) -> TemporaryFolder {
        let folder = TemporaryFolder(prefix: "crew-serve-cli")
        let model = "provider: openai, model: t, base_url: \"\(provider.baseURL)/v1\", max_retries: 0, timeout: 120s"
        folder.write(
            "crews/slow/crew.yaml",
            """
            version: 1
            name: slow
            models:
              m: { \(model), api_key: "${env:CREW_TEST_KEY}" }
            agents:
              a: { role: Worker, goal: Work }
            tasks:
              first: { agent: a, description: FIRST }
              second: { agent: a, description: SECOND, context: [first] }

            """)
        folder.write(
            "crews/leak/crew.yaml",
            """
            version: 1
            name: leak
            models:
              m: { \(model), api_key: "${env:\(ServerSecrets.webhook)}" }
            agents:
              a: { role: Worker, goal: Work }
            tasks:
              only: { agent: a, description: LEAK }

            """)
        return folder
    }

    /// A `crew serve` of the crews folder, and how the tests talk to it.
    struct Served {
        let serve: ServeProcess
        var process: Process { serve.process }
        var port: Int { serve.port }
        var log: String { serve.log }

        static func start(_ folder: TemporaryFolder, environment: [String: String]) async throws -> Served {
            Served(
                serve: try await ServeProcess.start(
                    binary: CLITests.binary, arguments: [folder.path + "/crews", "--data", folder.path + "/data"],
                    environment: environment, logFolder: folder.path))
        }

        func call(_ method: String, _ path: String, body: String? = nil) async throws -> (Int, JSONValue?) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.method = HTTPMethod(rawValue: method)
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: body))
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 16 << 20)
            return (Int(response.status.code), try? JSONParser.parse(Array(bytes.readableBytesView)))
        }

        func waitForStatus(_ id: String, _ wanted: Set<String>) async throws -> JSONValue? {
            for _ in 0..<600 {
                let (_, run) = try await call("GET", "/v1/runs/\(id)")
                if let status = run?["status"]?.stringValue, wanted.contains(status), run?["active"]?.boolValue != true
                {
                    return run
                }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            Issue.record("run \(id) never reached \(wanted)")
            return nil
        }

        func exit(within seconds: Double) async -> Int32? {
            for _ in 0..<Int(seconds * 50) where process.isRunning { try? await Task.sleep(nanoseconds: 20_000_000) }
            return process.isRunning ? nil : process.terminationStatus
        }
    }

    enum ServerSecrets {
        static let webhook = "CREW_WEBHOOK_SECRET"
    }

    /// `crew token` is a command of its own (the README's first step for a server): a token made, listed without
    /// its secret, and revoked.
    @Test func tokensAreMadeListedAndRevokedFromTheCommandLine() async throws {
        let folder = TemporaryFolder(prefix: "crew-token")
        let data = folder.path + "/data"
        let made = try await cli.crew(["token", "create", "--name", "ops", "--role", "admin", "--data", data])
        #expect(made.status == 0, "\(made.stderr)")
        let token = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").last ?? ""
        #expect(token.hasPrefix("crew_"))
        let listed = try await cli.crew(["token", "list", "--data", data])
        #expect(listed.status == 0 && listed.stdout.contains("ops") && listed.stdout.contains("admin"))
        #expect(!listed.stdout.contains(token))
        #expect(try await cli.crew(["token", "revoke", "ops", "--data", data]).status == 0)
        #expect(try await cli.crew(["token", "list", "--data", data]).stdout.contains("revoked"))
    }

    @Test func aServerKilledMidRunRestartsAndResumesWithoutAskingAgain() async throws {
        let slow = LockedFlag(true)
        let provider = try await ProviderTestServer.start { request in
            let reply = Behavior.reply(text: "done " + request.lastUserText.prefix(6))
            return slow.value && request.lastUserText.hasPrefix("SECOND") ? .hang : reply
        }
        defer { Task { try? await provider.shutdown() } }
        let folder = Self.crews(provider)
        let environment = ["CREW_TEST_KEY": "k", ServerSecrets.webhook: Self.webhookSecret]
        let first = try await Served.start(folder, environment: environment)
        let (status, started) = try await first.call("POST", "/v1/crews/slow/runs", body: "{}")
        #expect(status == 202)
        let id = try #require(started?["id"]?.stringValue)
        try await hardening.runner.waitFor(
            { provider.requests.contains { $0.lastUserText.hasPrefix("SECOND") } }, seconds: 60)

        kill(first.process.processIdentifier, SIGKILL)
        #expect(await first.exit(within: 10) != nil)
        let record = try HardeningCLITests.json(folder.path + "/data/runs/\(id)/run.json")
        #expect(record["status"]?.stringValue == "running", "kill -9 leaves the record as it was")

        slow.value = false
        let second = try await Served.start(folder, environment: environment)
        defer { kill(second.process.processIdentifier, SIGKILL) }
        let (_, crashed) = try await second.call("GET", "/v1/runs/\(id)")
        #expect(crashed?["status"]?.stringValue == "interrupted" && crashed?["crashed"]?.boolValue == true)
        let (listed, runs) = try await second.call("GET", "/v1/runs?status=interrupted")
        #expect(listed == 200 && runs?["runs"]?.arrayValue?.first?["id"]?.stringValue == id)
        #expect(try await second.call("POST", "/v1/runs/\(id)/resume").0 == 202)
        let done = try await second.waitForStatus(id, ["succeeded", "failed"])
        #expect(done?["status"]?.stringValue == "succeeded" && done?["attempts"]?.intValue == 2)
        #expect(provider.requests.filter { $0.lastUserText.hasPrefix("FIRST") }.count == 1, "no finished task again")

        // The server's secrets are not the crews' to name: `${env:CREW_WEBHOOK_SECRET}` is unset for them, so the
        // request to this local server goes without a key.
        let (accepted, leak) = try await second.call("POST", "/v1/crews/leak/runs", body: "{}")
        #expect(accepted == 202)
        _ = try await second.waitForStatus(try #require(leak?["id"]?.stringValue), ["succeeded", "failed"])
        #expect(provider.requests.contains { $0.lastUserText.hasPrefix("LEAK") })
        for request in provider.requests {
            let seen =
                request.headers.map { "\($0.name): \($0.value)" }.joined()
                + String(decoding: request.body, as: UTF8.self)
            #expect(!seen.contains(Self.webhookSecret))
        }
    }

    @Test func sigtermStopsGracefullyAndRecordsTheRunInterrupted() async throws {
        let provider = try await ProviderTestServer.start { request in
            request.lastUserText.hasPrefix("SECOND") ? .hang : .reply(text: "done")
        }
        defer { Task { try? await provider.shutdown() } }
        let folder = Self.crews(provider)
        let served = try await Served.start(folder, environment: ["CREW_TEST_KEY": "k"])
        let (_, started) = try await served.call("POST", "/v1/crews/slow/runs", body: "{}")
        let id = try #require(started?["id"]?.stringValue)
        try await hardening.runner.waitFor(
            { provider.requests.contains { $0.lastUserText.hasPrefix("SECOND") } }, seconds: 60)
        kill(served.process.processIdentifier, SIGTERM)
        let status = await served.exit(within: 30)
        #expect(
            status == 0,
            "crew serve exits 0 after a graceful stop: \((try? String(contentsOfFile: served.log, encoding: .utf8)) ?? "")"
        )
        let record = try HardeningCLITests.json(folder.path + "/data/runs/\(id)/run.json")
        #expect(record["status"]?.stringValue == "interrupted")
        #expect(Record.result(folder.path + "/data/runs", id, "first")?["status"]?.stringValue == "succeeded")
    }
}
