import CrewCore
import CrewDocuments
import CrewKnowledge
import CrewProviders
import Foundation

/// Searches the knowledge bases of an artifact: opens each one's indexes on first use, and embeds queries with the
/// embedder the base was built with (its key read now, from the environment or a secret file).
public final class KnowledgeSearcher: @unchecked Sendable {
    public struct SearchError: CodedFailure {
        public var code: FailureCode { .r515 }
        public var message: String
        public var description: String { message }
    }

    let plan: ExecutionPlan
    let artifact: String
    let transport: ProviderTransport
    let ownsTransport: Bool
    let environment: [String: String]
    private let lock = NSLock()
    private var indexes: [String: KnowledgeIndex] = [:]

    public init(
        plan: ExecutionPlan, artifact: String, environment: [String: String], transport: ProviderTransport? = nil
    ) throws {
        self.plan = plan
        self.artifact = artifact
        self.environment = environment
        self.transport = transport ?? ProviderTransport()
        ownsTransport = transport == nil
    }

    public func close() async {
        if ownsTransport { transport.shutdown() }
    }

    func index(_ name: String) throws -> KnowledgeIndex {
        if let open = lock.withLock({ indexes[name] }) { return open }
        // The query is embedded next (an HTTP call): the vector index's search sections read ahead meanwhile.
        let opened = try KnowledgeIndex(artifact: artifact, name: name, prefetch: true)
        lock.withLock { indexes[name] = opened }
        return opened
    }

    /// Whether searching `name` in `mode` uses BM25 alone because the base has no vectors (built without an
    /// embedder): a hybrid or vector search asked of it falls back, and `crew query` says so.
    public func fallsBackToBM25(_ name: String, mode: KnowledgeIndex.Mode?) throws -> Bool {
        guard let mode, mode != .bm25 else { return false }
        return try index(name).vectors == nil
    }

    /// The best `k` chunks of knowledge base `name` for `query`; `mode` nil means hybrid when it has vectors.
    public func search(_ name: String, query: String, k: Int, mode: KnowledgeIndex.Mode?) async throws
        -> [KnowledgeIndex.Hit]
    {
        guard let definition = plan.knowledge[name] else { throw SearchError(message: "no knowledge base `\(name)`") }
        let index = try index(name)
        let chosen = mode ?? (index.vectors == nil ? .bm25 : .hybrid)
        var vector: [Float]?
        if chosen != .bm25, index.vectors != nil {
            guard let embedderName = definition.embedder, let embedder = plan.embedders[embedderName] else {
                throw SearchError(message: "knowledge base `\(name)` has vectors but the plan names no embedder")
            }
            let client = try EmbedderFactory.make(embedder, transport: transport, environment: environment)
            guard client.identity == embedder.identity else {
                throw SearchError(
                    message:
                        "embedder `\(embedderName)` is \(client.identity) but the index was built with \(embedder.identity); rebuild"
                )
            }
            vector = try await client.embed([query]).first
            if let dims = index.vectors?.dimensions, vector?.count != dims {
                throw SearchError(
                    message:
                        "the query's embedding has \(vector?.count ?? 0) dimensions, the index \(dims); rebuild with `crew build`"
                )
            }
        }
        return try index.search(query, queryVector: vector, k: k, mode: chosen)
    }
}
