import CrewCore
import CrewDocuments

/// Whether one task of a run is answered from the cache (specs/cache.md, "Which tasks are cached"). A task's own
/// `cache: true` is the explicit ask; `--cache` and `defaults.cache: true` ask for every task where a cached answer
/// is as good as a new one: a model at temperature 0 (or the mock provider) and no tool whose results can change
/// between runs.
enum CachePolicy {
    enum Decision: Equatable {
        case use
        /// Not cached; why, when the run or the crew asked for caching (shown in the record).
        case skip(String?)
    }

    static func decide(_ task: TaskDefinition, plan: ExecutionPlan, requested: Bool) -> Decision {
        if task.cache == false { return .skip(nil) }
        let explicit = task.cache == true
        guard explicit || requested || plan.cache == true else { return .skip(nil) }
        if task.humanReview { return .skip("its output is reviewed by a person") }
        let team = plan.document.agents(reachableFrom: task.agent)
        let unknown = team.flatMap { plan.document.knowledgeBases(readBy: $0) }.first {
            plan.knowledgeHashes[$0] == nil
        }
        if let unknown { return .skip("the index of knowledge base `\(unknown)` has no known hash") }
        if explicit { return .use }
        for agent in team {
            guard let model = plan.models[agent.model] else { return .skip(nil) }
            if model.provider != .mock, model.temperature != 0 {
                let temperature = model.temperature.map { "temperature \($0)" } ?? "the provider's default temperature"
                return .skip(
                    "model `\(model.name)` answers at \(temperature); set `cache: true` on the task to cache it")
            }
            let changing = agent.tools.filter { plan.tools[$0]?.type != .knowledge }
            if let tool = changing.first {
                return .skip(
                    "tool `\(tool)` may answer differently next time; set `cache: true` on the task to cache it")
            }
        }
        return .use
    }
}
