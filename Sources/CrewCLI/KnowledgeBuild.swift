import AsyncHTTPClient
import CrewBuild
import CrewCore
import CrewKnowledge
import CrewPlanner
import CrewRuntime
import CrewSpec
import Foundation

/// Compiles a crew's knowledge bases into index files for its artifact, embedding through the embedders the plan
/// names (keys read from the environment now, never written anywhere), with progress on the terminal.
enum KnowledgeBuild {
    struct Report {
        var name: String
        var output: KnowledgeCompiler.Output
    }

    static func compile(_ validated: ValidatedCrew, _ plan: Plan, quiet: Bool) async throws -> (
        [String: [UInt8]], [Report]
    ) {
        let crew = validated.crew
        guard !crew.knowledge.isEmpty else { return ([:], []) }
        let execution = try ExecutionPlan.decode(PlanEncoder.encode(validated, plan), artifactHash: "")
        let http = RunSession.makeHTTPClient(maxParallel: 8)
        defer { _ = Task { try? await http.shutdown() } }
        let environment = ProcessInfo.processInfo.environment
        let compiler = KnowledgeCompiler(
            root: crew.root, cacheFolder: ConfinedPath(base: crew.displayRoot, below: ".crew/cache")
        ) { line in
            if !quiet { Terminal.err("  \(line)\n") }
        }
        var files: [String: [UInt8]] = [:]
        var reports: [Report] = []
        for (index, kb) in crew.knowledge.enumerated() {
            let name = kb.name.value
            let embedder = try execution.knowledge[name]?.embedder.flatMap { embedderName in
                try execution.embedders[embedderName].map {
                    try EmbedderFactory.make($0, http: http, environment: environment)
                }
            }
            let texts = kb.sources.compactMap { source -> String? in
                if case .text(let text) = source { return text.value }
                return nil
            }
            var source = KnowledgeCompiler.Source(
                name: name, files: validated.knowledgeFiles[index], texts: texts, chunkSize: kb.effectiveChunkSize,
                chunkOverlap: kb.effectiveChunkOverlap, embedder: embedder)
            source.vectorStorage = VectorStorage(rawValue: kb.vectorStorage?.value ?? "float32") ?? .float32
            switch kb.vectorIndex?.value {
            case "exact": source.vectorKind = .exact
            case "ivf": source.vectorKind = .ivf(lists: kb.vectorLists?.value ?? 0)  // 0: the compiler picks √n
            default: source.vectorKind = .auto
            }
            let output = try await compiler.compile(source)
            files.merge(output.files) { $1 }
            reports.append(Report(name: name, output: output))
        }
        try? await http.shutdown()
        return (files, reports)
    }

    /// One line per knowledge base: documents, chunks, sizes and where the time went.
    static func describe(_ reports: [Report]) -> String {
        reports.map { report in
            let o = report.output
            let bytes = o.files.values.reduce(0) { $0 + $1.count }
            let stages = ["read", "chunk", "bm25", "vectors"].compactMap { stage in
                o.seconds[stage].map { "\(stage) \(Int($0 * 1000)) ms" }
            }.joined(separator: ", ")
            let vectors = o.embedded + o.cached > 0 ? ", \(o.embedded) embedded + \(o.cached) cached" : ""
            return "  knowledge `\(report.name)`: \(o.documents) documents, \(o.chunks) chunks\(vectors), "
                + "\(ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)) (\(stages))\n"
        }.joined()
    }
}
