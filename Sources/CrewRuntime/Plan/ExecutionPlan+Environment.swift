import CrewCore
import CrewDocuments

extension ExecutionPlan {
    /// The plan with each model's `environment` applied (specs/artifact.md): the first variable set names the model,
    /// and the first one set gives the base URL, kept as a `${env:NAME}` reference so that its value (which may
    /// hold credentials) is never written to a run's records. Run folders record this plan, so a resume keeps the
    /// model the run started with.
    public func resolvingModelEnvironment(_ environment: [String: String]) -> ExecutionPlan {
        var copy = self
        for (name, model) in document.models {
            guard let variables = model.environment else { continue }
            var resolved = model
            if let (_, value) = ModelEnvironment.first(variables.model, in: environment) {
                let (prefix, rest) = Self.split(value)
                // crewAI's `MODEL=anthropic/claude-…` also picks the provider; crew keeps the plan's provider and
                // takes the name after a prefix it shares.
                resolved.model = prefix == model.provider.rawValue ? rest : value
            }
            if let (variable, _) = ModelEnvironment.first(variables.baseURL, in: environment) {
                resolved.baseURL = TemplateParser.parse("${env:\(variable)}", at: .file("plan.json"), inputs: false).0
            }
            resolved.environment = nil
            copy.document.models[name] = resolved
        }
        return copy
    }

    private static func split(_ value: String) -> (String, String) {
        guard let slash = value.firstIndex(of: "/") else { return ("", value) }
        return (String(value[..<slash]), String(value[value.index(after: slash)...]))
    }
}
