import CrewCore

extension Validator {
    /// Every `{name}` in prompt text must be a declared input.
    mutating func checkPlaceholders() {
        for template in promptTemplates() {
            for name in template.inputNames where inputs.index[name] == nil {
                let at = sources.find("{\(name)}", from: template.location) ?? template.location
                var hint = "declare it under `inputs:`, or write `{{\(name)}}` for literal braces"
                if let suggestion = Suggestions.closest(to: name, in: inputs.names) {
                    hint = "did you mean `{\(suggestion)}`? Otherwise " + hint
                }
                diagnostics.error(.e203, "`{\(name)}` is not a declared input", at: at, hint: hint)
            }
        }
        let used = Set(promptTemplates().flatMap(\.inputNames))
        for input in crew.inputs where !used.contains(input.name.value) && inputs.index[input.name.value] != nil {
            diagnostics.warning(
                .w405, "input `\(input.name.value)` is not used in any prompt", at: input.name.location,
                hint: "use it as `{\(input.name.value)}` or remove it")
        }
    }

    func promptTemplates() -> [Template] {
        var templates: [Template] = []
        for agent in crew.agents {
            templates.append(agent.role)
            templates.append(agent.goal)
            if let backstory = agent.backstory { templates.append(backstory) }
        }
        for task in crew.tasks {
            templates.append(task.description)
            if let expected = task.expectedOutput { templates.append(expected) }
        }
        return templates
    }
}
