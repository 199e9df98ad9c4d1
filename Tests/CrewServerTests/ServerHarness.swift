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

/// The stores a server test runs against: SQLite always; PostgreSQL when `CREW_TEST_POSTGRES` names a server
/// (`.ci/run` starts one, and sets `CREW_REQUIRE_POSTGRES=1` so that its absence fails instead of skipping).
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static var adminURL: String? { ProcessInfo.processInfo.environment["CREW_TEST_POSTGRES"] }

    static var available: [StoreKind] { adminURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// The test database's password, never in a URL.
    static var password: String? { ProcessInfo.processInfo.environment["CREW_DATABASE_PASSWORD"] }
}

/// A database of its own on the test PostgreSQL server, dropped when the test ends.
struct PostgresTestDatabase {
    let name: String
    let url: String

    static func make() throws -> PostgresTestDatabase {
        let admin = try #require(StoreKind.adminURL, "CREW_TEST_POSTGRES is not set")
        let name = "crew_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try psql(admin, "CREATE DATABASE \(name)")
        var parts = try #require(URLComponents(string: admin))
        parts.path = "/" + name
        parts.query = "sslmode=disable"
        return PostgresTestDatabase(name: String(name), url: try #require(parts.string))
    }

    func drop() {
        guard let admin = StoreKind.adminURL else { return }
        try? Self.psql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    static func psql(_ url: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = environment["CREW_DATABASE_PASSWORD"]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PsqlFailed(sql: sql) }
    }

    struct PsqlFailed: Error, CustomStringConvertible {
        let sql: String
        var description: String { "psql failed: \(sql) (is PostgreSQL running?)" }
    }
}

/// A `crew serve` on 127.0.0.1 with a port of its own, on the store asked for, and an HTTP client to talk to it.
final class ServerHarness: @unchecked Sendable {
    let folder = TemporaryFolder(prefix: "crew-serve")
    let engine: CrewEngine
    let http: HTTPClient
    let postgres: PostgresTestDatabase?
    private(set) var configuration: ServerConfiguration
    private var task: Task<Void, any Error>?
    private(set) var port = 0

    /// A harness whose start failed (no PostgreSQL, say) is never stopped: its client must still be shut down, or
    /// AsyncHTTPClient stops the test process.
    deinit {
        http.shutdown { _ in }
    }

    init(environment: [String: String], store: StoreKind, host: String) throws {
        engine = CrewEngine(
            configuration: CrewEngine.Configuration(
                environment: environment,
                retry: RetryPolicy(maxRetries: 1, baseDelay: 0.01, maxDelay: 0.05)))
        postgres = store == .postgres ? try PostgresTestDatabase.make() : nil
        // Made after the last step that can throw: an initializer that throws runs no deinit, so a client made
        // before it would be freed without a shutdown, and AsyncHTTPClient stops the process (PostgreSQL down).
        http = HTTPClient(eventLoopGroupProvider: .singleton)
        configuration = ServerConfiguration(
            crewsFolder: folder.path + "/crews", dataFolder: folder.path + "/data", host: host, port: 0)
        configuration.databaseURL = postgres?.url
        configuration.databasePassword = StoreKind.password
        configuration.watchInterval = 0.2
    }

    static let mockCrew = """
        version: 1
        name: echo
        inputs:
          topic: { type: string }
          count: { type: integer, default: 2 }
        models:
          m: { provider: mock, replies: { first: "FIRST about it", second: "SECOND" } }
        agents:
          a: { role: Writer, goal: Write }
        tasks:
          first: { agent: a, description: "Write about {topic}, {count} times" }
          second: { agent: a, description: Summarize, context: [first] }

        """

    static func start(
        crews: [String: String] = ["echo": mockCrew], environment: [String: String] = [:], host: String = "127.0.0.1",
        store: StoreKind = .sqlite, configure: (inout ServerConfiguration) -> Void = { _ in },
        tokens: (TokenStore) async throws -> Void = { _ in }
    ) async throws -> ServerHarness {
        let harness = try ServerHarness(environment: environment, store: store, host: host)
        for (name, yaml) in crews { harness.folder.write("crews/\(name)/crew.yaml", yaml) }
        configure(&harness.configuration)
        try await harness.withStore(tokens)
        try await harness.launch()
        return harness
    }

