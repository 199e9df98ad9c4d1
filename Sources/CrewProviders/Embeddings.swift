import CrewCore
import Foundation
import NIOCore
import NIOHTTP1

/// Embedding requests over HTTP: OpenAI's `/embeddings` (also Ollama, vLLM, llama.cpp, LM Studio) and Gemini's
/// `batchEmbedContents`, batched by the caller, retried like chat requests.
public struct HTTPEmbedder: Embedder {
    public enum Format: Sendable {
        case openai, gemini
    }

    public let format: Format
    public let endpoint: Endpoint
    public let model: String
    public let dimensions: Int?
    public let batchSize: Int
    public let transport: ProviderTransport
    public let retry: RetryPolicy
    public let timeout: Double

    public init(
        format: Format, endpoint: Endpoint, model: String, dimensions: Int?, batchSize: Int,
        transport: ProviderTransport,
        retry: RetryPolicy = RetryPolicy(), timeout: Double = 60
    ) {
        self.format = format
        self.endpoint = endpoint
        self.model = model
        self.dimensions = dimensions
        self.batchSize = batchSize
        self.transport = transport
        self.retry = retry
        self.timeout = timeout
    }

    public var identity: String {
        EmbedderIdentity.of(provider: format == .openai ? "openai" : "gemini", model: model, dimensions: dimensions)
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        let spec = request(texts)
        let body = try await Retrying.run(
            policy: retry, limiter: nil, estimatedTokens: 0, onAttempt: { _ in }, onRetry: { _, _, _ in }
        ) { () async throws(ProviderError) -> [UInt8] in
            try await fetch(spec)
        }
        let vectors = try parse(body)
        guard vectors.count == texts.count else {
            throw ProviderError.malformed("asked for \(texts.count) embeddings, got \(vectors.count)")
        }
        return vectors
    }

    func request(_ texts: [String]) -> HTTPRequestSpec {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        switch format {
        case .openai:
            if let key = endpoint.apiKey?.value { headers.append(("Authorization", "Bearer \(key)")) }
            let body = JSONValue.object(dropping: [
                ("model", .string(model)), ("input", .strings(texts)), ("dimensions", dimensions.map(JSONValue.int)),
            ])
            return HTTPRequestSpec(
                method: "POST", url: endpoint.baseURL + "/embeddings", headers: headers,
                body: Array(body.serialized().utf8))
        case .gemini:
            if let key = endpoint.apiKey?.value { headers.append(("x-goog-api-key", key)) }
            let name = model.hasPrefix("models/") ? model : "models/" + model
            let requests = texts.map { text in
                JSONValue.object(dropping: [
                    ("model", .string(name)),
                    ("content", .object(["parts": .array([.object(["text": .string(text)])])])),
                    ("outputDimensionality", dimensions.map(JSONValue.int)),
                ])
            }
            let body = JSONValue.object(["requests": .array(requests)])
            return HTTPRequestSpec(
                method: "POST", url: endpoint.baseURL + "/v1beta/\(name):batchEmbedContents", headers: headers,
                body: Array(body.serialized().utf8))
        }
    }

    func parse(_ body: [UInt8]) throws -> [[Float]] {
        guard let json = try? JSONParser.parse(body) else { throw ProviderError.malformed("the answer is not JSON") }
        switch format {
        case .openai:
            guard let data = json["data"]?.arrayValue else { throw ProviderError.malformed("no `data` in the answer") }
            let sorted = data.sorted { ($0["index"]?.intValue ?? 0) < ($1["index"]?.intValue ?? 0) }
            return try sorted.map { try Self.floats($0["embedding"]) }
        case .gemini:
            guard let items = json["embeddings"]?.arrayValue else {
                throw ProviderError.malformed("no `embeddings` in the answer")
            }
            return try items.map { try Self.floats($0["values"]) }
        }
    }

    static func floats(_ value: JSONValue?) throws -> [Float] {
        guard let items = value?.arrayValue, !items.isEmpty else {
            throw ProviderError.malformed("an embedding is missing")
        }
        return try items.map { item in
            guard let number = item.doubleValue else {
                throw ProviderError.malformed("an embedding holds a non-number")
            }
            return Float(number)
        }
    }

    /// One attempt, within `timeout` to the last byte; the answer is held to `ProviderLimits.maxAnswerBytes`.
    private func fetch(_ spec: HTTPRequestSpec) async throws(ProviderError) -> [UInt8] {
        try await transport.exchange(
            spec, seconds: timeout, reader: WholeBody(limit: ProviderLimits.maxAnswerBytes),
            message: OpenAIWire().errorMessage)
    }
}

/// The `mock` embedder: a deterministic bag-of-words vector (hashed terms), so knowledge builds and vector search
/// work with no API at all. Similar texts get similar vectors; it is no substitute for a real model's quality.
public struct MockEmbedder: Embedder {
    public let model: String
    public let dimensions: Int
    public var batchSize: Int { 256 }

    public init(model: String = "hashed-terms", dimensions: Int = 64) {
        self.model = model
        self.dimensions = dimensions
    }

    public var identity: String { EmbedderIdentity.of(provider: "mock", model: model, dimensions: dimensions) }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map(vector)
    }

    func vector(_ text: String) -> [Float] {
        var values = [Float](repeating: 0, count: dimensions)
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            values[Int(hash % UInt64(dimensions))] += (hash >> 32) & 1 == 0 ? 1 : -1
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? values.map { $0 / norm } : values
    }
}
