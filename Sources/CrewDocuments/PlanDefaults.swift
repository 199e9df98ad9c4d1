/// Every default a plan has, in one place. The crew file's decoder, the plan document's encoder and decoder, the
/// knowledge compiler and the runtime read them from here; none keeps a copy.
public enum PlanDefaults {
    /// Tasks running at once.
    public static let maxParallel = 8
    /// Model turns per task.
    public static let maxIterations = 8
    /// Chunk size, in tokens.
    public static let chunkSize = 512
    /// Chunk overlap, in tokens; never more than a quarter of the chunk (see `chunkOverlap(size:)`).
    public static let chunkOverlap = 64
    /// A `mock` embedder's dimensions when the crew sets none.
    public static let mockEmbedderDimensions = 64
    /// Texts per embedding request.
    public static let embedderBatchSize = 64
    public static let vectorIndex = VectorIndexKind.auto
    public static let vectorStorage = VectorStorageKind.float32
    /// Hits a `knowledge` tool returns.
    public static let knowledgeTopK = 5
    /// A `knowledge` tool's search mode (the tool's own settings stay as written; see `ToolEntry`).
    public static let knowledgeMode = "hybrid"
    /// The methods an `http` tool may use when it names none.
    public static let httpMethods = ["GET"]
    /// Seconds a model request may take.
    public static let modelTimeout = 60.0
    /// Output tokens `crew diff` and `crew plan` expect of a task whose model sets no `max_tokens`.
    public static let estimatedOutputTokens = 1000

    /// The overlap in effect for a chunk size when the crew sets none: the default, but never more than a quarter
    /// of a small chunk.
    public static func chunkOverlap(size: Int) -> Int { min(chunkOverlap, size / 4) }
}
