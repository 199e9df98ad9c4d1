import CrewCore
import CrewDocuments
import CrewKit
import Foundation
import Hummingbird
import NIOCore

/// Request bodies: JSON objects of known keys, read up to a size limit with crew's own bounded parser.
enum RequestReader {
    static func object(_ request: Request, limit: Int, known: Set<String>) async throws -> [String: JSONValue] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, .payloadTooLarge, "the body is larger than \(limit) bytes")
        }
        if buffer.readableBytes == 0 { return [:] }
        let json: JSONValue
        do {
            json = try JSONParser.parse(Array(buffer.readableBytesView))
        } catch {
            throw APIError(.badRequest, .badRequest, "the body is not JSON: \(error)")
        }
        guard let members = json.objectValue else {
            throw APIError(.badRequest, .badRequest, "the body must be a JSON object")
        }
        let unknown = members.keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw APIError(
                .badRequest, .badRequest, "unknown field `\(unknown[0].prefix(64))`",
                details: .object(["known": .strings(known.sorted())]))
        }
        return members
    }

    /// `{"inputs": {"name": value}}`: strings, numbers and booleans, as text the way `--input` gives them.
    static func inputs(_ value: JSONValue?) throws -> [String: String] {
        guard let value, value != .null else { return [:] }
        guard let members = value.objectValue else {
            throw APIError(.unprocessableContent, .invalidInput, "`inputs` must be an object")
        }
        var inputs: [String: String] = [:]
        for (name, value) in members {
            switch value {
            case .string(let text): inputs[name] = text
            case .int(let number): inputs[name] = String(number)
            case .double(let number): inputs[name] = String(number)
            case .bool(let flag): inputs[name] = flag ? "true" : "false"
            default:
                throw APIError(
                    .unprocessableContent, .invalidInput,
                    "input `\(name.prefix(64))` must be a string, a number or a boolean")
            }
        }
        return inputs
    }
}

/// `GET /v1/runs` filters: `crew`, `status`, `since`, `until` (UTC times), `limit` (1–500, default 50) and `cursor`
/// (the last id of the page before; ids sort newest first).
struct RunQuery {
    var crew: String?
    var status: RunStatus?
    var since: Date?
    var until: Date?
    var limit = 50
    var cursor: String?

    init(_ parameters: some Sequence<(key: Substring, value: Substring)>) throws {
        for (key, value) in parameters {
            let text = String(value)
            switch key {
            case "crew": crew = text
            case "status":
                guard let parsed = RunStatus(rawValue: text) else {
                    throw APIError(
                        .badRequest, .badRequest, "`status` must be one of running, succeeded, failed, interrupted")
                }
                status = parsed
            case "since", "until":
                guard let date = Timestamp.parse(text) ?? Self.day(text) else {
                    throw APIError(
                        .badRequest, .badRequest,
                        "`\(key)` must be a UTC time like 2026-12-04T10:00:00.000Z or a day like 2026-12-04")
                }
                if key == "since" { since = date } else { until = date }
            case "limit":
                guard let number = Int(text), (1...500).contains(number) else {
                    throw APIError(.badRequest, .badRequest, "`limit` must be an integer from 1 to 500")
                }
                limit = number
            case "cursor":
                guard Names.isRunID(text) else { throw APIError(.badRequest, .badRequest, "`cursor` is not a run id") }
                cursor = text
            default:
                throw APIError(.badRequest, .badRequest, "unknown parameter `\(key.prefix(64))`")
            }
        }
    }

    func matches(_ listing: RunListing) -> Bool {
        let record = listing.record
        if let cursor, listing.id >= cursor { return false }
        if let crew, record.crew != crew { return false }
        if let status, (listing.crashed ? .interrupted : record.status) != status { return false }
        if let since, record.startedAt < since { return false }
        if let until, record.startedAt >= until { return false }
        return true
    }

    static func day(_ text: String) -> Date? {
        Timestamp.parse(text + "T00:00:00.000Z")
    }
}
