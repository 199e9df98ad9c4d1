import CrewCore

extension CrewDecoder {
    func decodeKnowledge(_ name: Located<String>, _ node: YAMLNode) -> KnowledgeSpec? {
        let what = "knowledge base `\(name.value)`"
        let known = ["sources", "chunk", "embedder", "description"]
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
                    "E113", "\(what) has no sources", at: sources.location,
                    hint: "list files or globs, e.g. `sources: [docs/**/*.md]`, or `{ text: ... }` entries")
            }
        }
        if let chunk = fields["chunk"],
            let chunkFields = decoder.fields(chunk, "the `chunk` of \(what)", known: ["size", "overlap"])
        {
            kb.chunkSize = decoder.int(chunkFields["size"], "`chunk.size`", min: 16, max: 100_000)
            kb.chunkOverlap = decoder.int(chunkFields["overlap"], "`chunk.overlap`", min: 0, max: 100_000)
            let size = kb.chunkSize?.value ?? KnowledgeSpec.defaultChunkSize
            if let overlap = kb.chunkOverlap, overlap.value >= size {
                decoder.error(
                    "E210", "`chunk.overlap` (\(overlap.value)) must be smaller than `chunk.size` (\(size))",
                    at: overlap.location)
            }
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
                "E113", "a source needs `path` or `text`", at: item.location, hint: "for example `- docs/**/*.md`")
            return nil
        }
    }
}
