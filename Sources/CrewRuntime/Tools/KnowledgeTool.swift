import CrewCore
import CrewDocuments
import CrewKnowledge
import CrewTools
import Foundation

/// The `knowledge` tool: searches one compiled knowledge base and returns the best passages, each labelled with
/// its source file, line range and heading path so the model can cite them.
struct KnowledgeTool: AgentTool {
    let descriptor: ToolDescriptor
    let knowledge: String
    let topK: Int
    let mode: KnowledgeIndex.Mode?
    let searcher: KnowledgeSearcher

    init(name: String, config: JSONValue, searcher: KnowledgeSearcher) throws(ToolSetupError) {
        guard let knowledge = config["knowledge"]?.stringValue else {
            throw ToolSetupError("tool `\(name)` names no knowledge base")
        }
        self.knowledge = knowledge
        self.topK = max(1, config["top_k"]?.intValue ?? PlanDefaults.knowledgeTopK)
        // Hybrid means "both when there are vectors": a base built without an embedder is searched by BM25.
        let mode = config["mode"]?.stringValue.flatMap(KnowledgeIndex.Mode.init(rawValue:))
        self.mode = mode == .hybrid ? nil : mode
        self.searcher = searcher
        let description =
            config["description"]?.stringValue
            ?? "Search the knowledge base `\(knowledge)`. Returns the \(topK) most relevant passages, each with its "
            + "source file and line range."
        descriptor = ToolDescriptor(
            name: name, description: description,
            inputSchema: .object([
                "type": .string("object"),
                "properties": .object([
                    "query": .object([
                        "type": .string("string"),
                        "description": .string("What to look for: keywords or a question."),
                    ])
                ]),
                "required": .strings(["query"]),
                "additionalProperties": .bool(false),
            ]))
    }

    func call(_ arguments: JSONValue) async throws(ToolFailure) -> String {
        let query = arguments["query"]?.stringValue ?? ""
        guard !query.trimmingWhitespace().isEmpty else { throw ToolFailure("the query is empty") }
        let hits: [KnowledgeIndex.Hit]
        do {
            hits = try await searcher.search(knowledge, query: query, k: topK, mode: mode)
        } catch {
            throw ToolFailure("the search failed: \(error)")
        }
        guard !hits.isEmpty else { return "No passage of `\(knowledge)` matches \"\(query)\"." }
        return hits.enumerated().map { number, hit in
            let passage = KnowledgePassage(hit: hit)
            return "[\(number + 1)] \(passage.label)\n\(passage.text)"
        }.joined(separator: "\n\n")
    }
}
