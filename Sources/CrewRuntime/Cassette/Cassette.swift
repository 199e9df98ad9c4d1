import CrewCore
import CrewDocuments
import CrewProviders
import Foundation

/// A run's model exchanges, as `crew run --record` writes them and `--replay` reads them (specs/cassette.md): each
/// request in canonical form with its SHA-256, and the whole answer, tool calls included. Written pretty, keys
/// sorted, exchanges in plan order of their tasks and then in the order each task asked, so that a cassette recorded
/// again shows in a diff only what changed.
public struct Cassette: Sendable {
    public static let format = "crew-cassette"
    public static let formatVersion = 1
    /// The largest cassette read.
    public static let maxBytes = 256 << 20

    public var crew: String
    public var exchanges: [Exchange]

    public struct Exchange: Sendable {
        public var task: String
        /// The crew's name for the model that answered.
        public var model: String
        /// 1 for the task's first request, in the order the task asked (delegations included).
        public var sequence: Int
        var request: CanonicalRequest
        public var response: ChatResponse
    }

    public var json: JSONValue {
        .object([
            "format": .string(Self.format), "format_version": .int(Self.formatVersion), "crew": .string(crew),
            "exchanges": .array(
                exchanges.map { exchange in
                    .object([
                        "task": .string(exchange.task), "model": .string(exchange.model),
                        "sequence": .int(exchange.sequence), "request_sha256": .string(exchange.request.sha256),
                        "request": exchange.request.json, "response": Self.response(exchange.response),
                    ])
                }),
        ])
    }

    public var fileText: String { json.serialized(pretty: true) + "\n" }

    static func response(_ response: ChatResponse) -> JSONValue {
        .object(dropping: [
            ("text", .string(response.text)),
            ("finish_reason", response.finishReason.map(JSONValue.string)),
            (
                "usage",
                response.usage.map {
                    .object(["input_tokens": .int($0.input), "output_tokens": .int($0.output)])
                }
            ),
            ("tool_calls", response.toolCalls.isEmpty ? nil : .array(response.toolCalls.map(CanonicalRequest.call))),
        ])
    }

    /// Reads a cassette; anything but the format above is an error naming the place.
    public static func decode(_ bytes: [UInt8], name: String) throws(DocumentFormatError) -> Cassette {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw DocumentFormatError(name, "not JSON: \(error)")
        }
        let root = try ObjectReader(json, path: "", document: name)
        guard try root.optionalString("format") == format else {
            throw DocumentFormatError(name, "not a crew cassette (`format` is not `\(format)`)")
        }
        guard try root.int("format_version") == formatVersion else {
            throw DocumentFormatError(name, "cassette format version is not \(formatVersion)")
        }
        let exchanges = try root.list("exchanges") { r throws(DocumentFormatError) in
            let request = try r.object("request")
            guard let hash = try r.optionalString("request_sha256"), hash.count == 64 else {
                throw r.fail("request_sha256", "must be 64 hex digits")
            }
            return Exchange(
                task: try r.string("task"), model: try r.string("model"), sequence: try r.int("sequence"),
                request: CanonicalRequest(json: .object(request.value), sha256: hash),
                response: try Self.response(try r.object("response")))
        }
        return Cassette(crew: try root.string("crew"), exchanges: exchanges)
    }

    static func response(_ r: ObjectReader) throws(DocumentFormatError) -> ChatResponse {
        let usage = try r.optionalObject("usage").map { u throws(DocumentFormatError) in
            TokenUsage(input: try u.int("input_tokens"), output: try u.int("output_tokens"))
        }
        let calls = try r.list("tool_calls") { c throws(DocumentFormatError) in
            ToolCall(
                id: try c.string("id"), name: try c.string("name"), arguments: try c.string("arguments"),
                signature: try c.optionalString("signature"))
        }
        return ChatResponse(
            text: try r.string("text"), usage: usage, finishReason: try r.optionalString("finish_reason"),
            toolCalls: calls)
    }
}

/// Whether a run records its model exchanges or answers from a cassette.
public enum CassetteMode: Sendable {
    case record(CassetteRecorder)
    case replay(CassettePlayer)
}

