import CrewCore
import Foundation

/// Where the server keeps its tokens, run index, audit log and idempotency keys.
public enum StoreLocation: Sendable {
    /// `<data>/crew.sqlite`, the embedded default.
    case sqlite(dataFolder: String)
    /// A `postgres://` URL, for replicas sharing one store, and the password (`CREW_DATABASE_PASSWORD`).
    case postgres(url: String, password: String?)
}

/// The server's database, opened and brought to the current schema. Run records stay files (run-record.md): the
/// database indexes them, and `crew serve --reindex` rebuilds the index from them.
public final class ServerStore: Sendable {
    let database: any SQLDatabase
    public let tokens: TokenStore
    let runs: RunIndex
    let audit: AuditLog
    let idempotency: IdempotencyKeys

    init(database: any SQLDatabase) {
        self.database = database
        tokens = TokenStore(database: database)
        runs = RunIndex(database: database)
        audit = AuditLog(database: database)
        idempotency = IdempotencyKeys(database: database)
    }

    public static func open(_ location: StoreLocation) async throws -> ServerStore {
        let database: any SQLDatabase
        switch location {
        case .sqlite(let folder):
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreFailure(message: "cannot make the data folder \(folder): \(error.localizedDescription)")
            }
            database = try SQLiteDatabase(path: FileSystem.join(folder, "crew.sqlite"))
        case .postgres(let url, let password):
            database = try await PostgresDatabase.open(try PostgresLocation(url, password: password))
        }
        do {
            try await Schema.migrate(database)
        } catch {
            await database.close()
            throw error
        }
        return ServerStore(database: database)
    }

    public func close() async { await database.close() }
}

/// The tables, in SQL that SQLite and PostgreSQL both read. Times are seconds since 1970 (DOUBLE PRECISION); a
/// version row says which statements ran, so a newer server adds to an older database and never drops from it.
enum Schema {
    static let version = 1

    static let statements: [String] = [
        """
        CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,
          salt TEXT NOT NULL, hash TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
          expires_at DOUBLE PRECISION, revoked_at DOUBLE PRECISION)
        """,
        """
        CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, crew TEXT NOT NULL, status TEXT NOT NULL,
          started_at DOUBLE PRECISION NOT NULL, finished_at DOUBLE PRECISION, duration_ms BIGINT,
          attempts BIGINT NOT NULL, tasks BIGINT NOT NULL, succeeded BIGINT NOT NULL, failed BIGINT NOT NULL,
          input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, cost_usd DOUBLE PRECISION,
          crashed BIGINT NOT NULL, request TEXT, requested_by TEXT)
        """,
        "CREATE INDEX IF NOT EXISTS runs_by_start ON runs (started_at, id)",
        "CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status)",
        """
        CREATE TABLE IF NOT EXISTS run_tasks (run_id TEXT NOT NULL, task TEXT NOT NULL, crew TEXT NOT NULL,
          model TEXT, status TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL, latency_ms BIGINT NOT NULL,
          input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL, cost_usd DOUBLE PRECISION,
          PRIMARY KEY (run_id, task))
        """,
        "CREATE INDEX IF NOT EXISTS run_tasks_by_start ON run_tasks (started_at)",
        """
        CREATE TABLE IF NOT EXISTS audit (id TEXT PRIMARY KEY, at DOUBLE PRECISION NOT NULL, actor TEXT NOT NULL,
          action TEXT NOT NULL, target TEXT, address TEXT, request_id TEXT, status BIGINT NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS idempotency (actor TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
          run_id TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (actor, key))
        """,
        "CREATE TABLE IF NOT EXISTS crew_schema (version BIGINT NOT NULL)",
    ]

    static func migrate(_ database: any SQLDatabase) async throws {
        try await database.transaction(statements.map { ($0, []) })
        let rows = try await database.query("SELECT version FROM crew_schema", [])
        let found = rows.compactMap { $0.int("version") }.max()
        if let found, found > version {
            throw StoreFailure(
                message: "the database was made by a newer crew (schema \(found), this crew reads \(version)); "
                    + "upgrade crew")
        }
        if found == nil { try await database.execute("INSERT INTO crew_schema (version) VALUES (?)", [.integer(1)]) }
    }
}
