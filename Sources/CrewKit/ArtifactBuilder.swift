import CrewBuild
import CrewCore
import CrewDocuments
import CrewKnowledge
import CrewPlanner
import CrewRuntime
import CrewSpec

/// A build's result: where the artifact is, what it holds, and what each knowledge base's compile came to.
public struct BuiltArtifact: Sendable {
    /// The artifact folder, as shown.
    public var folder: String
    public var artifact: Artifact
    public var knowledge: [KnowledgeReport]
}

/// One knowledge base's compile: documents, chunks, embeddings and where the time went.
public struct KnowledgeReport: Sendable {
    public var name: String
    public var output: KnowledgeCompiler.Output
}

extension CrewEngine {
    /// Compiles `compiled`'s knowledge bases into index files (embedding through the embedders its plan names, keys
    /// read from the configuration's environment now and written nowhere) and writes the artifact to `location`
    /// (default: `.crew/build` below the crew's folder), atomically, manifest last. `progress` gets one line per
    /// step of a knowledge base's compile.
    public func build(
        _ compiled: CompiledCrew, to location: ConfinedPath? = nil, argo: ArgoTemplate.Options? = nil,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> BuiltArtifact {
        guard compiled.succeeded, let validated = compiled.result.validated, let plan = compiled.result.plan else {
            throw compiled.hasErrorsFailure
        }
        // The document alone to find the knowledge bases; the artifact (which hashes every input file) is made once.
        let document = PlanBuilder.document(validated, plan)
        var files: [String: [UInt8]] = [:]
        var reports: [KnowledgeReport] = []
        let compiler = KnowledgeCompiler(
            root: validated.crew.root,
            cacheFolder: ConfinedPath(base: validated.crew.displayRoot, below: ".crew/cache"),
            progress: progress)
        for kb in validated.crew.knowledge.map({ document.knowledge[$0.name.value] }) {
            guard let kb else { continue }
            let output = try await compiler.compile(try source(kb, document))
            files.merge(output.files) { $1 }
            reports.append(KnowledgeReport(name: kb.name, output: output))
        }
        // `--target argo`: the WorkflowTemplate is a file of the artifact, listed and hashed in its manifest.
        if let argo { files[ArgoTemplate.fileName] = Array(ArgoTemplate.yaml(document, argo).utf8) }
        guard let artifact = compiled.artifact(knowledgeFiles: files) else { throw compiled.hasErrorsFailure }
        let target = location ?? ConfinedPath(base: validated.crew.displayRoot, below: ".crew/build")
        try artifact.write(to: target)
        return BuiltArtifact(folder: target.description, artifact: artifact, knowledge: reports)
    }

    /// What the knowledge compiler reads for `kb`, with the embedder its plan names.
    func source(_ kb: KnowledgeDefinition, _ document: PlanDocument) throws -> KnowledgeCompiler.Source {
        let embedder = try kb.embedder.flatMap { document.embedders[$0] }.map {
            try EmbedderFactory.make($0, transport: transport, environment: configuration.environment)
        }
        var source = KnowledgeCompiler.Source(
            name: kb.name, files: kb.files, texts: kb.texts, chunkSize: kb.chunkSize, chunkOverlap: kb.chunkOverlap,
            embedder: embedder)
        if let vectors = kb.vectors {
            source.vectorStorage = VectorStorage(rawValue: vectors.storage.rawValue) ?? .float32
            switch vectors.index {
            case .exact: source.vectorKind = .exact
            case .ivf: source.vectorKind = .ivf(lists: vectors.lists ?? 0)  // 0: the compiler picks √n
            case .auto: source.vectorKind = .auto
            }
        }
        return source
    }
}
