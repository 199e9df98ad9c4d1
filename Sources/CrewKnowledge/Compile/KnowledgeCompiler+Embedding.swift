import CrewCore
import Foundation

extension KnowledgeCompiler {
    /// Vectors for every chunk: cached ones from the cache, the rest in batches, several batches at a time.
    func embed(_ chunks: [Chunk], with embedder: any Embedder, knowledge: String) async throws -> ([[Float]], Int, Int)
    {
        let cache = EmbeddingCache(folder: cacheFolder, identity: embedder.identity)
        let keys = chunks.map { EmbeddingCache.key($0.text) }
        var missing: [Int] = []
        var seen = Set<[UInt8]>()
        for (i, key) in keys.enumerated() where cache.vector(for: key) == nil && seen.insert(key).inserted {
            missing.append(i)
        }
        let batches = stride(from: 0, to: missing.count, by: max(1, embedder.batchSize)).map {
            Array(missing[$0..<min(missing.count, $0 + max(1, embedder.batchSize))])
        }
        if !batches.isEmpty {
            progress(
                "\(knowledge): embedding \(missing.count) chunks in \(batches.count) batches (\(chunks.count - missing.count) cached)"
            )
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func launch() {
                let batch = batches[next]
                next += 1
                group.addTask {
                    let vectors = try await embedder.embed(batch.map { chunks[$0].text })
                    for (index, vector) in zip(batch, vectors) { cache.store(vector, for: keys[index]) }
                }
            }
            while next < min(maxConcurrentBatches, batches.count) { launch() }
            while try await group.next() != nil {
                if next < batches.count { launch() }
            }
        }
        try? cache.save()
        var vectors: [[Float]] = []
        vectors.reserveCapacity(chunks.count)
        for key in keys {
            guard let vector = cache.vector(for: key) else {
                throw Failure(knowledge: knowledge, message: "the embedder returned vectors of differing sizes")
            }
            vectors.append(vector)
        }
        return (vectors, missing.count, chunks.count - missing.count)
    }
}
