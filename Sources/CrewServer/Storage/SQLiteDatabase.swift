import CrewCore
import Foundation
import GRDB

/// The embedded store: `<data>/crew.sqlite`, in WAL mode so readers never wait for the writer.
final class SQLiteDatabase: SQLDatabase {
    let pool: DatabasePool
    var kind: DatabaseKind { .sqlite }

    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreFailure(message: "cannot open the database \(path): \(Self.describe(error))")
        }
    }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws {
        try await guarded {
            try await self.pool.write { db in try db.execute(sql: sql, arguments: Self.arguments(binds)) }
        }
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let arguments = Self.arguments(binds)
        // RETURNING makes a statement that changes rows answer like a query.
        let reads = sql.hasPrefix("SELECT")
        return try await guarded {
            let rows =
                reads
                ? try await self.pool.read { db in try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
                }
                : try await self.pool.write { db in
                    try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
                }
            guard let first = rows.first else { return [] }
            let columns = Dictionary(first.columnNames.enumerated().map { ($1, $0) }) { a, _ in a }
            return rows.map { Self.row($0, columns: columns) }
        }
    }

    func transaction(_ statements: [(String, [SQLValue])]) async throws {
        try await guarded {
            try await self.pool.write { db in
                for (sql, binds) in statements { try db.execute(sql: sql, arguments: Self.arguments(binds)) }
            }
        }
    }

    func close() async { try? pool.close() }

    private func guarded<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError {
            throw StoreFailure(message: "the database failed: \(Self.describe(error))")
        }
    }

    /// The error's kind and SQLite's own message, never the statement's arguments.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DatabaseError else { return "\(error)" }
        return error.message ?? "SQLite error \(error.resultCode.rawValue)"
    }

    static func arguments(_ binds: [SQLValue]) -> StatementArguments {
        StatementArguments(
            binds.map { value -> DatabaseValue in
                switch value {
                case .text(let text): return text.databaseValue
                case .integer(let number): return number.databaseValue
                case .real(let number): return number.databaseValue
                case .null: return .null
                }
            })
    }

    static func row(_ row: Row, columns: [String: Int]) -> SQLRow {
        SQLRow(
            columns: columns,
            cells: row.databaseValues.map { value in
                switch value.storage {
                case .null: return .null
                case .int64(let number): return .integer(number)
                case .double(let number): return .real(number)
                case .string(let text): return .text(text)
                case .blob(let data): return .text(String(decoding: data, as: UTF8.self))
                }
            })
    }
}
