import CrewCore
import Foundation

/// One compiled knowledge base, opened for search: chunk store, BM25 index, and vector index when it has one.
/// Opening maps the files; nothing is parsed or copied.
public final class KnowledgeIndex: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case bm25, vector, hybrid
    }

    /// One result: the chunk, where it came from, and its score in the mode asked for.
    public struct Hit: Sendable {
        public var chunk: Chunk
        public var score: Double
        public var rank: Int
    }

    public struct SearchError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public let name: String
    public let chunks: ChunkStoreReader
    public let bm25: BM25Index
    public let vectors: VectorIndex?

    /// Opens `indexes/<name>.*` under an artifact folder. `prefetch` starts reading the vector index's search
    /// sections in the background (see `VectorIndex.prefetchSearchSections`), for callers that embed the query next.
    public init(artifact folder: String, name: String, prefetch: Bool = false) throws(MappedIndex.LoadError) {
        self.name = name
        let paths = KnowledgeCompiler.paths(name)
        // Each index file is opened without following a link; so must the folder that holds them be.
        guard let artifact = try? ConfinedFolder(opening: folder), artifact.kind(of: "indexes") == .folder else {
            throw MappedIndex.LoadError(path: folder + "/indexes", problem: "missing, or not a plain folder")
        }
        chunks = try ChunkStoreReader(path: folder + "/" + paths.chunks)
        bm25 = try BM25Index(path: folder + "/" + paths.bm25)
        let vectorPath = folder + "/" + paths.vectors
        vectors = FileManager.default.fileExists(atPath: vectorPath) ? try VectorIndex(path: vectorPath) : nil
        if prefetch { vectors?.prefetchSearchSections() }
    }

    /// The best `k` chunks for `query`. `queryVector` is needed for vector and hybrid search (hybrid falls back to
    /// BM25 when the base has no vectors). Hybrid fuses both rankings by reciprocal rank fusion (k = 60).
    public func search(_ query: String, queryVector: [Float]?, k: Int, mode: Mode) throws(SearchError) -> [Hit] {
        let depth = max(k, 50)
        switch mode {
        case .bm25:
            return hits(bm25.search(query, k: k).map { ($0.document, Double($0.score)) })
        case .vector:
            guard let vectors else {
                throw SearchError(message: "knowledge base `\(name)` has no vectors: give it an `embedder`")
            }
            guard let queryVector else { throw SearchError(message: "vector search needs the query's embedding") }
            return hits(vectors.search(queryVector, k: k).map { ($0.document, Double($0.score)) })
        case .hybrid:
            let lexical = bm25.search(query, k: depth).map(\.document)
            guard let vectors, let queryVector else { return try search(query, queryVector: nil, k: k, mode: .bm25) }
            let semantic = vectors.search(queryVector, k: depth).map(\.document)
            return hits(Array(Self.reciprocalRankFusion([lexical, semantic]).prefix(k)))
        }
    }

    /// Σ 1 / (60 + rank) over the rankings a document appears in; ties broken by document id for stable output.
    public static func reciprocalRankFusion(_ rankings: [[UInt32]], k: Double = 60) -> [(UInt32, Double)] {
        var scores: [UInt32: Double] = [:]
        for ranking in rankings {
            for (rank, document) in ranking.enumerated() { scores[document, default: 0] += 1 / (k + Double(rank + 1)) }
        }
        return scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    private func hits(_ ranked: [(UInt32, Double)]) -> [Hit] {
        ranked.enumerated().compactMap { rank, item in
            guard Int(item.0) < chunks.count else { return nil }
            return Hit(chunk: chunks.chunk(Int(item.0)), score: item.1, rank: rank + 1)
        }
    }
}
