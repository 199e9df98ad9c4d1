/// The closed sets of words plan.json uses, one enum each. The crew file's decoder, the plan document and the
/// runtime all use these: a provider or a tool type is never a free string past the crew file's parser.

/// Who answers a model's requests. `ollama` speaks the OpenAI wire format at a local address; `mock` answers in
/// process (scripted replies, or an echo).
public enum ModelProvider: String, Sendable, CaseIterable, Hashable {
    case openai, anthropic, gemini, ollama, mock
}

/// Who embeds a knowledge base's chunks and a query. `ollama` speaks the OpenAI wire format.
public enum EmbedderProvider: String, Sendable, CaseIterable, Hashable {
    case openai, gemini, ollama, mock

    /// The wire format its requests use, as recorded in an embedder's identity.
    public var wire: EmbedderProvider { self == .ollama ? .openai : self }
}

/// What a `tools` entry is.
public enum ToolType: String, Sendable, CaseIterable, Hashable {
    case knowledge, http, file, command, mcp
}

/// How a knowledge base's vectors are searched: `auto` is exact below 10,000 chunks and IVF above.
public enum VectorIndexKind: String, Sendable, CaseIterable, Hashable {
    case auto, exact, ivf
}

/// How each vector component is stored in a `.vectors` file.
public enum VectorStorageKind: String, Sendable, CaseIterable, Hashable {
    case float32, float16, int8
}

/// Whether an agent gets its knowledge bases' best passages in the prompt of every task.
public enum KnowledgeContext: String, Sendable, CaseIterable, Hashable {
    case off, auto
}

/// What an agent does when its model turns run out: fail the task, or ask once more for an answer without tools.
public enum OnMaxIterations: String, Sendable, CaseIterable, Hashable {
    case fail, answer
}

/// A crew's source: a native crew file, or a crewAI project read as it is.
public enum CrewOrigin: String, Sendable, CaseIterable, Hashable {
    case native
    case crewAI = "crewai"
}

/// The type of a crew input's value.
public enum InputType: String, Sendable, CaseIterable, Hashable {
    case string, integer, number, boolean
}

/// How spans travel to an OTLP endpoint (OpenTelemetry's protocol names; gRPC is not built).
public enum OTLPProtocol: String, Sendable, CaseIterable, Hashable {
    case httpProtobuf = "http/protobuf"
    case httpJSON = "http/json"
}

/// Which traces are kept, by OpenTelemetry's sampler names (`OTEL_TRACES_SAMPLER`).
public enum TraceSampler: String, Sendable, CaseIterable, Hashable {
    case alwaysOn = "always_on"
    case alwaysOff = "always_off"
    case traceIDRatio = "traceidratio"
    case parentBasedAlwaysOn = "parentbased_always_on"
    case parentBasedAlwaysOff = "parentbased_always_off"
    case parentBasedTraceIDRatio = "parentbased_traceidratio"

    /// Whether the sampler keeps a share of traces (`sampler_ratio`).
    public var takesRatio: Bool { self == .traceIDRatio || self == .parentBasedTraceIDRatio }
}
