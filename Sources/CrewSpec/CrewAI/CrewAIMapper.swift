import CrewCore
import CrewDocuments

/// What the crewAI reader shares: keys by provider and the inputs crewAI's placeholders make.
enum CrewAIMapper {
    static func defaultKey(_ provider: ModelSpec.Provider) -> SecretRef? {
        switch provider {
        case .openai: return .env("OPENAI_API_KEY")
        case .anthropic: return .env("ANTHROPIC_API_KEY")
        case .gemini: return .env("GEMINI_API_KEY")
        case .ollama, .mock: return nil
        }
    }

    /// crewAI's placeholders are its run-time inputs: each becomes a required string input.
    static func inferredInputs(_ crew: Crew) -> [InputSpec] {
        var seen = Set<String>()
        var inputs: [InputSpec] = []
        let templates =
            crew.agents.flatMap { [$0.role, $0.goal] + ($0.backstory.map { [$0] } ?? []) }
            + crew.tasks.flatMap { [$0.description] + ($0.expectedOutput.map { [$0] } ?? []) }
        for template in templates {
            for name in template.inputNames where seen.insert(name).inserted {
                inputs.append(
                    InputSpec(name: Located(name, at: template.location), type: .string, location: template.location))
            }
        }
        return inputs
    }
}

extension Template {
    /// Folded YAML scalars (`>`) end in a newline that is no part of the prompt.
    var trimmed: Template {
        var copy = self
        while copy.source.last?.isWhitespace == true { copy.source.removeLast() }
        if case .text(var last) = copy.segments.last {
            while last.last?.isWhitespace == true { last.removeLast() }
            copy.segments[copy.segments.count - 1] = .text(last)
            if last.isEmpty { copy.segments.removeLast() }
        }
        return copy
    }
}