    /// The server's store, opened beside it (the way `crew token` does).
    func withStore(_ body: (TokenStore) async throws -> Void) async throws {
        let store = try await ServerStore.open(configuration.store)
        try await body(store.tokens)
        await store.close()
    }

    func launch() async throws {
        let server = CrewServer(configuration: configuration, engine: engine)
        let bound = AsyncStream<Int>.makeStream()
        task = Task {
            defer { bound.continuation.finish() }
            try await server.run(signals: false) { bound.continuation.yield($0) }
        }
        for await port in bound.stream {
            self.port = port
            break
        }
        if port == 0 { _ = try await task?.value }
    }

    /// Stops the server as a crash would not: its runs are cancelled, then it is started again on the same data.
    func restart(configure: (inout ServerConfiguration) -> Void = { _ in }) async throws {
        task?.cancel()
        _ = try? await task?.value
        configure(&configuration)
        try await launch()
    }

    func stop() async {
        task?.cancel()
        _ = try? await task?.value
        try? await http.shutdown()
        await engine.shutdown()
        postgres?.drop()
    }

    struct Answer {
        var status: Int
        var headers: [(String, String)]
        var body: String
        var json: JSONValue? { try? JSONParser.parse(Array(body.utf8)) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = [],
        contentType: String = "application/json"
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Answer(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: bytes))
    }

    /// Starts a run of crew `echo` about `topic`, waits for its end, and gives its id.
    func finishedEchoRun(topic: String = "t") async throws -> String {
        let started = try await request(.POST, "/v1/crews/echo/runs", body: #"{"inputs": {"topic": "\#(topic)"}}"#)
        let id = try #require(started.json?["id"]?.stringValue, "\(started.status) \(started.body.prefix(200))")
        _ = try await waitForEnd(id)
        return id
    }

    /// Polls the run until it ends.
    func waitForEnd(_ id: String, headers: [(String, String)] = []) async throws -> JSONValue {
        for _ in 0..<600 {
            let run = try await request(.GET, "/v1/runs/\(id)", headers: headers).json
            if let status = run?["status"]?.stringValue, !["running", "queued"].contains(status),
                run?["active"]?.boolValue != true
            {
                return run ?? .null
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        Issue.record("run \(id) did not end")
        return .null
    }
}

final class LockedTokens: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [String: String] = [:]
    func set(_ name: String, _ token: String) { lock.withLock { tokens[name] = token } }
    func get(_ name: String) -> String { lock.withLock { tokens[name] ?? "" } }
}

@Suite struct StoreAvailabilityTests {
    /// CI starts PostgreSQL and sets CREW_REQUIRE_POSTGRES=1: there the PostgreSQL half of the suite must run.
    @Test func postgresIsThereWhenRequired() {
        guard ProcessInfo.processInfo.environment["CREW_REQUIRE_POSTGRES"] == "1" else { return }
        #expect(StoreKind.available.contains(.postgres), "CREW_REQUIRE_POSTGRES=1 but CREW_TEST_POSTGRES is not set")
    }
}

@Suite struct StoreFailureTests {
    /// A store that refuses the login, or a URL that is not one, is told without the password.
    @Test func aStoreThatCannotBeUsedIsToldWithoutItsPassword() async throws {
        await #expect(throws: (any Error).self) {
            _ = try await ServerStore.open(.postgres(url: "mysql://root@db/x", password: "hunter2-secret"))
        }
        guard let admin = StoreKind.adminURL else { return }
        do {
            _ = try await ServerStore.open(.postgres(url: admin + "?sslmode=disable", password: "hunter2-secret"))
            Issue.record("a wrong password was accepted")
        } catch {
            let text = "\(error)"
            #expect(!text.contains("hunter2-secret") && text.contains("postgres://"), "\(text)")
        }
        do {
            _ = try await ServerStore.open(
                .postgres(url: "postgres://crew:in-the-url-secret@127.0.0.1:1/x?sslmode=disable", password: nil))
            Issue.record("a closed port was usable")
        } catch {
            #expect(!"\(error)".contains("in-the-url-secret"), "\(error)")
        }
    }
}
