import CrewCore
import Crypto
import Foundation
import GRDB

/// What a token may do: a viewer reads; a runner also starts, cancels and resumes runs; an admin also reloads crews.
public enum Role: String, Sendable, CaseIterable, Comparable {
    case viewer, runner, admin

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
}

/// A token as listed: never its secret, which is shown once when it is made and stored only as a salted hash.
public struct TokenInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var role: Role
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    public func isActive(at now: Date = Date()) -> Bool {
        revokedAt == nil && (expiresAt.map { now < $0 } ?? true)
    }
}

/// API tokens in the server's SQLite database (`<data>/crew.sqlite`). A token is `crew_<id>_<secret>`: the id finds
/// its row, and the secret is checked against SHA-256(salt + secret) in constant time.
public final class TokenStore: Sendable {
    let database: DatabaseQueue

    public struct Problem: CodedFailure {
        public var message: String
        public var code: FailureCode { .r518 }
        public var description: String { message }
    }

    public init(dataFolder: String) throws {
        try FileManager.default.createDirectory(atPath: dataFolder, withIntermediateDirectories: true)
        database = try DatabaseQueue(path: FileSystem.join(dataFolder, "crew.sqlite"))
        var migrator = DatabaseMigrator()
        migrator.registerMigration("tokens-v1") { db in
            try db.create(table: "tokens") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull().unique()
                t.column("role", .text).notNull()
                t.column("salt", .blob).notNull()
                t.column("hash", .blob).notNull()
                t.column("created_at", .double).notNull()
                t.column("expires_at", .double)
                t.column("revoked_at", .double)
            }
        }
        try migrator.migrate(database)
    }

    /// Makes a token; the returned text is the only time its secret exists outside the caller's hands.
    public func create(name: String, role: Role, expiresIn: Double? = nil, now: Date = Date()) throws -> (
        token: String, info: TokenInfo
    ) {
        guard Names.isValid(name) else { throw Problem(message: "a token's name must use \(Names.rule)") }
        let id = Self.hex(Self.random(6))
        let secret = Self.base64URL(Self.random(32))
        let salt = Self.random(16)
        // Times as the database gives them back (seconds since 1970), so what is returned equals what is listed.
        let created = Date(timeIntervalSince1970: now.timeIntervalSince1970)
        let info = TokenInfo(
            id: id, name: name, role: role, createdAt: created,
            expiresAt: expiresIn.map { Date(timeIntervalSince1970: now.timeIntervalSince1970 + $0) })
        do {
            try database.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO tokens (id, name, role, salt, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        id, name, role.rawValue, Data(salt), Data(Self.hash(salt: salt, secret: secret)),
                        now.timeIntervalSince1970, info.expiresAt?.timeIntervalSince1970,
                    ])
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw Problem(message: "a token named `\(name)` exists; revoke it or choose another name")
        }
        return ("crew_\(id)_\(secret)", info)
    }

    public func list() throws -> [TokenInfo] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM tokens ORDER BY created_at, name").compactMap(Self.info)
        }
    }

    /// Revokes the token named `name` (or with id `name`); false when there is none.
    public func revoke(_ name: String, now: Date = Date()) throws -> Bool {
        try database.write { db in
            try db.execute(
                sql: "UPDATE tokens SET revoked_at = ? WHERE (name = ? OR id = ?) AND revoked_at IS NULL",
                arguments: [now.timeIntervalSince1970, name, name])
            return db.changesCount > 0
        }
    }

    /// Whether any token can still be used: then every API request needs one. Asked on every request, so one
    /// query that stops at the first live row.
    public func hasActiveTokens(now: Date = Date()) throws -> Bool {
        try database.read { db in
            try Bool.fetchOne(
                db,
                sql:
                    "SELECT EXISTS (SELECT 1 FROM tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?))",
                arguments: [now.timeIntervalSince1970]) ?? false
        }
    }

    /// The token's holder, when the text is a live token; nil for anything else, in the same time whatever is wrong.
    public func verify(_ text: String, now: Date = Date()) -> TokenInfo? {
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "crew", parts[1].count == 12, parts[2].count <= 128,
            let row = try? database.read({ db in
                try Row.fetchOne(db, sql: "SELECT * FROM tokens WHERE id = ?", arguments: [String(parts[1])])
            }),
            let info = Self.info(row), let salt = row["salt"] as Data?, let stored = row["hash"] as Data?
        else { return nil }
        let given = Self.hash(salt: Array(salt), secret: String(parts[2]))
        guard Self.constantTimeEqual(given, Array(stored)), info.isActive(at: now) else { return nil }
        return info
    }

    static func info(_ row: Row) -> TokenInfo? {
        guard let role = Role(rawValue: row["role"] ?? "") else { return nil }
        return TokenInfo(
            id: row["id"], name: row["name"], role: role,
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            expiresAt: (row["expires_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    static func hash(salt: [UInt8], secret: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: Array(secret.utf8))
        return Array(hasher.finalize())
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func random(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
