import AsyncHTTPClient
import CrewCore
import CrewDocuments
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Tells a run's webhook that the run ended: a JSON POST signed with HMAC-SHA256 over `<timestamp>.<body>` with the
/// server's webhook secret (`X-Crew-Signature: sha256=<hex>`, `X-Crew-Timestamp`), carrying the run's event
/// sequence number (the line count of events.jsonl: a client that saw that SSE id has seen every event).
struct WebhookSender: Sendable {
    let http: HTTPClient
    let secret: [UInt8]
    let logger: Logger
    /// Waits between attempts; a 2xx ends them, a 4xx other than 408/429 too.
    var backoff: [Duration] = [.seconds(2), .seconds(8)]

    /// A webhook URL must be http(s) with a host and no credentials, at most 2048 characters.
    static func check(_ text: String) -> String? {
        guard text.utf8.count <= 2048, let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty, url.user == nil,
            url.password == nil
        else { return nil }
        return text
    }

    static func body(_ record: RunRecord, sequence: Int) -> String {
        JSONValue.object([
            "type": .string("run.finished"),
            "sequence": .int(sequence),
            "run": .object(dropping: [
                ("id", .string(record.id)), ("crew", .string(record.crew)), ("status", .string(record.status.rawValue)),
                ("attempts", .int(record.attempts)),
                ("finished_at", record.finishedAt.map { .string(Timestamp.iso8601($0)) }),
                ("duration_ms", record.durationMS.map(JSONValue.int)), ("totals", record.totals?.json),
            ]),
        ]).serialized()
    }

    static func signature(secret: [UInt8], timestamp: String, body: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Array((timestamp + "." + body).utf8), using: SymmetricKey(data: secret))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// Delivers `body` to `url`, retrying on network failures, 408, 429 and 5xx. Returns the last status (nil when
    /// no answer came).
    @discardableResult
    func deliver(_ body: String, to url: String, runID: String) async -> Int? {
        var last: Int?
        for attempt in 0...backoff.count {
            if attempt > 0 { try? await Task.sleep(for: backoff[attempt - 1]) }
            let timestamp = String(Int(Date().timeIntervalSince1970))
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "crew-serve")
            request.headers.add(name: "X-Crew-Event", value: "run.finished")
            request.headers.add(name: "X-Crew-Delivery", value: UUID().uuidString.lowercased())
            request.headers.add(name: "X-Crew-Timestamp", value: timestamp)
            request.headers.add(
                name: "X-Crew-Signature", value: Self.signature(secret: secret, timestamp: timestamp, body: body))
            request.body = .bytes(ByteBuffer(string: body))
            do {
                let response = try await http.execute(request, timeout: .seconds(10))
                _ = try? await response.body.collect(upTo: 64 << 10)
                last = Int(response.status.code)
                if (200..<300).contains(response.status.code) { return last }
                if response.status.code < 500, ![408, 429].contains(response.status.code) { break }
            } catch {
                last = nil
            }
        }
        logger.warning("webhook of run \(runID) failed (last status \(last.map(String.init) ?? "none"))")
        return last
    }
}
