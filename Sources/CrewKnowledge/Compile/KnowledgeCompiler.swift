import CrewCore
import Foundation

/// Compiles one knowledge base into index files: sources -> documents -> chunks -> chunk store + BM25 index, and,
/// with an embedder, a vector index (embedding only what the cache does not already hold).
public struct KnowledgeCompiler: Sendable {
    /// A knowledge base as the compiler sees it: plain values, no crew-file types.
    public struct Source: Sendable {
        public var name: String
        /// Source files, relative to `root`, already expanded and checked to stay inside it.
        public var files: [String]
        /// Inline `text:` entries.
        public var texts: [String]
        public var chunkSize: Int
        public var chunkOverlap: Int
        public var embedder: (any Embedder)?
        public var vectorKind: VectorIndexKind = .auto
        public var vectorStorage: VectorStorage = .float32

        public init(
            name: String, files: [String], texts: [String], chunkSize: Int, chunkOverlap: Int, embedder: (any Embedder)?
        ) {
            self.name = name
            self.files = files
            self.texts = texts
            self.chunkSize = chunkSize
            self.chunkOverlap = chunkOverlap
            self.embedder = embedder
        }
    }

    /// The files of one compiled knowledge base (paths relative to the artifact folder) and what it took.
    public struct Output: Sendable {
        public var files: [String: [UInt8]] = [:]
        public var documents = 0
        public var chunks = 0
        public var embedded = 0
        public var cached = 0
        public var seconds: [String: Double] = [:]
    }

    public struct Failure: CodedFailure {
        public var code: FailureCode { .r516 }
        public var knowledge: String
        public var message: String
        public var description: String { "knowledge base `\(knowledge)`: \(message)" }
    }

    public let root: String
    public let cacheFolder: ConfinedPath
    /// Progress lines for the terminal ("handbook: 120 files read").
    public let progress: @Sendable (String) -> Void
    public let maxConcurrentBatches: Int

    public init(
        root: String, cacheFolder: ConfinedPath, maxConcurrentBatches: Int = 4,
        progress: @escaping @Sendable (String) -> Void
    ) {
        self.root = root
        self.cacheFolder = cacheFolder
        self.maxConcurrentBatches = maxConcurrentBatches
        self.progress = progress
    }

    public static func paths(_ name: String) -> (chunks: String, bm25: String, vectors: String) {
        ("indexes/\(name).chunks", "indexes/\(name).bm25", "indexes/\(name).vectors")
    }

    public func compile(_ source: Source) async throws -> Output {
        var output = Output()
        var clock = Date()
        func lap(_ stage: String) {
            output.seconds[stage] = Date().timeIntervalSince(clock)
            clock = Date()
        }
        let documents = try read(source)
        output.documents = documents.count
        lap("read")
        let chunker = Chunker(size: source.chunkSize, overlap: source.chunkOverlap)
        let chunks = chunker.chunks(documents)
        output.chunks = chunks.count
        lap("chunk")
        progress("\(source.name): \(documents.count) documents, \(chunks.count) chunks")
        let paths = Self.paths(source.name)
        // Terms are found on all cores; then the chunk store and the BM25 index, each on a core of its own.
        let terms = Parallel.map(chunks) { BM25Builder.Terms(Self.searchText($0)) }
        (output.files[paths.chunks], output.files[paths.bm25]) = Parallel.both(
            { ChunkStore.bytes(chunks) },
            {
                var bm25 = BM25Builder()
                for found in terms { bm25.add(found) }
                return bm25.bytes()
            })
        lap("bm25")
        if let embedder = source.embedder {
            let (vectors, embedded, cached) = try await embed(chunks, with: embedder, knowledge: source.name)
            output.embedded = embedded
            output.cached = cached
            var kind = source.vectorKind
            if case .ivf(0) = kind { kind = .ivf(lists: max(1, Int(Double(chunks.count).squareRoot().rounded()))) }
            var builder = VectorIndexBuilder(
                dimensions: vectors.first?.count ?? 1, storage: source.vectorStorage, kind: kind)
            for vector in vectors { _ = builder.add(vector) }
            output.files[paths.vectors] = builder.bytes()
            lap("vectors")
        }
        return output
    }

    /// What BM25 indexes: the heading path too, so "Install > Debian" finds the section's text.
    static func searchText(_ chunk: Chunk) -> String {
        chunk.headingPath.isEmpty ? chunk.text : chunk.headingPath.joined(separator: " ") + "\n" + chunk.text
    }

    private func read(_ source: Source) throws -> [SourceDocument] {
        var documents: [SourceDocument] = []
        for file in source.files {
            do {
                documents += try DocumentReader.read(root: root, relativePath: file)
            } catch {
                throw Failure(knowledge: source.name, message: "\(error)")
            }
        }
        for (i, text) in source.texts.enumerated() {
            documents.append(.inline(text, number: i + 1))
        }
        return documents
    }
}