/// Collects a run's exchanges as they happen, from every task at once.
public final class CassetteRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var exchanges: [Cassette.Exchange] = []
    private var counts: [String: Int] = [:]
    private var secrets: [String] = []

    public init() {}

    func record(task: String, model: String, request: CanonicalRequest, response: ChatResponse) {
        lock.withLock {
            counts[task, default: 0] += 1
            exchanges.append(
                Cassette.Exchange(
                    task: task, model: model, sequence: counts[task] ?? 1, request: request, response: response))
        }
    }

    /// Values the run read as secrets: scrubbed from what is written (the hashes stay those of what was sent).
    func keep(secrets more: [String]) {
        lock.withLock { secrets += more }
    }

    /// The cassette so far: exchanges by task in `taskOrder`, then by sequence; secrets removed.
    public func cassette(crew: String, taskOrder: [String]) -> Cassette {
        let (recorded, secrets) = lock.withLock { (exchanges, self.secrets) }
        let rank = Dictionary(taskOrder.enumerated().map { ($1, $0) }) { a, _ in a }
        let sorted = recorded.sorted {
            (rank[$0.task] ?? Int.max, $0.task, $0.sequence) < (rank[$1.task] ?? Int.max, $1.task, $1.sequence)
        }
        guard !secrets.isEmpty else { return Cassette(crew: crew, exchanges: sorted) }
        let redactor = SecretRedactor(secrets: secrets)
        return Cassette(
            crew: crew,
            exchanges: sorted.map { exchange in
                var clean = exchange
                clean.request = CanonicalRequest(
                    json: Self.scrubbed(exchange.request.json, redactor), sha256: exchange.request.sha256)
                clean.response.text = redactor.redact(exchange.response.text)
                clean.response.toolCalls = exchange.response.toolCalls.map {
                    var call = $0
                    call.arguments = redactor.redact(call.arguments)
                    return call
                }
                return clean
            })
    }

    static func scrubbed(_ value: JSONValue, _ redactor: SecretRedactor) -> JSONValue {
        switch value {
        case .string(let text): return .string(redactor.redact(text))
        case .array(let items): return .array(items.map { scrubbed($0, redactor) })
        case .object(let members): return .object(members.mapValues { scrubbed($0, redactor) })
        default: return value
        }
    }
}

/// Answers requests from a cassette: by the request's hash, each recorded answer once in its order (the last one
/// again after that). A request that is not there is a failure that names the task and shows the closest request
/// that is.
public final class CassettePlayer: @unchecked Sendable {
    private let lock = NSLock()
    private let cassette: Cassette
    private let name: String
    private var byHash: [String: [Int]] = [:]
    private var used: [String: Int] = [:]
    private let recordAgain: String

    /// `name` is how messages name the cassette (its path as given); `recordAgain`, the command that records it.
    public init(_ cassette: Cassette, name: String, recordAgain: String? = nil) {
        self.cassette = cassette
        self.name = name
        self.recordAgain = recordAgain ?? "crew run --record \(name)"
        for (index, exchange) in cassette.exchanges.enumerated() {
            byHash[exchange.request.sha256, default: []].append(index)
        }
    }

    func answer(_ request: CanonicalRequest, task: String) -> Result<ChatResponse, ProviderError> {
        let found: ChatResponse? = lock.withLock {
            guard let indexes = byHash[request.sha256] else { return nil }
            let next = used[request.sha256, default: 0]
            used[request.sha256] = next + 1
            return cassette.exchanges[indexes[min(next, indexes.count - 1)]].response
        }
        if let found { return .success(found) }
        return .failure(.notRecorded(missing(request, task: task)))
    }

    /// What to say of a request the cassette lacks: the closest recorded one (of the same task when it has any) and
    /// how they differ.
    private func missing(_ request: CanonicalRequest, task: String) -> String {
        let head = "this request of task `\(task)` is not in the cassette \(name), and a replayed run calls no model"
        let fix = "record the cassette again: \(recordAgain)"
        let sameTask = cassette.exchanges.filter { $0.task == task }
        let candidates = (sameTask.isEmpty ? cassette.exchanges : sameTask).prefix(200)
        let wanted = request.readableLines
        let closest = candidates.min {
            LineDiff.distance($0.request.readableLines, wanted) < LineDiff.distance($1.request.readableLines, wanted)
        }
        guard let closest else { return "\(head) (it holds no exchange); \(fix)" }
        let diff = LineDiff.unified(closest.request.readableLines, wanted).split(separator: "\n").prefix(60)
            .joined(separator: "\n")
        return "\(head). The closest recorded request (task `\(closest.task)`, request \(closest.sequence)) differs "
            + "(- recorded, + sent):\n\(diff)\n\(fix)"
    }
}
