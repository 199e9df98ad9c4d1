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

/// Query parameters: each route names the ones it takes, and anything else is refused.
struct QueryReader {
    private var values: [String: String] = [:]

    init(_ parameters: some Sequence<(key: Substring, value: Substring)>, known: Set<String>) throws {
        for (key, value) in parameters {
            guard known.contains(String(key)) else {
                throw APIError(.badRequest, .badRequest, "unknown parameter `\(key.prefix(64))`")
            }
            guard values[String(key)] == nil else {
                throw APIError(.badRequest, .badRequest, "parameter `\(key)` is given twice")
            }
            values[String(key)] = String(value)
        }
    }

    func text(_ key: String) -> String? { values[key] }

    /// A UTC time like 2026-12-04T10:00:00.000Z, or a day like 2026-12-04 (its midnight, UTC).
    func time(_ key: String) throws -> Date? {
        guard let text = values[key] else { return nil }
        guard let date = Timestamp.parse(text) ?? Timestamp.parse(text + "T00:00:00.000Z") else {
            throw APIError(
                .badRequest, .badRequest,
                "`\(key)` must be a UTC time like 2026-12-04T10:00:00.000Z or a day like 2026-12-04")
        }
        return date
    }

    func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = values[key] else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw APIError(
                .badRequest, .badRequest, "`\(key)` must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws -> E? where E.RawValue == String {
        guard let text = values[key] else { return nil }
        guard let value = E(rawValue: text) else {
            let names = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError(.badRequest, .badRequest, "`\(key)` must be one of \(names)")
        }
        return value
    }
}

extension RunFilter {
    /// `GET /v1/runs?crew=&status=&since=&until=&limit=&cursor=`: `limit` 1–500 (default 50), `cursor` the
    /// `next_cursor` of the page before (newest first: by start time, then id).
    init(_ query: QueryReader) throws {
        crew = query.text("crew")
        status = try query.choice("status", IndexedStatus.self)
        since = try query.time("since")
        until = try query.time("until")
        limit = try query.integer("limit", in: 1...500) ?? 50
    }

    /// The `cursor` parameter: a run id the index knows.
    static func cursor(_ query: QueryReader, index: RunIndex) async throws -> (id: String, startedAt: Date)? {
        guard let cursor = query.text("cursor") else { return nil }
        guard Names.isRunID(cursor), let entry = try await index.entry(cursor) else {
            throw APIError(.badRequest, .badRequest, "`cursor` is not a run id of this server")
        }
        return (cursor, entry.startedAt)
    }

    static let parameters: Set<String> = ["crew", "status", "since", "until", "limit", "cursor"]
}
