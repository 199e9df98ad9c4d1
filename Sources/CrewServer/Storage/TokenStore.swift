import CrewCore
import Crypto
import Foundation

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

/// API tokens in the server's database. A token is `crew_<id>_<secret>`: the id finds its row, and the secret is
/// checked against SHA-256(salt + secret) in constant time. The secret itself is never stored.
public struct TokenStore: Sendable {
    let database: any SQLDatabase

    public struct Problem: CodedFailure {
        public var message: String
        public var code: FailureCode { .r518 }
        public var description: String { message }
    }

    /// Makes a token; the returned text is the only time its secret exists outside the caller's hands.
    public func create(name: String, role: Role, expiresIn: Double? = nil, now: Date = Date()) async throws -> (
        token: String, info: TokenInfo
    ) {
        guard Names.isValid(name) else { throw Problem(message: "a token's name must use \(Names.rule)") }
        // Times as the database gives them back (seconds since 1970), so what is returned equals what is listed.
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970)
        let id = Self.hex(Self.random(6))
        let secret = Self.base64URL(Self.random(32))
        let salt = Self.random(16)
        let info = TokenInfo(
            id: id, name: name, role: role, createdAt: now,
            expiresAt: expiresIn.map { now.addingTimeInterval($0) })
        let inserted = try await database.query(
            """
            INSERT INTO tokens (id, name, role, salt, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (name) DO NOTHING RETURNING id
            """,
            [
                .text(id), .text(name), .text(role.rawValue), .text(Self.hex(salt)),
                .text(Self.hex(Self.hash(salt: salt, secret: secret))), .time(now), .time(info.expiresAt),
            ])
        guard !inserted.isEmpty else {
            throw Problem(message: "a token named `\(name)` exists; revoke it or choose another name")
        }
        return ("crew_\(id)_\(secret)", info)
    }

    public func list() async throws -> [TokenInfo] {
        try await database.query("SELECT * FROM tokens ORDER BY created_at, name", []).compactMap(Self.info)
    }

    /// Revokes the token named `name` (or with id `name`); false when there is none.
    public func revoke(_ name: String, now: Date = Date()) async throws -> Bool {
        let rows = try await database.query(
            "UPDATE tokens SET revoked_at = ? WHERE (name = ? OR id = ?) AND revoked_at IS NULL RETURNING id",
            [.time(now), .text(name), .text(name)])
        return !rows.isEmpty
    }

    /// Whether any token can still be used: then every API request needs one (or a JWT).
    public func hasActiveTokens(now: Date = Date()) async throws -> Bool {
        let rows = try await database.query(
            """
            SELECT 1 AS live FROM tokens WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) LIMIT 1
            """, [.time(now)])
        return !rows.isEmpty
    }

    /// The token's holder, when the text is a live token; nil for anything else, in the same time whatever is wrong.
    public func verify(_ text: String, now: Date = Date()) async -> TokenInfo? {
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "crew", parts[1].count == 12, parts[2].count <= 128,
            let row = try? await database.query("SELECT * FROM tokens WHERE id = ?", [.text(String(parts[1]))]).first,
            let info = Self.info(row), let salt = row.text("salt").flatMap(Self.bytes),
            let stored = row.text("hash").flatMap(Self.bytes)
        else { return nil }
        let given = Self.hash(salt: salt, secret: String(parts[2]))
        guard Self.constantTimeEqual(given, stored), info.isActive(at: now) else { return nil }
        return info
    }

    static func info(_ row: SQLRow) -> TokenInfo? {
        guard let role = Role(rawValue: row.text("role") ?? ""), let id = row.text("id"), let name = row.text("name"),
            let created = row.date("created_at")
        else { return nil }
        return TokenInfo(
            id: id, name: name, role: role, createdAt: created, expiresAt: row.date("expires_at"),
            revokedAt: row.date("revoked_at"))
    }

    static func bytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: return nil
        }
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
