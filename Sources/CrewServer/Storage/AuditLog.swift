import CrewCore
import Foundation

/// Who did what, when and from where: every request that changes something (starting, cancelling and resuming
/// runs, reloading crews, making and revoking tokens), whether it was allowed or not.
struct AuditLog: Sendable {
    let database: any SQLDatabase

    struct Entry: Sendable, Equatable {
        var id: String
        var at: Date
        /// The token's name, `jwt:<subject>`, or `anonymous` while the API is open.
        var actor: String
        /// `POST /v1/crews/{name}/runs` as the route is written, never with a client's text in it.
        var action: String
        /// The crew, run or token acted on.
        var target: String?
        var address: String?
        var requestID: String?
        var status: Int
    }

    func append(_ entry: Entry) async throws {
        try await database.execute(
            "INSERT INTO audit (id, at, actor, action, target, address, request_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .text(entry.id), .time(entry.at), .text(entry.actor), .text(entry.action), .optional(entry.target),
                .optional(entry.address), .optional(entry.requestID), .integer(Int64(entry.status)),
            ])
    }

    /// Newest first, before the entry `cursor`.
    func page(limit: Int, cursor: String?) async throws -> [Entry] {
        let rows =
            if let cursor {
                try await database.query(
                    "SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?",
                    [.text(cursor), .integer(Int64(limit))])
            } else {
                try await database.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))])
            }
        return rows.compactMap { row in
            guard let id = row.text("id"), let at = row.date("at"), let actor = row.text("actor"),
                let action = row.text("action")
            else { return nil }
            return Entry(
                id: id, at: at, actor: actor, action: action, target: row.text("target"),
                address: row.text("address"), requestID: row.text("request_id"), status: row.int("status") ?? 0)
        }
    }

    /// Ids sort by time: milliseconds since 1970 in 13 digits, then 8 random hex digits.
    static func newID(at date: Date) -> String {
        let milliseconds = max(0, Int64(date.timeIntervalSince1970 * 1000))
        let stamp = String(milliseconds)
        return String(repeating: "0", count: max(0, 13 - stamp.count)) + stamp + "-"
            + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
    }

    static func isID(_ text: String) -> Bool {
        text.utf8.count == 22 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || $0 == 45 }
    }
}

/// `Idempotency-Key`: a client that sends the same key twice (a retry after a timeout) gets the first run back
/// instead of a second run. Keys belong to the caller, and a key reused with another request is refused.
struct IdempotencyKeys: Sendable {
    let database: any SQLDatabase

    enum Claim: Equatable {
        /// The key is new: the caller starts the run with this id.
        case new
        /// The key was used for the same request: this run.
        case replay(runID: String)
        /// The key was used for a different request.
        case mismatch
    }

    /// Records `key` for `runID` unless it exists; says what the key held before.
    func claim(actor: String, key: String, fingerprint: String, runID: String, now: Date = Date()) async throws
        -> Claim
    {
        let inserted = try await database.query(
            """
            INSERT INTO idempotency (actor, key, fingerprint, run_id, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (actor, key) DO NOTHING RETURNING run_id
            """, [.text(actor), .text(key), .text(fingerprint), .text(runID), .time(now)])
        if !inserted.isEmpty { return .new }
        guard
            let row = try await database.query(
                "SELECT fingerprint, run_id FROM idempotency WHERE actor = ? AND key = ?", [.text(actor), .text(key)]
            ).first, let existing = row.text("run_id")
        else { return .mismatch }
        return row.text("fingerprint") == fingerprint ? .replay(runID: existing) : .mismatch
    }

    /// Forgets a key whose run could not start, so a retry may start it.
    func release(actor: String, key: String) async throws {
        try await database.execute("DELETE FROM idempotency WHERE actor = ? AND key = ?", [.text(actor), .text(key)])
    }
}
