import CrewCore
import CrewDocuments

/// A knowledge base: sources compiled into indexes at build time.
public struct KnowledgeSpec: Sendable {
    public enum Source: Sendable {
        /// A file path or glob relative to the crew's folder.
        case path(Located<String>)
        /// Text written in the crew file itself.
        case text(Located<String>)
    }

    public var name: Located<String>
    public var description: String?
    public var sources: [Source] = []
    /// Chunk size and overlap, in tokens.
    public var chunkSize: Located<Int>?
    public var chunkOverlap: Located<Int>?
    public var embedder: Located<String>?
    /// The vector index: `auto` (exact below 10,000 chunks, IVF above), `exact` or `ivf`.
    public var vectorIndex: Located<VectorIndexKind>?
    /// IVF lists; default round(√chunks).
    public var vectorLists: Located<Int>?
    /// `float32`, `float16` or `int8`.
    public var vectorStorage: Located<VectorStorageKind>?
    public var location: SourceLocation

    public init(name: Located<String>, location: SourceLocation) {
        self.name = name
        self.location = location
    }

    /// The chunk size in effect.
    public var effectiveChunkSize: Int { chunkSize?.value ?? PlanDefaults.chunkSize }

    /// The overlap in effect: as written, else the default, but never more than a quarter of a small chunk.
    public var effectiveChunkOverlap: Int {
        chunkOverlap?.value ?? PlanDefaults.chunkOverlap(size: effectiveChunkSize)
    }
}
