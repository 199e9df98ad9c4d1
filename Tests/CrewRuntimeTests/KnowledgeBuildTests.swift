import AsyncHTTPClient
import CrewCore
import CrewKnowledge
import CrewProviders
import CrewRuntime
import CrewTestSupport
import Foundation
import Testing

/// Knowledge compiled at build time: embedders over the real /v1/embeddings format, batching, retries, and the cache
/// that makes a one-file edit re-embed only that file's chunks.
@Suite struct KnowledgeBuildTests {
    func corpus(_ folder: TemporaryFolder, files: Int) {
        for i in 0..<files {
            var text = "# Topic \(i)\n\n"
            for p in 0..<6 {
                text += "Paragraph \(p) of file \(i) talks about subject\(i) and detail\(p). It has two sentences.\n\n"
            }
            folder.write("docs/file\(i).md", text)
        }
    }

    func compile(_ folder: TemporaryFolder, files: Int, embedder: any Embedder) async throws -> KnowledgeCompiler.Output
    {
        let compiler = KnowledgeCompiler(
            root: folder.path, cacheFolder: ConfinedPath(base: folder.path, below: ".crew/cache")
        ) { _ in }
        let source = KnowledgeCompiler.Source(
            name: "docs", files: (0..<files).map { "docs/file\($0).md" }, texts: [], chunkSize: 40, chunkOverlap: 8,
            embedder: embedder)
        return try await compiler.compile(source)
    }

    @Test func embeddingsAreBatchedRetriedAndCached() async throws {
        let server = try await ProviderTestServer.start { request in
            request.index == 0 ? .status(429, retryAfter: "0") : .reply()
        }
        defer { Task { try? await server.shutdown() } }
        let transport = ProviderTransport()
        defer { transport.shutdown() }
        let folder = TemporaryFolder()
        corpus(folder, files: 5)
        let endpoint = Endpoint(provider: .openai, baseURL: server.baseURL + "/v1", apiKey: Secret("k"), keySource: "K")
        let embedder = HTTPEmbedder(
            format: .openai, endpoint: endpoint, model: "embed", dimensions: nil, batchSize: 4, transport: transport,
            retry: RetryPolicy(maxRetries: 2, baseDelay: 0.01, maxDelay: 0.02))
        let first = try await compile(folder, files: 5, embedder: embedder)
        #expect(first.chunks > 5)
        #expect(first.embedded == first.chunks && first.cached == 0)
        let batches = (first.chunks + 3) / 4
        #expect(server.requests.count == batches + 1)  // one 429, retried
        #expect(server.requests.allSatisfy { $0.path == "/v1/embeddings" && $0.header("authorization") == "Bearer k" })
        folder.write("docs/file2.md", "# Topic 2\n\nOnly one new paragraph about something else entirely.\n")
        let before = server.requests.count
        let second = try await compile(folder, files: 5, embedder: embedder)
        #expect(second.embedded == 1)  // just the edited file's one chunk
        #expect(second.cached == second.chunks - 1)
        #expect(server.requests.count == before + 1)
        let third = try await compile(folder, files: 5, embedder: embedder)
        #expect(third.embedded == 0)
        #expect(third.files == second.files)  // reproducible: same sources, same bytes
    }

    @Test func switchingEmbeddersNeverMixesDimensions() async throws {
        let folder = TemporaryFolder()
        corpus(folder, files: 2)
        let small = try await compile(folder, files: 2, embedder: MockEmbedder(dimensions: 16))
        let large = try await compile(folder, files: 2, embedder: MockEmbedder(dimensions: 32))
        #expect(small.embedded > 0 && large.embedded == small.embedded)  // a new space: nothing reused
        let path = folder.path + "/docs.vectors"
        folder.write("docs.vectors", data: Data(large.files[KnowledgeCompiler.paths("docs").vectors] ?? []))
        #expect(try VectorIndex(path: path).dimensions == 32)
    }

    @Test func hybridSearchFindsTheRightFile() async throws {
        let folder = TemporaryFolder()
        corpus(folder, files: 8)
        let output = try await compile(folder, files: 8, embedder: MockEmbedder(dimensions: 64))
        for (path, bytes) in output.files { folder.write("artifact/" + path, data: Data(bytes)) }
        let index = try KnowledgeIndex(artifact: folder.path + "/artifact", name: "docs")
        let query = "subject5 detail3"
        let vector = try await MockEmbedder(dimensions: 64).embed([query])[0]
        for mode in KnowledgeIndex.Mode.allCases {
            let hits = try index.search(query, queryVector: vector, k: 3, mode: mode)
            #expect(hits.first?.chunk.source == "docs/file5.md", "\(mode)")
            #expect(hits.first?.chunk.headingPath == ["Topic 5"], "\(mode)")
        }
    }

    @Test func theVectorIndexKindCanBeChosen() async throws {
        let folder = TemporaryFolder()
        corpus(folder, files: 8)
        let compiler = KnowledgeCompiler(
            root: folder.path, cacheFolder: ConfinedPath(base: folder.path, below: ".crew/cache")
        ) { _ in }
        var source = KnowledgeCompiler.Source(
            name: "docs", files: (0..<8).map { "docs/file\($0).md" }, texts: [], chunkSize: 40, chunkOverlap: 8,
            embedder: MockEmbedder(dimensions: 32))
        source.vectorKind = .ivf(lists: 0)
        source.vectorStorage = .int8
        let output = try await compiler.compile(source)
        folder.write("v.vectors", data: Data(output.files[KnowledgeCompiler.paths("docs").vectors] ?? []))
        let index = try VectorIndex(path: folder.path + "/v.vectors")
        #expect(index.lists == Int(Double(output.chunks).squareRoot().rounded()))
        #expect(index.storage == .int8)
    }
}
