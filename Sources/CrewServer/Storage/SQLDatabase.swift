import CrewCore
import Foundation

/// A value crossing into or out of the server's database: the four types both stores share.
enum SQLValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case real(Double)
    case null

    static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
    static func optional(_ number: Int?) -> SQLValue { number.map { .integer(Int64($0)) } ?? .null }
    static func optional(_ number: Double?) -> SQLValue { number.map(SQLValue.real) ?? .null }
    static func time(_ date: Date) -> SQLValue { .real(date.timeIntervalSince1970) }
    static func time(_ date: Date?) -> SQLValue { date.map(time) ?? .null }
}

/// One row of a result, read by column name. The rows of one result share one name → position map.
struct SQLRow: Sendable {
    var columns: [String: Int]
    var cells: [SQLValue]

    subscript(_ column: String) -> SQLValue? { columns[column].map { cells[$0] } }

    func text(_ column: String) -> String? {
        if case .text(let value) = self[column] { return value }
        return nil
    }

    func int(_ column: String) -> Int? {
        switch self[column] {
        case .integer(let value): return Int(clamping: value)
        case .real(let value) where value.isFinite && abs(value) < 9e15: return Int(value)
        default: return nil
        }
    }

    func double(_ column: String) -> Double? {
        switch self[column] {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    func date(_ column: String) -> Date? { double(column).map(Date.init(timeIntervalSince1970:)) }
}

/// The server's database, SQLite or PostgreSQL. Statements are written once, in the SQL both understand, with `?`
/// for each bound value; a store translates what it must. Nothing is ever spliced into SQL text.
protocol SQLDatabase: Sendable {
    var kind: DatabaseKind { get }
    func execute(_ sql: String, _ binds: [SQLValue]) async throws
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
    /// Runs `statements` in one transaction: all of them or none.
    func transaction(_ statements: [(String, [SQLValue])]) async throws
    func close() async
}

extension SQLDatabase {
    func execute(_ sql: String) async throws { try await execute(sql, []) }
}

enum DatabaseKind: String, Sendable {
    case sqlite, postgres
}

/// A database failure, told without the statement's values or the connection's password.
struct StoreFailure: CodedFailure {
    var message: String
    var code: FailureCode { .r519 }
    var description: String { message }
}
