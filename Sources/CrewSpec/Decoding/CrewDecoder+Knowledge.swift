import CrewCore
import CrewDocuments

extension CrewDecoder {
    func decodeKnowledge(_ name: Located<String>, _ node: YAMLNode) -> KnowledgeSpec? {
        let what = "knowledge base `\(name.value)`"
        let known = ["sources", "chunk", "embedder", "description", "vectors"]
        guard let fields = decoder.fields(node, what, known: known, required: ["sources"], owner: name.location) else {
            return nil
        }
        var kb = KnowledgeSpec(name: name, location: node.location)
        kb.description = decoder.string(fields["description"], "the description of \(what)")?.value
        kb.embedder = decoder.string(fields["embedder"], "the `embedder` of \(what)")
        if let sources = fields["sources"] {
            kb.sources = knowledgeSources(sources, what)
            if kb.sources.isEmpty && (sources.items?.isEmpty ?? false) {
                decoder.error(
                    .e113, "\(what) has no sources", at: sources.location,
                    hint: "list files or globs, e.g. `sources: [docs/**/*.md]`, or `{ text: ... }` entries")
            }
        }
        if let chunk = fields["chunk"],
            let chunkFields = decoder.fields(chunk, "the `chunk` of \(what)", known: ["size", "overlap"])
        {
            kb.chunkSize = decoder.int(chunkFields["size"], "`chunk.size`", min: 16, max: 100_000)
            kb.chunkOverlap = decoder.int(chunkFields["overlap"], "`chunk.overlap`", min: 0, max: 100_000)
            let size = kb.chunkSize?.value ?? PlanDefaults.chunkSize
            if let overlap = kb.chunkOverlap, overlap.value >= size {
                decoder.error(
                    .e210, "`chunk.overlap` (\(overlap.value)) must be smaller than `chunk.size` (\(size))",
                    at: overlap.location)
            }
        }
        if let vectors = fields["vectors"] {
            decodeVectors(vectors, into: &kb, what)
        }
        return kb
    }

    private func knowledgeSources(_ node: YAMLNode, _ what: String) -> [KnowledgeSpec.Source] {
        let items = node.items ?? [node]
        return items.compactMap { item in
            if item.scalar != nil {
                return decoder.string(item, "a source of \(what)").map(KnowledgeSpec.Source.path)
            }
            guard let fields = decoder.fields(item, "a source of \(what)", known: ["path", "text"]) else { return nil }
            if let text = decoder.string(fields["text"], "`text`") { return .text(text) }
            if let path = decoder.string(fields["path"], "`path`") { return .path(path) }
            decoder.error(
                .e113, "a source needs `path` or `text`", at: item.location, hint: "for example `- docs/**/*.md`")
            return nil
        }
    }

    /// `vectors: { index: auto|exact|ivf, lists: N, storage: float32|float16|int8 }`, only with an embedder.
    private func decodeVectors(_ node: YAMLNode, into kb: inout KnowledgeSpec, _ what: String) {
        guard let fields = decoder.fields(node, "the `vectors` of \(what)", known: ["index", "lists", "storage"]) else {
            return
        }
        kb.vectorIndex = decoder.enumValue(fields["index"], "`vectors.index`")
        kb.vectorLists = decoder.int(fields["lists"], "`vectors.lists`", min: 1, max: 65_536)
        kb.vectorStorage = decoder.enumValue(fields["storage"], "`vectors.storage`")
        if kb.embedder == nil {
            decoder.error(
                .e210, "`vectors` needs an `embedder` in \(what)", at: node.location,
                hint: "add `embedder: <name>` or remove `vectors`")
        }
        if let lists = kb.vectorLists, kb.vectorIndex?.value != .ivf {
            decoder.error(.e210, "`vectors.lists` applies only to `index: ivf`", at: lists.location)
        }
    }
}
