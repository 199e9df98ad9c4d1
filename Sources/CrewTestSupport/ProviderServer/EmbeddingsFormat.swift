import CrewCore

/// OpenAI embeddings: one deterministic vector per input text, so tests can predict similarities.
struct EmbeddingsFormat: ProviderFormat {
    /// The answer text is ignored: vectors come from the request's inputs. A JSON answer is sent as the whole body.
    func answer(_ answer: Answer, usage: Usage, request: RecordedRequest) -> ResponsePlan {
        if case .json(let value) = answer { return .json(value) }
        let inputs = Self.inputs(request.json?["input"])
        let data = inputs.enumerated().map { index, text -> JSONValue in
            .object([
                "object": .string("embedding"), "index": .int(index),
                "embedding": .array(ProviderTestServer.embedding(for: text).map { .double($0) }),
            ])
        }
        return .json(
            .object([
                "object": .string("list"), "data": .array(data),
                "model": .string(request.model ?? "test-embedding"),
                "usage": .object(["prompt_tokens": .int(usage.input), "total_tokens": .int(usage.input)]),
            ]))
    }

    func failure(status: Int, message: String?, request: RecordedRequest) -> ResponsePlan {
        OpenAIFormat.error(status: status, message: message)
    }

    /// `input` is a string or an array of strings.
    static func inputs(_ input: JSONValue?) -> [String] {
        switch input {
        case .string(let text): [text]
        case .array(let items): items.map { $0.stringValue ?? "" }
        default: []
        }
    }

    /// Default prompt token count: the words of every input.
    static func wordCount(_ request: RecordedRequest) -> Int {
        inputs(request.json?["input"]).reduce(0) { $0 + Answer.wordCount($1) }
    }
}

extension ProviderTestServer {
    /// The number of dimensions of the test server's embeddings.
    public static let embeddingDimensions = 8

    /// The vector the test server returns for `text`: unit length, derived from FNV-1a hashes of the text, so equal
    /// texts give equal vectors and tests can compute expected similarities.
    public static func embedding(for text: String) -> [Double] {
        let raw = (0..<embeddingDimensions).map { dimension -> Double in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(dimension)
            for byte in text.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            return Double(hash % 2_000_001) / 1_000_000 - 1
        }
        let length = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return length > 0 ? raw.map { $0 / length } : raw
    }
}
