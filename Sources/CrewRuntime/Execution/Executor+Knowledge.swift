import CrewCore
import CrewDocuments
import CrewKnowledge
import Foundation

extension Executor {
    /// With `knowledge_context: auto`, the top hits of each of the agent's knowledge bases for the task's
    /// description; recorded as a `knowledge_hits` event.
    func knowledgeContext(_ task: TaskDefinition, _ agent: AgentDefinition) async throws -> [KnowledgePassage] {
        var passages: [KnowledgePassage] = []
        for (name, query, hits) in try await Self.knowledgeHits(task, agent, inputs: inputs, searcher: knowledge) {
            let recorded: [JSONValue] = hits.map { hit in
                .object([
                    "id": .string(hit.chunk.id), "source": .string(hit.chunk.source),
                    "heading": .strings(hit.chunk.headingPath),
                    "lines": .array([.int(hit.chunk.lineStart), .int(hit.chunk.lineEnd)]),
                    "score": .double((hit.score * 1e6).rounded() / 1e6),
                ])
            }
            emit(
                RunEvent(
                    .knowledgeHits, task: task.name,
                    fields: ["knowledge": .string(name), "query": .string(query), "hits": .array(recorded)]))
            passages += hits.map(KnowledgePassage.init(hit:))
        }
        return passages
    }

    /// The hits `knowledge_context: auto` puts in a task's prompt: per knowledge base of the agent, the top 5 for
    /// the task's rendered description. Also what `crew plan` renders a prompt with.
    static func knowledgeHits(
        _ task: TaskDefinition, _ agent: AgentDefinition, inputs: [String: String], searcher: KnowledgeSearcher?
    ) async throws -> [(name: String, query: String, hits: [KnowledgeIndex.Hit])] {
        guard agent.knowledgeContext == .auto, !agent.knowledge.isEmpty, let searcher else { return [] }
        let query = task.description.rendered(inputs: inputs)
        var found: [(name: String, query: String, hits: [KnowledgeIndex.Hit])] = []
        for name in agent.knowledge {
            found.append((name, query, try await searcher.search(name, query: query, k: 5, mode: nil)))
        }
        return found
    }
}

extension KnowledgePassage {
    /// `docs/tides.md:5-7 › Tides › Spring tides` and the chunk's text.
    public init(hit: KnowledgeIndex.Hit) {
        let heading = hit.chunk.headingPath.isEmpty ? "" : " › " + hit.chunk.headingPath.joined(separator: " › ")
        self.init(
            label: "\(hit.chunk.source):\(hit.chunk.lineStart)-\(hit.chunk.lineEnd)\(heading)", text: hit.chunk.text)
    }
}
