import CrewCore
import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// The shared store: PostgreSQL through a pool of connections, so several `crew serve` replicas use one database.
final class PostgresDatabase: SQLDatabase {
    let client: PostgresClient
    let runner: Task<Void, Never>
    let shown: String
    var kind: DatabaseKind { .postgres }

    /// Connects once first, so that a server that is not there or refuses the login is reported at once, with
    /// PostgreSQL's own reason, instead of a pool retrying in the background.
    static func open(_ location: PostgresLocation) async throws -> PostgresDatabase {
        let logger = Logger(label: "crew.postgres")
        do {
            let probe = try await PostgresConnection.connect(
                on: PostgresClient.defaultEventLoopGroup.next(),
                configuration: PostgresConnection.Configuration(
                    host: location.host, port: location.port, username: location.user, password: location.password,
                    database: location.database, tls: try location.mode.connectionTLS()),
                id: 0, logger: logger
            ).get()
            try? await probe.close()
        } catch {
            throw StoreFailure(message: "cannot use the database \(location.shown): \(describe(error))")
        }
        return PostgresDatabase(location)
    }

    private init(_ location: PostgresLocation) {
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: location.mode.clientTLS)
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.maximumConnections = 16
        let client = PostgresClient(configuration: configuration, backgroundLogger: Logger(label: "crew.postgres"))
        self.client = client
        shown = location.shown
        runner = Task { await client.run() }
    }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws {
        _ = try await query(sql, binds)
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let statement = Self.statement(sql, binds)
        return try await guarded {
            var rows: [SQLRow] = []
            var columns: [String: Int]?
            for try await row in try await client.query(statement) {
                let names = columns ?? Dictionary(row.map { $0.columnName }.enumerated().map { ($1, $0) }) { a, _ in a }
                columns = names
                rows.append(SQLRow(columns: names, cells: try row.map(Self.cell)))
            }
            return rows
        }
    }

    func transaction(_ statements: [(String, [SQLValue])]) async throws {
        let queries = statements.map { Self.statement($0.0, $0.1) }
        try await guarded {
            try await client.withTransaction(logger: Logger(label: "crew.postgres")) { connection in
                for query in queries { _ = try await connection.query(query, logger: Logger(label: "crew.postgres")) }
            }
        }
    }

    func close() async {
        runner.cancel()
        _ = await runner.value
    }

    private func guarded<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw StoreFailure(message: "cannot use the database \(shown): \(Self.describe(error))")
        }
    }

    /// PostgreSQL's own message, or the connection's failure; never the statement or its values (a PSQLError's
    /// description would hold them).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: type(of: error)) }
        if let message = error.serverInfo?[.message] { return message }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }

    /// `?` placeholders become `$1`, `$2`, ...: the statements never hold a `?` of their own.
    static func statement(_ sql: String, _ binds: [SQLValue]) -> PostgresQuery {
        var text = ""
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
        }
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .text(let string): bindings.append(string)
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .null: bindings.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }

    static func cell(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int8: return .integer(try cell.decode(Int64.self))
        case .int4: return .integer(Int64(try cell.decode(Int32.self)))
        case .int2: return .integer(Int64(try cell.decode(Int16.self)))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float8: return .real(try cell.decode(Double.self))
        case .float4: return .real(Double(try cell.decode(Float.self)))
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`. A password in the URL is
/// accepted but shows on the command line: `CREW_DATABASE_PASSWORD` in the environment is the way to give it.
struct PostgresLocation: Sendable {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String
    var mode: SSLMode
    /// The URL without its password, for messages.
    var shown: String

    init(_ url: String, password: String?) throws {
        let hint =
            "--database must be postgres://USER@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require], with the "
            + "password in \(ServerConfiguration.databasePasswordVariable)"
        guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? ""),
            let host = parts.host, !host.isEmpty, let user = parts.user, !user.isEmpty
        else { throw StoreFailure(message: "cannot use the database: \(hint)") }
        let database = String(parts.path.dropFirst())
        guard Names.isValid(database) || database.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
            !database.isEmpty
        else { throw StoreFailure(message: "cannot use the database: name a database after the host; \(hint)") }
        self.host = host
        port = parts.port ?? 5432
        self.user = user
        self.password = password ?? parts.password
        self.database = database
        shown = "postgres://\(user)@\(host):\(port)/\(database)"
        guard let mode = SSLMode(rawValue: parts.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer")
        else { throw StoreFailure(message: "cannot use the database: sslmode must be disable, prefer or require") }
        self.mode = mode
    }

    enum SSLMode: String {
        case disable, prefer, require

        var clientTLS: PostgresClient.Configuration.TLS {
            switch self {
            case .disable: return .disable
            case .prefer: return .prefer(.makeClientConfiguration())
            case .require: return .require(.makeClientConfiguration())
            }
        }

        func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
            switch self {
            case .disable: return .disable
            case .prefer: return .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        }
    }
}
